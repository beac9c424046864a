"""Scale-out: two gunicorns and two Celery workers on one PostgreSQL and one Redis.

The proof of "several web processes, several workers, exactly one beat" on one machine.
Each test starts two gunicorn instances (production settings, two sync workers each) on two
ports and two Celery workers (the default prefork pool, two processes each), all on the test
database and on a Redis db of their own, and files requests through both instances at once
over HTTP:

- `test_two_webs_and_two_workers_lose_and_double_nothing`: every accepted filing has its
  row and a unique, consecutive reference; every e-mail is sent exactly once (counted by
  Message-ID in each worker's mail folder); reminder sweeps run on both workers at the same
  moment and send each reminder once; a worker killed with SIGKILL while it sends loses
  nothing.
- `test_a_postgresql_restart_during_filing_loses_no_accepted_filing`: PostgreSQL is
  stopped and started again while filings run; `/healthz` answers 503 while it is down and
  200 again afterwards without restarting anything, and no accepted filing or e-mail is lost.

Needs PostgreSQL and Redis (CI has both). The restart test restarts the local PostgreSQL
cluster of DATABASE_URL with pg_ctlcluster, which cuts every connection to that server, not
only ours: it runs under CI=true or with SCALE_OUT_RESTART_POSTGRES=true, and skips (a
failure under CI) while any client is connected to another database of that server.

`bench/scale.py` runs the same two scenarios, larger, on a database of its own.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core import signing
from django.db import connection
from django.utils import timezone
from kombu import Connection

from privacyportal.celery import app as celery_app
from requests_app import outbox, tasks
from requests_app.models import OutboxEmail, PrivacyRequest, Reminder
from requests_app.views import FILED_SALT
from tests.helpers import database_url

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("REDIS_URL", "")
# A Redis db of this test's own, flushed before and after (0: the app's; 9, 10, 11, 12:
# benchmarks' and other local runs'; 13: test_celery_worker's).
SCALE_REDIS_DB = 14
IN_CI = os.environ.get("CI", "").lower() == "true"
MAY_RESTART_POSTGRES = IN_CI or os.environ.get("SCALE_OUT_RESTART_POSTGRES", "") == "true"
VENV_BIN = Path(sys.executable).parent
INTAKE = "/requests/new/"
REFERENCE = re.compile(r"^DSR-(\d{4})-(\d{6})$")
MESSAGE_ID = re.compile(rb"^Message-ID:\s+(<[^>\s]+>)", re.MULTILINE)  # the header may be folded
WORKER_CONCURRENCY = 2
SWEEP_LINE = "reminder sweep: queued"


# --- Processes ------------------------------------------------------------------------------


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


def stop(service: Service, timeout: float = 20) -> None:
    """SIGTERM; if it does not exit in time, SIGKILL to its process group (its own session)."""
    if service.process.poll() is None:
        service.process.terminate()
        try:
            service.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(service.process.pid, signal.SIGKILL)
            service.process.wait()


def kill_machine(service: Service) -> None:
    """SIGKILL the process and its children (a Celery worker's pool): the machine dies."""
    os.killpg(service.process.pid, signal.SIGKILL)
    service.process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], seconds: float, what: str, every=0.1) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


def wait_for(service: Service, check: Callable[[], bool], what: str) -> None:
    def ready() -> bool:
        assert service.alive(), f"{service.name} exited:\n{service.output()[-3000:]}"
        return check()

    wait_until(ready, 60, f"{service.name}: {what}")


def spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


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
        env["DJANGO_SETTINGS_MODULE"] = "tests.worker_settings"  # sweeps every second
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
            stop(service)

    def publish(self, task, times: int = 1) -> None:
        """Hand `task` to the workers through their Redis, as beat (or a web process) does."""
        with Connection(self.redis_url) as conn:
            for _ in range(times):
                task.apply_async(connection=conn)


