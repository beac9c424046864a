"""Helpers the tests share: file a request as the intake does, read links from e-mails,
run jobs at the same moment, start a real Celery worker."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.db import connection, connections
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from kombu import Connection

from core.models import ApiToken
from requests_app import outbox, services
from requests_app.models import OutboxEmail, PrivacyRequest

VALID_FILING = {
    "request_type": "access",
    "full_name": "Erika Mustermann",
    "email": "erika@example.de",
    "country": "DE",
    "details": "Please send me a copy of all data you hold about me.",
    "consent": "on",
}


API_REQUESTS = "/api/v1/requests/"


def api_token(user: AbstractBaseUser, *, read_only: bool = False) -> str:
    _row, token = ApiToken.issue(user, read_only=read_only)
    return token


def bearer(token: str) -> dict[str, str]:
    """The test client's keyword for an `Authorization: Bearer` header."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# What remember_error, the tests' ERROR_HOOK, was handed.
ERROR_RECORDS: list[logging.LogRecord] = []


def remember_error(record: logging.LogRecord) -> None:
    ERROR_RECORDS.append(record)


def file_request(form_token: str = "", **overrides: str) -> PrivacyRequest:
    data = {**VALID_FILING, **overrides}
    data.pop("consent")
    request, _created = services.file_request(
        data, language="en", ip_address="192.0.2.1", form_token=form_token
    )
    return request


def message_form(request: PrivacyRequest, body: str) -> dict[str, str]:
    """A request's page as the admin posts it: a new message and the empty read-only inlines."""
    data = {"messages-0-body": body, "messages-0-request": str(request.pk)}
    for prefix in ["messages", "tasks", "identity_checks", "waits"]:
        data |= {
            f"{prefix}-TOTAL_FORMS": "1" if prefix == "messages" else "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def link_in(email: OutboxEmail, kind: str) -> str:
    """The token of the first /requests/<kind>/ link in an outbox e-mail."""
    match = re.search(rf"/requests/{kind}/([A-Za-z0-9_-]+)/", outbox.render(email).text)
    assert match, f"no {kind} link in the {email.kind} e-mail"
    return match.group(1)


def last_email(kind: str) -> OutboxEmail:
    return OutboxEmail.objects.filter(kind=kind).latest("created_at", "pk")


def past_second_factor(client: Client, user: AbstractBaseUser) -> Client:
    """Signs the user in on the client, password and TOTP device both passed."""
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def staff_member(username: str, permissions: list[Permission]) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(username, is_staff=True)
    user.user_permissions.set(permissions)
    return user


def member_of(group: str) -> Client:
    """A fresh client signed in, past both factors, as a member of one of the staff groups."""
    user = get_user_model().objects.create_user(group.replace(" ", "-"), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return past_second_factor(Client(), user)


def run_at_once(jobs: list[Callable[[], object]]) -> list[object]:
    """Start every job at the same moment, each on its own thread and database connection."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = job()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def database_url() -> str:
    """The test database as a DATABASE_URL, for the processes a test starts."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def broker_connection(env: dict[str, str]) -> Connection:
    if env["REDIS_URL"]:
        return Connection(env["REDIS_URL"])
    folder = env["EMBEDDED_BROKER_DIR"]
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Connection(
        "filesystem://",
        transport_options={
            "data_folder_in": folder,
            "data_folder_out": folder,
            "control_folder": f"{folder}/control",
        },
    )


def worker_env(broker: dict[str, str], email_url: str) -> dict[str, str]:
    """The environment of a worker process on `broker` and the test database."""
    return {
        **os.environ,
        **broker,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": email_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "bench.worker_settings",
    }


def start_worker(env: dict[str, str], beat_schedule: Path | None = None) -> subprocess.Popen:
    """A Celery worker process (solo pool; with beat when given a schedule file)."""
    command = [sys.executable, "-m", "celery", "-A", "privacyportal", "worker"]
    command += ["--pool", "solo", "--without-mingle", "--without-gossip", "--loglevel", "INFO"]
    if beat_schedule is not None:
        command += ["--beat", "--schedule", str(beat_schedule)]
    return subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(process: subprocess.Popen) -> str:
    """Stop it (warm shutdown, killed if it hangs) and return what it printed."""
    process.terminate()
    try:
        text, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        text, _ = process.communicate()
    return text


@contextmanager
def celery_worker(
    broker: dict[str, str], tmp_path: Path, *, beat: bool, email_url: str = ""
) -> Iterator[tuple[dict[str, str], Path, list[str]]]:
    """A worker process (with beat if asked) on `broker`, the test database and file mail.

    Yields its environment, the mail folder and a list that holds the worker's output once
    it has stopped.
    """
    mail_dir = tmp_path / "mail"
    env = worker_env(broker, email_url or f"filemail:///{mail_dir}")
    process = start_worker(env, tmp_path / "beat-schedule" if beat else None)
    output: list[str] = []
    try:
        yield env, mail_dir, output
    finally:
        text = stop_worker(process)
        output.append(text)
        print(text)


def wait_until(condition: Callable[[], object], seconds: float = 45) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


class RecordingServer:
    """A real HTTP server on 127.0.0.1 for a test: records each POST (headers and body) and
    answers with `status`, `body` (JSON-encoded unless bytes) after `delay` seconds."""

    def __init__(self) -> None:
        self.status, self.body, self.delay = 200, {}, 0.0
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                recorder.received.append((dict(self.headers), body))
                time.sleep(recorder.delay)
                answer = recorder.body
                if not isinstance(answer, bytes):
                    answer = json.dumps(answer).encode()
                self.send_response(recorder.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
