"""The portal's processes for benchmarks and the scale-out test: start, wait for, stop, ask.

gunicorn and Celery workers run from the checkout in sessions of their own (so that stopping
one never touches anything else), each logging to a file. Nothing here imports the portal:
bench/intake.py uses it from outside Django, bench/scale.py and tests/test_scale_out.py
from inside.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kombu import Connection

from bench.common import ROOT

VENV_BIN = Path(sys.executable).parent
INTAKE = "/requests/new/"
WORKER_CONCURRENCY = 2


# --- Processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """Started in the checkout, in a session of its own, all its output to `log`."""
    with log.open("ab") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM; if it does not exit in time, SIGKILL to its process group (its own session)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def kill_machine(process: subprocess.Popen) -> None:
    """SIGKILL the process and its children (a Celery worker's pool): the machine dies."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_until(condition: Callable[[], object], seconds: float, what: str, every=0.1) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    log: Path
    port: int = 0
    mail_dir: Path | None = None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None


def wait_for(service: Service, check: Callable[[], bool], what: str) -> None:
    def ready() -> bool:
        assert service.alive(), f"{service.name} exited:\n{service.output()[-3000:]}"
        return check()

    wait_until(ready, 60, f"{service.name}: {what}")


@dataclass
class Cluster:
    """Web instances and workers sharing one database and one Redis db, as on many machines."""

    tmp: Path
    env: dict[str, str]
    redis_url: str
    secret_key: str
    webs: list[Service] = field(default_factory=list)
    workers: list[Service] = field(default_factory=list)

    def start_web(self, name: str) -> Service:
        port = free_port()
        log = self.tmp / f"{name}.log"
        # A web process sends no e-mail itself: its mail folder must stay empty.
        env = {**self.env, "PORT": str(port), "WEB_CONCURRENCY": "2"}
        env["EMAIL_URL"] = f"filemail:///{self.tmp / f'{name}-mail'}"
        command = [str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py"]
        command += ["privacyportal.wsgi:application"]
        service = Service(name, spawn(command, env, log), log, port=port)
        self.webs.append(service)
        return service

    def start_worker(self, name: str, *, beat: bool = False) -> Service:
        mail_dir = self.tmp / f"{name}-mail"
        log = self.tmp / f"{name}.log"
        env = {**self.env, "EMAIL_URL": f"filemail:///{mail_dir}"}
        env["DJANGO_SETTINGS_MODULE"] = "bench.worker_settings"  # sweeps every second
        command = [sys.executable, "-m", "celery", "-A", "privacyportal", "worker"]
        command += ["-n", f"{name}@%h", "--concurrency", str(WORKER_CONCURRENCY)]
        command += ["--without-mingle", "--without-gossip", "--loglevel", "INFO"]
        if beat:
            command += ["--beat", "--schedule", str(self.tmp / f"{name}-beat-schedule")]
        service = Service(name, spawn(command, env, log), log, mail_dir=mail_dir)
        self.workers.append(service)
        return service

    def wait_ready(self) -> None:
        for web in self.webs:
            wait_for(web, lambda web=web: healthz(web.port)[0] == 200, "/healthz 200")
        for worker in self.workers:
            wait_for(worker, lambda worker=worker: " ready." in worker.output(), "ready")

    def stop_all(self) -> None:
        for service in [*self.webs, *self.workers]:
            stop(service.process)

    def publish(self, task, times: int = 1) -> None:
        """Hand `task` to the workers through their Redis, as beat (or a web process) does."""
        with Connection(self.redis_url) as conn:
            for _ in range(times):
                task.apply_async(connection=conn)


def cluster_env(
    static_root: Path, redis_url: str, secret_key: str, database_url: str
) -> dict[str, str]:
    """Production settings, the same for every process of a cluster."""
    env = {name: value for name, value in os.environ.items() if name != "SECRET_KEY"}
    return env | {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(static_root),
        "INTAKE_RATE_LIMIT": "1000000",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }


def collect_static(root: Path) -> None:
    env = {**os.environ, "DEBUG": "false", "STATIC_ROOT": str(root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )


# --- HTTP -----------------------------------------------------------------------------------


def request(port: int, method: str, path: str, body: str = "", headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def healthz(port: int) -> tuple[int, bytes]:
    try:
        status, _headers, body = request(port, "GET", "/healthz", timeout=10)
        return status, body
    except OSError:
        return 0, b""


def csrf_pair(port: int, timeout: float = 30) -> tuple[str, str]:
    """The csrftoken cookie and the intake form's hidden token; one pair serves every POST."""
    status, headers, body = request(port, "GET", INTAKE, timeout=timeout)
    assert status == 200, (status, body[:300])
    cookie = next(
        value.split(";")[0].split("=", 1)[1]
        for value in headers.get_all("Set-Cookie")
        if value.startswith("csrftoken=")
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1].decode()
    return cookie, token