def cluster_env(static_root: Path, redis_url: str, secret_key: str) -> dict[str, str]:
    """Production settings, the same for every process; the database is Django's own."""
    env = {name: value for name, value in os.environ.items() if name != "SECRET_KEY"}
    return env | {
        "DATABASE_URL": database_url(),
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
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("scale-static")
    collect_static(root)
    return root


@pytest.fixture
def cluster(transactional_db, tmp_path, static_root):
    """A scaled-out portal's processes (the test starts them); all stopped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("the scale-out proof needs PostgreSQL (DATABASE_URL=postgres://…)")
    if not REDIS_URL:
        pytest.skip("the scale-out proof needs Redis (REDIS_URL=redis://…)")
    redis_url = f"{REDIS_URL.rsplit('/', 1)[0]}/{SCALE_REDIS_DB}"
    redis.Redis.from_url(redis_url).flushdb()
    secret_key = secrets.token_urlsafe(50)
    running = Cluster(
        tmp_path, cluster_env(static_root, redis_url, secret_key), redis_url, secret_key
    )
    # This process publishes sweeps to the workers' broker instead of running them itself
    # (restored by the portal_settings fixture).
    celery_app.conf.task_always_eager = False
    try:
        yield running
    finally:
        running.stop_all()
        redis.Redis.from_url(redis_url).flushdb()
        for service in [*running.webs, *running.workers]:
            print(f"{service.name}: exit {service.process.returncode}, log {service.log}")


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


def csrf_pair(port: int) -> tuple[str, str]:
    """The csrftoken cookie and the form's hidden token."""
    status, headers, body = request(port, "GET", INTAKE)
    assert status == 200, (status, body[:300])
    cookie = next(
        value.split(";")[0].split("=", 1)[1]
        for value in headers.get_all("Set-Cookie")
        if value.startswith("csrftoken=")
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1].decode()
    return cookie, token


@dataclass
class Filing:
    port: int
    number: int
    details: str
    started: float
    finished: float = 0.0
    status: int = 0  # 0: no HTTP answer at all
    reference: str = ""
    error: str = ""


class Filers:
    """Threads that file requests through every web port at once, each with its own details."""

    def __init__(self, ports: list[int], secret_key: str, threads: int = 8) -> None:
        self.ports = ports
        self.secret_key = secret_key
        self.thread_count = threads
        self.filings: list[Filing] = []
        self.numbers = itertools.count()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.limit: int | None = None
        self.run_id = uuid.uuid4().hex[:8]
        self.threads: list[threading.Thread] = []

    def accepted(self) -> list[Filing]:
        return [filing for filing in self.filings if filing.status == 302]

    def seconds(self) -> float:
        return max(f.finished for f in self.filings) - min(f.started for f in self.filings)

    def start(self, limit: int | None = None) -> None:
        self.limit = limit
        self.threads = [
            threading.Thread(target=self._run, args=(self.ports[i % len(self.ports)],))
            for i in range(self.thread_count)
        ]
        for thread in self.threads:
            thread.start()

    def join(self, *, stop: bool = True) -> None:
        """Wait for the threads; with `stop`, they end after the filing in flight."""
        if stop:
            self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=120)

    def _next(self) -> int | None:
        with self.lock:
            number = next(self.numbers)
        if self.stopping.is_set() or (self.limit is not None and number >= self.limit):
            return None
        return number

    def _run(self, port: int) -> None:
        pair = None
        while (number := self._next()) is not None:
            details = f"Scale-out filing {self.run_id}-{number:06d}."
            filing = Filing(port, number, details, time.monotonic())
            self.filings.append(filing)
            try:
                pair = pair or csrf_pair(port)
                self._post(filing, *pair)
            except (OSError, AssertionError, http.client.HTTPException) as error:
                filing.error = f"{type(error).__name__}: {error}"
            filing.finished = time.monotonic()
            if filing.status != 302:
                pair = None
                time.sleep(0.05)  # the database is down: do not spin

    def _post(self, filing: Filing, cookie: str, token: str) -> None:
        body = urllib.parse.urlencode(
            {
                "request_type": "access",
                "full_name": "Erika Mustermann",
                "email": f"scale-{self.run_id}-{filing.number}@example.de",
                "country": "DE",
                "details": filing.details,
                "consent": "on",
                "csrfmiddlewaretoken": token,
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        }
        status, response_headers, _body = request(filing.port, "POST", INTAKE, body, headers)
        if status == 302:
            # The reference the requester is shown, signed into the redirect.
            query = urllib.parse.urlsplit(response_headers["Location"]).query
            signed = urllib.parse.parse_qs(query)["r"][0]
            filing.reference = signing.loads(signed, key=self.secret_key, salt=FILED_SALT)
        filing.status = status


# --- Checks ---------------------------------------------------------------------------------


def check_filings(filers: Filers) -> dict[str, PrivacyRequest]:
    """Every 302 has its row, with the reference it was told; references unique, consecutive."""
    rows = {row.details: row for row in PrivacyRequest.objects.all()}
    for filing in filers.accepted():
        assert filing.details in rows, f"accepted filing lost: {filing}"
        assert rows[filing.details].reference == filing.reference, filing
    references = [row.reference for row in rows.values()]
    assert len(set(references)) == len(references), "duplicate reference"
    numbers = sorted(int(REFERENCE.match(reference)[2]) for reference in references)
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), "gap in references"
    return rows


