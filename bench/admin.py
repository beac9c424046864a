"""The officer's admin pages on a million requests: the queue, searches, a request, the dashboard.

    .venv/bin/python bench/admin.py [--requests 1000000] [--runs 10] [--keep] [--reuse]

Creates a fresh PostgreSQL database, migrates it, fills it with bench/fill.py (timed),
runs VACUUM ANALYZE, then, in this process (`django.setup()` against that database, DEBUG
off), signs in as an officer (a superuser) through the real login form with password and TOTP
code (ADMIN_REQUIRE_2FA on, as in production) and fetches each page with Django's test
`Client`: one warm-up, then `--runs` timed fetches, counting the queries of each with
`CaptureQueriesContext`. Prints median and max per page, the slowest queries, and PASS/FAIL
against: the request list (open by due date, all, overdue, waiting, possible duplicates or
not) in at most 10 queries and under 300 ms; search by reference or e-mail under 100 ms; a
request page in at most 30 queries and under 200 ms; the dashboard under 300 ms; the figures
page under 500 ms; seeding under 3 minutes. A time target passes when every timed run (the
max) is under it. Then the officer's day (bench/admin_day.py): each bulk action on 100
requests under 2 s, and an export of the whole list by a worker process under 60 s with its
memory flat. See
docs/BENCHMARKS.md.

`--reuse` skips creating and seeding: it migrates and measures a database kept by `--keep`.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import admin_day  # noqa: E402
from bench.common import (  # noqa: E402
    QUIET_CORES,
    busy_cores,
    code_version,
    database_sql,
    drop_database,
    exit_on_sigterm,
    explain,
    fill,
    flush_redis,
    machine,
    manage,
    others_running,
    portal_env,
    recreate_database,
    setup_django,
)

LIST = "/admin/requests_app/privacyrequest/"
PASSWORD = "bench-officer-password-42"  # noqa: S105 (a throwaway user in a throwaway database)
SEED_TARGET_S = 180.0
# What would disturb the timed fetches: servers and load of other benchmarks, test runs.
OTHERS = "gunicorn|wrk|pytest"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--database", default="privacyportal_bench_admin")
    parser.add_argument("--redis-db", type=int, default=11)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=10, help="timed fetches per page")
    parser.add_argument(
        "--wait-idle", type=float, default=600, help="wait up to this many s for a quiet machine"
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the slowest queries")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    return parser.parse_args()


# --- Environment, database ----------------------------------------------------------------


def bench_env(args: argparse.Namespace, static_root: Path) -> dict[str, str]:
    """Production-like settings, the second factor on; hashed static names (the manifest
    storage) as in production, collected into a temporary directory."""
    return portal_env(
        args.database,
        args.redis_db,
        STATIC_ROOT=str(static_root),
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="testserver",
        ADMIN_REQUIRE_2FA="true",
        LOG_LEVEL="WARNING",
    )


# --- The machine's load -------------------------------------------------------------------


def others() -> list[str]:
    """Other benchmarks' servers and load generators (bench/intake.py) or test runs."""
    return [line.split(maxsplit=1)[1][:60] for line in others_running(OTHERS)]


class Watch(threading.Thread):
    """Notes whatever else runs while the pages are timed (checked every second)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.seen: set[str] = set()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(1.0):
            self.seen.update(others())

    def stop(self) -> str:
        self.done.set()
        self.join()
        return "; ".join(sorted(self.seen)) or "nothing"


def wait_for_quiet(patience: float, before: str) -> str:
    """Wait until no other benchmark runs and the machine is idle; say how it was."""
    deadline = time.monotonic() + patience
    while True:
        running = others()
        cores = busy_cores()
        if (not running and cores <= QUIET_CORES) or time.monotonic() >= deadline:
            break
    state = f"{cores:.2f} cores busy" + (
        f" (still running: {'; '.join(running)})" if running else ""
    )
    print(f"machine before {before}: {state}", flush=True)
    return state


# --- Seeding ------------------------------------------------------------------------------


@dataclass
class Seeded:
    seconds: float | None
    output: str
    vacuum_seconds: float
    requests: int
    quiet: str


def seed(args: argparse.Namespace, env: dict[str, str]) -> Seeded:
    """Migrate and seed (unless reusing), then VACUUM ANALYZE."""
    manage(env, "migrate", "--no-input", "-v", "0")
    seconds, output, quiet = None, "(reused the kept database)", ""
    if not args.reuse:
        quiet = wait_for_quiet(args.wait_idle, "seeding")
        print(f"seeding {args.requests} requests …", flush=True)
        started = time.monotonic()
        output = fill(env, f"--requests={args.requests}", f"--seed={args.seed}")
        seconds = time.monotonic() - started
        print(f"seeded in {seconds:.1f} s", flush=True)
    started = time.monotonic()
    database_sql(env, "VACUUM ANALYZE")
    vacuum = time.monotonic() - started
    ((count,),) = database_sql(env, "SELECT count(*) FROM requests_app_privacyrequest")
    return Seeded(seconds, output, vacuum, count, quiet)


# --- The pages, in this process -------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    max_queries: int | None
    max_ms: float


@dataclass
class Measured:
    page: Page
    status: int
    rows: str
    runs_ms: list[float] = field(default_factory=list)
    queries: int = 0
    slowest: list[tuple[float, str]] = field(default_factory=list)
    # The queries on the requests' table, of the last run: for --explain.
    on_requests: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.runs_ms)

    @property
    def max(self) -> float:
        return max(self.runs_ms)

    @property
    def passed(self) -> bool:
        within_budget = self.page.max_queries is None or self.queries <= self.page.max_queries
        return self.status == 200 and within_budget and self.max < self.page.max_ms


def collect_static(env: dict[str, str]) -> None:
    """The pages link their static files by hashed name when the storage keeps a manifest,
    as in production: those are collected first, into the benchmark's temporary directory."""
    from django.conf import settings
    from django.core.management import call_command

    settings.STATIC_ROOT = Path(env["STATIC_ROOT"])  # never the checkout's, whatever settings say
    if "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]:
        call_command("collectstatic", interactive=False, verbosity=0)


