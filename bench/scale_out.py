"""The scale-out proof, first scenario: many filings, e-mails and sweeps on two webs and two
workers, and one worker killed; nothing lost, nothing doubled.

Run by tests/test_scale_out.py (300 filings, in CI) and, larger, by bench/scale.py; both set
Django up first, on the database the cluster's processes share. The checks are assertions:
a broken promise fails the test and stops the benchmark.
"""

from __future__ import annotations

import http.client
import itertools
import json
import re
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.core import signing
from django.utils import timezone

from bench.cluster import (
    INTAKE,
    WORKER_CONCURRENCY,
    Cluster,
    Service,
    csrf_pair,
    kill_machine,
    request,
    wait_until,
)
from requests_app import outbox, tasks
from requests_app.models import OutboxEmail, PrivacyRequest, Reminder
from requests_app.views import FILED_SALT

REFERENCE = re.compile(r"^DSR-(\d{4})-(\d{6})$")
MESSAGE_ID = re.compile(rb"^Message-ID:\s+(<[^>\s]+>)", re.MULTILINE)  # the header may be folded
SWEEP_LINE = "reminder sweep: queued"


# --- Filing over HTTP -----------------------------------------------------------------------


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
    outbox sweep hand them out again. The proof moves time on for exactly these rows by
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
    kill_machine(worker_a.process)
    sent_at_kill = batch.filter(state="sent").count()
    assert sent_at_kill < len(second), "the worker was killed after the last e-mail"
    figures["sent_at_kill"] = (sent_at_kill, len(second))

    wait_until_settled()
    stranded = list(OutboxEmail.objects.exclude(state="sent").values_list("pk", "state"))
    orphans = expire_orphaned_claims()
    # The killed worker held at most concurrency x prefetch messages, each of at most
    # RELAY_CHUNK e-mails (a relay's or a sending task's): claimed (then in `orphans`) or
    # not yet (pending and due: the outbox sweep hands them out again).
    assert len(stranded) <= WORKER_CONCURRENCY * outbox.RELAY_CHUNK, stranded
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