def mail_ids(mail_dir: Path | None) -> Counter:
    """Message-IDs of the e-mails written to a folder, each as often as it was written."""
    found: Counter = Counter()
    if mail_dir is not None and mail_dir.exists():
        for path in mail_dir.iterdir():
            found.update(MESSAGE_ID.findall(path.read_bytes()))
    return Counter({key.decode(): count for key, count in found.items()})


def all_sent() -> bool:
    return not OutboxEmail.objects.exclude(state=OutboxEmail.State.SENT).exists()


def sent_count() -> int:
    return OutboxEmail.objects.filter(state=OutboxEmail.State.SENT).count()


def wait_until_settled(seconds: float = 60, *, swept: bool = False) -> None:
    """Until the sent count has not moved for 2 s: the workers are idle.

    With `swept` (a beat runs the outbox sweep), also until no pending row is due.
    """
    last = (-1, time.monotonic())

    def settled() -> bool:
        nonlocal last
        sent = sent_count()
        due = swept and (
            OutboxEmail.objects.filter(
                state=OutboxEmail.State.PENDING, next_attempt_at__lte=timezone.now()
            ).exists()
        )
        if sent != last[0] or due:
            last = (sent, time.monotonic())
            return False
        return time.monotonic() - last[1] >= 2

    wait_until(settled, seconds, "the workers to go idle", every=0.2)


def expire_orphaned_claims() -> set[int]:
    """Rows claimed by a sender that died (or lost the database) before recording the send.

    They stay "sending" until `outbox.SEND_LEASE` (5 minutes) runs out; only then does the
    outbox sweep hand them out again. The test moves time on for exactly these rows by
    setting `next_attempt_at` to now, which is all that the lease's expiry does. Their
    e-mail may have been written already (sent, not recorded): its resend is the one double
    the outbox allows, with the same Message-ID, so that receivers drop it.
    """
    now = timezone.now()
    orphans = OutboxEmail.objects.filter(
        state=OutboxEmail.State.SENDING,
        next_attempt_at__lte=now + outbox.SEND_LEASE - timedelta(seconds=2),
    )
    ids = set(orphans.values_list("pk", flat=True))
    orphans.update(next_attempt_at=now)
    return ids