def signed_in_client() -> Any:
    """A superuser with a TOTP device, signed in through the login form: password and code."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench-officer").first()
    if user is None:
        user = user_model.objects.create_superuser("bench-officer", "o@example.org", PASSWORD)
    # A new device each time: a device accepts each code once (a second run within 30 s).
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": user.username,
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": f"{code:06d}",
        },
    )
    if response.status_code != 302 or client.get("/admin/").status_code != 200:
        raise SystemExit(f"could not sign in as the officer ({response.status_code})")
    return client


def samples() -> dict[str, Any]:
    """What the pages look for: an open request's reference and e-mail, two request pages."""
    from requests_app.models import OPEN_STATUSES, PrivacyRequest, Status

    def middle(queryset) -> PrivacyRequest:
        ids = queryset.order_by("id").values_list("id", flat=True)
        return PrivacyRequest.objects.get(pk=ids[queryset.count() // 2])

    open_requests = PrivacyRequest.objects.filter(status__in=OPEN_STATUSES)
    searched = middle(open_requests.filter(status=Status.NEW))
    return {
        "reference": searched.reference,
        "email": searched.email,
        "in_progress": middle(open_requests.filter(status=Status.IN_PROGRESS)).pk,
        "closed": middle(PrivacyRequest.objects.filter(status=Status.CLOSED)).pk,
    }


def pages(found: dict[str, Any]) -> list[Page]:
    return [
        Page("list: open by due date (default)", LIST, 10, 300),
        Page("list: all (?open=all)", f"{LIST}?open=all", 10, 300),
        Page("list: overdue (?due=overdue)", f"{LIST}?due=overdue", 10, 300),
        Page("list: waiting (?status__exact=waiting)", f"{LIST}?status__exact=waiting", 10, 300),
        Page("list: all, page 100", f"{LIST}?open=all&p=100", 10, 300),
        Page("list: possible duplicates (?duplicate=yes)", f"{LIST}?duplicate=yes", 10, 300),
        Page("list: no duplicate (?duplicate=no)", f"{LIST}?duplicate=no", 10, 300),
        Page("list: all, no duplicate", f"{LIST}?open=all&duplicate=no", 10, 300),
        Page("search: reference", f"{LIST}?q={found['reference']}", 10, 100),
        Page("search: e-mail", f"{LIST}?q={found['email'].upper()}", 10, 100),
        Page("request page: in progress", f"{LIST}{found['in_progress']}/change/", 30, 200),
        Page("request page: closed", f"{LIST}{found['closed']}/change/", 30, 200),
        Page("dashboard (/admin/)", "/admin/", None, 300),
        Page("figures (report/)", f"{LIST}report/", None, 500),
    ]


def rows_shown(html: str) -> str:
    """What the changelist says it shows: "50 results" (filtered) or "1000000 privacy requests"."""
    match = re.search(r'<span class="small quiet">([^<(]*)', html) or re.search(
        r"(\d+ privacy requests?)", html
    )
    return match.group(1).strip() if match else "-"


def measure(client: Any, page: Page, runs: int) -> Measured:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    warm = client.get(page.url)
    measured = Measured(page, warm.status_code, rows_shown(warm.content.decode()))
    slowest: dict[str, float] = {}
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(page.url)
            elapsed = (time.perf_counter() - started) * 1000
        measured.runs_ms.append(elapsed)
        measured.queries = max(measured.queries, len(captured.captured_queries))
        measured.status = response.status_code if response.status_code != 200 else measured.status
        for query in captured.captured_queries:
            ms = float(query["time"]) * 1000
            slowest[query["sql"]] = max(ms, slowest.get(query["sql"], 0.0))
    measured.slowest = sorted(((ms, q) for q, ms in slowest.items()), reverse=True)[:3]
    measured.on_requests = [
        query["sql"]
        for query in captured.captured_queries
        if 'FROM "requests_app_privacyrequest"' in query["sql"]
    ]
    return measured


# --- Report -------------------------------------------------------------------------------


def shorten(statement: str, width: int = 220) -> str:
    statement = re.sub(r'SELECT .*? FROM "', 'SELECT … FROM "', statement, count=1)
    return statement if len(statement) <= width else statement[: width - 1] + "…"


def report(
    info: dict[str, str], seeded: Seeded, results: list[Measured], args: argparse.Namespace
) -> bool:
    print("\n== machine")
    for key, value in info.items():
        print(f"  {key}: {value}")
    print("\n== seeding")
    print(f"  {seeded.output}")
    if seeded.seconds is not None:
        rate = seeded.requests / seeded.seconds
        print(f"  bench/fill.py: {seeded.seconds:.1f} s ({rate:,.0f} requests/s), {seeded.quiet}")
    print(f"  VACUUM ANALYZE: {seeded.vacuum_seconds:.1f} s; {seeded.requests:,} requests")
    print("\n== slowest queries per page (max over the runs)")
    for result in results:
        print(f"  {result.page.name}: {result.page.url}")
        for ms, statement in result.slowest:
            print(f"    {ms:7.1f} ms  {shorten(statement)}")
        if args.explain:
            for statement in result.on_requests:
                print(f"      EXPLAIN (ANALYZE, BUFFERS) {shorten(statement, 400)}")
                plan = explain(statement)
                print("\n".join(f"        {line}" for line in plan.splitlines()))
    print(f"\n== targets ({args.runs} timed runs per page after a warm-up; PASS: max under target)")
    header = f"  {'':4}  {'page':40} {'median ms':>9} {'max ms':>8} {'target':>7}"
    print(f"{header} {'queries':>7} {'budget':>6}  shown")
    passed = True
    if seeded.seconds is not None:
        ok = seeded.seconds < SEED_TARGET_S
        passed &= ok
        name = f"fill --requests {seeded.requests}"
        line = f"  {'PASS' if ok else 'FAIL'}  {name:40} {seeded.seconds * 1000:9.0f} {'':>8}"
        print(f"{line} {SEED_TARGET_S * 1000:7.0f}")
    for r in results:
        passed &= r.passed
        budget = "-" if r.page.max_queries is None else str(r.page.max_queries)
        line = f"  {'PASS' if r.passed else 'FAIL'}  {r.page.name:40} {r.median:9.1f} {r.max:8.1f}"
        print(f"{line} {r.page.max_ms:7.0f} {r.queries:7d} {budget:>6}  {r.rows}")
    return passed


def benchmark(args: argparse.Namespace, env: dict[str, str]) -> bool:
    seeded = seed(args, env)
    setup_django(env)
    collect_static(env)
    client = signed_in_client()
    found = samples()
    quiet = wait_for_quiet(args.wait_idle, "the timed runs")
    watch = Watch()
    watch.start()
    results = []
    for page in pages(found):
        results.append(measure(client, page, args.runs))
        print(f"  {page.name}: median {results[-1].median:.1f} ms", flush=True)
    # The officer's day (after the pages: the actions change requests).
    cold = admin_day.figures_counted_anew(client)
    bulk = admin_day.bulk_actions(client)
    whole, short = admin_day.exports(env)
    meanwhile = watch.stop()
    info = machine(env)
    info["before the timed runs"] = quiet
    info["also running during them"] = meanwhile
    info["load average after them"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    passed = report(info, seeded, results, args)
    passed &= admin_day.report(bulk, whole, short, cold)
    from django.db import connection

    connection.close()
    return passed


def main() -> None:
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    args = parse_args()
    static_root = Path(tempfile.mkdtemp(prefix="bench-admin-static-"))
    env = bench_env(args, static_root)
    print(f"code: {code_version()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", flush=True)
    if not args.reuse:
        recreate_database(args.database)
    flush_redis(env["REDIS_URL"])
    try:
        passed = benchmark(args, env)
    finally:
        if not args.keep:
            # WITH (FORCE) also ends this process's own connection to it.
            drop_database(args.database)
        flush_redis(env["REDIS_URL"])
        shutil.rmtree(static_root, ignore_errors=True)
    print(f"\n{'PASS' if passed else 'FAIL'}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