def check_mail(cluster: Cluster, may_double: set[int]) -> Counter:
    """Every outbox row sent, once across all workers (at most twice for `may_double`)."""
    assert all_sent(), list(OutboxEmail.objects.exclude(state="sent").values("pk", "state"))
    written = sum((mail_ids(worker.mail_dir) for worker in cluster.workers), Counter())
    rows = dict(OutboxEmail.objects.values_list("message_id", "pk"))
    assert set(written) == set(rows), "an e-mail was lost, or one was sent that has no row"
    doubles = {mid: n for mid, n in written.items() if n > 1}
    assert all(rows[mid] in may_double for mid in doubles), f"doubled e-mails: {doubles}"
    assert all(n <= 2 for n in doubles.values()), f"e-mails sent more than twice: {doubles}"
    for web in cluster.webs:
        assert not mail_ids(web.mail_dir), f"{web.name} sent e-mail itself"
    return written


@dataclass(frozen=True)
class Sweep:
    worker: str
    start: datetime
    end: datetime
    queued: int


def sweeps_run(worker: Service) -> list[Sweep]:
    """The reminder sweeps a worker finished, from the sweep's own JSON log lines (Celery's
    line of a task shows no result)."""
    found = []
    for line in worker.output().splitlines():
        if SWEEP_LINE not in line or not line.startswith("{"):
            continue
        entry = json.loads(line)
        if entry["logger"] == "requests_app.tasks" and "queued" in entry:
            end = datetime.fromisoformat(entry["time"])
            start = end - timedelta(seconds=entry["seconds"])
            found.append(Sweep(worker.name, start, end, entry["queued"]))
    return found


def all_sweeps(cluster: Cluster) -> list[Sweep]:
    return [sweep for worker in cluster.workers for sweep in sweeps_run(worker)]


def confirm(requests: list[PrivacyRequest]) -> None:
    for privacy_request in requests:
        privacy_request._confirm_email()  # makes the officer's "new request" reminder due


# --- Scenario 1: scale out, sweep on both workers, SIGKILL one ------------------------------


def prove_scale_out(cluster: Cluster, filings: int = 300, threads: int = 8) -> dict:
    """Filings through two webs, mail from two workers, concurrent sweeps, a killed worker."""
    figures: dict = {"filings": filings}
    started = time.monotonic()
    webs = [cluster.start_web("web-a"), cluster.start_web("web-b")]
    worker_a, worker_b = cluster.start_worker("worker-a"), cluster.start_worker("worker-b")
    cluster.wait_ready()
    figures["start_seconds"] = time.monotonic() - started

    # 1. Filings through both web instances at once: each has its row, references are
    # unique and consecutive.
    filers = Filers([web.port for web in webs], cluster.secret_key, threads)
    filers.start(limit=filings)
    filers.join(stop=False)
    filed_at = time.monotonic()
    figures["filing_seconds"] = filers.seconds()
    assert [f for f in filers.filings if f.status != 302] == []
    assert {f.port for f in filers.accepted()} == {web.port for web in webs}
    rows = check_filings(filers)
    assert len(rows) == filings
    references = sorted(row.reference for row in rows.values())
    figures["references"] = (references[0], references[-1])

    # 2. The confirmation e-mails, handed to Redis by the web processes when the filing
    # commits (no outbox sweep has run): each sent once, by one worker or the other.
    wait_until(all_sent, 120, "every confirmation e-mail to be sent")
    figures["mail_drain_seconds"] = time.monotonic() - filed_at
    check_mail(cluster, may_double=set())
    assert OutboxEmail.objects.filter(kind="confirm_address").count() == filings
    by_worker = [sum(mail_ids(worker.mail_dir).values()) for worker in cluster.workers]
    assert all(by_worker), f"both workers send: {by_worker}"
    figures["confirmations_by_worker"] = by_worker

    # 3. Reminder sweeps on both workers at the same moment. A worker holds at most
    # concurrency x prefetch (2 x 1) messages, so four sweeps published together run two on
    # each worker, all four at once, over the same due requests.
    requests = list(PrivacyRequest.objects.order_by("pk"))
    first, second = requests[: filings // 3], requests[filings // 3 :]
    confirm(first)
    cluster.publish(tasks.sweep_reminders, times=4)
    wait_until(lambda: len(all_sweeps(cluster)) == 4, 60, "four reminder sweeps")
    wait_until(all_sent, 60, "every reminder e-mail to be sent")
    sweeps = all_sweeps(cluster)
    assert {sweep.worker for sweep in sweeps} == {"worker-a", "worker-b"}, sweeps
    assert sum(sweep.queued for sweep in sweeps) == len(first), sweeps
    reminders = Reminder.objects.all()
    assert sorted(r.request_id for r in reminders) == sorted(r.pk for r in first)
    assert {r.kind for r in reminders} == {Reminder.Kind.NEW_REQUEST}
    officer_mail = OutboxEmail.objects.filter(kind="officer_reminder")
    assert sorted(officer_mail.values_list("request_id", flat=True)) == sorted(r.pk for r in first)
    check_mail(cluster, may_double=set())
    figures["sweeps"] = [(s.worker, s.queued, s.end - s.start) for s in sweeps]
    busiest = max(sweeps, key=lambda s: s.queued)
    figures["sweeps_overlapping"] = sum(
        s.start < busiest.end and busiest.start < s.end for s in sweeps if s is not busiest
    )

    # 4. SIGKILL one worker (its whole process group: the machine dies) while both send the
    # officer's reminders for the other requests; the other worker and the outbox sweep
    # finish the job.
    confirm(second)
    cluster.publish(tasks.sweep_reminders, times=2)
    batch = OutboxEmail.objects.filter(kind="officer_reminder", request__in=second)

    def mid_sending() -> bool:
        # Both sweeps done (their e-mails all handed to Redis), a quarter of those sent.
        swept = len(all_sweeps(cluster)) == 6
        return swept and batch.filter(state="sent").count() >= len(second) // 4

    wait_until(mid_sending, 60, "the reminder e-mails to be on their way", every=0.01)
    kill_machine(worker_a)
    sent_at_kill = batch.filter(state="sent").count()
    assert sent_at_kill < len(second), "the worker was killed after the last e-mail"
    figures["sent_at_kill"] = (sent_at_kill, len(second))

    wait_until_settled()
    stranded = list(OutboxEmail.objects.exclude(state="sent").values_list("pk", "state"))
    orphans = expire_orphaned_claims()
    # The killed worker held at most concurrency x prefetch messages: claimed (then in
    # `orphans`) or not yet (pending and due: the outbox sweep hands it out again).
    assert len(stranded) <= WORKER_CONCURRENCY, stranded
    cluster.publish(outbox.sweep)
    wait_until(all_sent, 60, "the outbox sweep to send what the killed worker held")
    written = check_mail(cluster, may_double=orphans)
    reminders = Reminder.objects.all()
    assert sorted(r.request_id for r in reminders) == sorted(r.pk for r in requests)
    assert officer_mail.count() == len(requests)
    assert worker_b.alive()

    figures |= {
        "stranded": len(stranded),
        "orphaned_claims": len(orphans),
        "reminders": reminders.count(),
        "emails": OutboxEmail.objects.count(),
        "emails_written": sum(written.values()),
        "sent_twice": sum(1 for n in written.values() if n > 1),
        "seconds": time.monotonic() - started,
    }
    return figures


def describe_scale_out(f: dict) -> str:
    sweeps = ", ".join(f"{worker} {queued}" for worker, queued, _t in f["sweeps"])
    return (
        f"scale-out: {f['filings']} filings through 2 webs in {f['filing_seconds']:.1f} s, "
        f"references {f['references'][0]} … {f['references'][1]} (no gap, no duplicate); "
        f"confirmation e-mails by worker {f['confirmations_by_worker']}, all sent "
        f"{f['mail_drain_seconds']:.1f} s after the last filing; 4 concurrent reminder sweeps "
        f"queued [{sweeps}] e-mails ({f['sweeps_overlapping']} others ran while the busiest "
        f"did); "
        f"worker-a SIGKILLed at {f['sent_at_kill'][0]}/{f['sent_at_kill'][1]} reminder "
        f"e-mails sent: {f['stranded']} rows stranded, {f['orphaned_claims']} of them claimed; "
        f"{f['reminders']} reminders (one per request), {f['emails']} e-mails, all sent, "
        f"{f['emails_written']} written, {f['sent_twice']} twice; {f['seconds']:.1f} s"
    )


@pytest.mark.django_db(transaction=True)
def test_two_webs_and_two_workers_lose_and_double_nothing(cluster):
    print("\n" + describe_scale_out(prove_scale_out(cluster)))


# --- Scenario 2: PostgreSQL restart during filing -------------------------------------------


def postgres_cluster(port: int) -> tuple[str, str] | None:
    """The (version, name) of the local cluster on `port`, if pg_lsclusters knows one."""
    if not (shutil.which("pg_ctlcluster") and shutil.which("pg_lsclusters")):
        return None
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_rest = line.split()
        if cluster_port == str(port):
            return version, name
    return None


def pg_ctl(pg: tuple[str, str], *words: str) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", *pg, *words]
    subprocess.run(command, check=True, timeout=120, capture_output=True)


class RestartRefused(Exception):
    """Others use the PostgreSQL server: a restart would cut their connections too."""


def refuse_if_others_connected() -> None:
    """Client connections to any other database on the server (others' work) forbid a restart."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname, application_name, count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() "
            "AND datname IS DISTINCT FROM current_database() GROUP BY 1, 2"
        )
        others = cursor.fetchall()
    connection.close()
    if others:
        listed = ", ".join(f"{n} to {db} ({app or 'no name'})" for db, app, n in others)
        raise RestartRefused(f"not restarting PostgreSQL: other clients are connected: {listed}")


def postgres_is_up(port: int) -> bool:
    command = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]
    return subprocess.run(command, check=False).returncode == 0


def prove_restart(
    cluster: Cluster, pg: tuple[str, str], before: int = 80, after: int = 80, threads: int = 8
) -> dict:
    """Filings through two webs while PostgreSQL stops and starts again."""
    refuse_if_others_connected()
    started = time.monotonic()
    webs = [cluster.start_web("web-a"), cluster.start_web("web-b")]
    # Exactly one beat, on worker-a: its outbox sweep (every second here) hands out again
    # the e-mails whose task failed while the database was down.
    cluster.start_worker("worker-a", beat=True)
    cluster.start_worker("worker-b")
    cluster.wait_ready()
    masters = [web.process.pid for web in webs]
    connection.close()  # this process reads nothing while the server is down

    filers = Filers([web.port for web in webs], cluster.secret_key, threads)
    filers.start()
    polls: list[tuple[int, bytes]] = []
    try:
        wait_until(lambda: len(filers.accepted()) >= before, 120, "filings before the stop")
        refuse_if_others_connected()  # again: someone may have started meanwhile
        stop_at = time.monotonic()
        pg_ctl(pg, "stop", "-m", "fast")
        stopped_at = time.monotonic()

        def down() -> bool:
            polls.append(healthz(webs[0].port))
            return polls[-1][0] == 503

        wait_until(down, 30, "/healthz 503", every=0.05)
        time.sleep(1)  # filings keep coming while it is down
        filings_before_start = len(filers.filings)
        pg_ctl(pg, "start")
        started_at = time.monotonic()
        wait_until(
            lambda: all(healthz(web.port)[0] == 200 for web in webs), 60, "/healthz 200 again"
        )
        up_at = time.monotonic()
        wait_until(
            lambda: sum(f.started > up_at for f in filers.accepted()) >= after,
            120,
            "filings after the restart",
        )
    finally:
        filers.join()
        connection.close()  # died with the server

    status, body = polls[-1]
    assert status == 503
    assert json.loads(body) == {"database": "down", "broker": "ok"}
    assert [web.process.pid for web in webs] == masters, "gunicorn was not restarted"
    assert all(s.alive() for s in [*cluster.webs, *cluster.workers]), "every process lives on"

    # Filings that overlapped the outage may fail (they were not accepted); no other.
    failed = [f for f in filers.filings if f.status != 302]
    outside = [f for f in failed if f.finished < stop_at or f.started > up_at]
    assert outside == [], outside[:5]
    assert {f.status for f in failed} == {503}, "the outage's page says to send it again"
    assert failed, "no filing met the outage"
    rows = check_filings(filers)

    # Every e-mail is sent, once: a claim cut off by the outage before its e-mail went out
    # is sent after its lease; one whose e-mail went out is recorded once the server is back
    # (outbox.mark_sent), so nothing goes twice.
    wait_until_settled(90, swept=True)
    orphans = expire_orphaned_claims()
    wait_until(all_sent, 60, "the beat's outbox sweep to send every e-mail")
    written = check_mail(cluster, may_double=set())
    assert OutboxEmail.objects.filter(kind="confirm_address").count() == len(rows)

    return {
        "filings": len(filers.filings),
        "accepted": len(filers.accepted()),
        "rows": len(rows),
        "failed": len(failed),
        "failed_statuses": dict(Counter(f.status for f in failed)),
        "failed_while_down": sum(stopped_at <= f.started <= started_at for f in failed),
        "down_seconds": started_at - stopped_at,
        "stop_seconds": stopped_at - stop_at,
        "down_polls": len(polls),
        "down_body": body.decode(),
        "outage_seconds": up_at - stop_at,
        "recovery_seconds": up_at - started_at,
        "filings_before_start": filings_before_start,
        "emails": OutboxEmail.objects.count(),
        "orphaned_claims": len(orphans),
        "sent_twice": sum(1 for n in written.values() if n > 1),
        "seconds": time.monotonic() - started,
    }


def describe_restart(f: dict) -> str:
    return (
        f"postgres restart: {f['filings']} filings, {f['accepted']} accepted, all with their "
        f"row ({f['rows'] - f['accepted']} rows committed without a 302); {f['failed']} failed "
        f"{f['failed_statuses']} ({f['failed_while_down']} of them in the "
        f"{f['down_seconds']:.1f} s from stopped to started); "
        f"/healthz {f['down_body']} during the outage, 200 again {f['outage_seconds']:.1f} s "
        f"after the stop ({f['recovery_seconds']:.1f} s after the start), no process "
        f"restarted; {f['emails']} e-mails all sent, {f['orphaned_claims']} claims cut off, "
        f"{f['sent_twice']} sent twice; {f['seconds']:.1f} s"
    )


@pytest.fixture
def postgres(cluster):
    """The local PostgreSQL cluster of the test database; running again afterwards."""
    if not MAY_RESTART_POSTGRES:
        pytest.skip("restarts PostgreSQL: runs under CI=true or SCALE_OUT_RESTART_POSTGRES=true")
    port = int(connection.settings_dict["PORT"] or 5432)
    pg = postgres_cluster(port)
    if pg is None:
        pytest.skip(f"no PostgreSQL cluster on port {port} that pg_ctlcluster can restart")
    try:
        yield pg
    finally:
        if not postgres_is_up(port):
            pg_ctl(pg, "start")
        connection.close()  # the teardown's flush needs a fresh connection


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_restart_during_filing_loses_no_accepted_filing(cluster, postgres):
    try:
        figures = prove_restart(cluster, postgres)
    except RestartRefused as refused:
        pytest.skip(str(refused))
    print("\n" + describe_restart(figures))
