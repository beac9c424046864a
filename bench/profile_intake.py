"""Where one intake POST spends its time: isolated timings, then cProfile over N filings.

    .venv/bin/python bench/profile_intake.py [--filings 500] [--top 30]

Same settings as bench/intake.py (PostgreSQL, Redis, DEBUG off), in one process:
django.test.Client with CSRF checks on, so middleware, URL routing, form, service,
transaction, on-commit Celery publish and redirect all run. Prints the wall and CPU time of
each part alone, the SQL round trips, the cumulative time of the parts under cProfile and
the top functions. Uses its own database and Redis db; drops them unless --keep.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import intake  # noqa: E402
from bench.cluster import INTAKE  # noqa: E402
from bench.common import drop_database, flush_redis, recreate_database  # noqa: E402

if TYPE_CHECKING:
    from django.test import Client

FORM_ENCODED = "application/x-www-form-urlencoded"
TYPES = ["access", "correction", "deletion", "portability", "restriction", "objection"]
TYPES += ["complaint", "question"]
COUNTRIES = ["DE", "FR", "CH", "GB", "US", "IT", "ES", "NL", "AT", "IE"]

# (label, file suffix, function name): cumulative time per filing, read from the profile.
PARTS = [
    ("whole request (handler + middleware)", "django/core/handlers/base.py", "get_response"),
    ("  view new_request", "requests_app/views.py", "new_request"),
    ("    IntakeForm() init", "requests_app/forms.py", "__init__"),
    ("    form.is_valid()", "django/forms/forms.py", "is_valid"),
    ("    ratelimit.allow (Redis)", "requests_app/ratelimit.py", "allow"),
    ("    services.file_request", "requests_app/services.py", "file_request"),
    ("      set_deadline", "requests_app/models/request.py", "set_deadline"),
    ("      FilingRows.build (the unsaved rows)", "requests_app/filing.py", "build"),
    ("      together.Part.sql (columns and values)", "core/together.py", "sql"),
    ("      together.write (the one statement)", "core/together.py", "write"),
    ("      outbox.hand_over (RPUSH to the relay)", "requests_app/outbox.py", "hand_over"),
    ("    signing.dumps", "django/core/signing.py", "dumps"),
    ("  CSRF process_view", "django/middleware/csrf.py", "process_view"),
    ("  LocaleMiddleware process_request", "django/middleware/locale.py", "process_request"),
    ("  CSP process_response", "csp/middleware.py", "process_response"),
    ("SQL execute (all)", "django/db/backends/utils.py", "_execute"),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--filings", type=int, default=500)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--database", default="privacyportal_bench_profile")
    parser.add_argument("--redis-db", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


def filing(n: int, token: str) -> dict[str, str]:
    """A valid, distinct filing, as a browser posts it."""
    return {
        "csrfmiddlewaretoken": token,
        "form_token": f"profile-{n}",
        "request_type": TYPES[n % len(TYPES)],
        "full_name": f"Profile Requester {n}",
        "email": f"profile.{n}@example.com",
        "country": COUNTRIES[n % len(COUNTRIES)],
        "details": f"Please send me a copy of my personal data (filing {n}).",
        "consent": "on",
    }


class QueryTimer:
    """Counts SQL statements and their wall time (a connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def post(client: Client, path: str, data: dict[str, str]) -> None:
    # Form-encoded like a browser (and wrk); the test client would send multipart.
    response = client.post(path, urlencode(data), content_type=FORM_ENCODED)
    assert response.status_code == 302, (path, response.status_code)


def post_filings(client: Client, numbers: Iterator[int], count: int, token: str) -> None:
    for _ in range(count):
        post(client, INTAKE, filing(next(numbers), token))


def timed(label: str, count: int, action: Callable[[], object]) -> None:
    """Wall and CPU milliseconds per call of action()."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:52}{wall / count * 1000:8.3f}{cpu / count * 1000:8.3f}")


def time_stack(client: Client, token: str, numbers: Iterator[int], count: int) -> None:
    timed(
        "POST /requests/new/ (whole stack, test client)",
        count,
        lambda: post(client, INTAKE, filing(next(numbers), token)),
    )
    timed(
        "POST /bench/floor/ (whole stack, test client)",
        count,
        lambda: post(client, intake.FLOOR_PATH, filing(0, token)),
    )


def time_parts(token: str, numbers: Iterator[int], count: int) -> None:
    """The intake's parts one by one, called the way new_request calls them."""
    from django.core import signing
    from django.http import QueryDict

    from requests_app import outbox, ratelimit, services
    from requests_app.forms import IntakeForm

    def valid() -> IntakeForm:
        form = IntakeForm(QueryDict(urlencode(filing(next(numbers), token))))
        assert form.is_valid(), form.errors
        return form

    timed("IntakeForm(data)", count, lambda: IntakeForm(QueryDict(urlencode(filing(1, token)))))
    timed("IntakeForm(data) + is_valid()", count, valid)
    timed(
        "ratelimit.allow (one pipelined Redis round trip)",
        count,
        lambda: ratelimit.allow("bench", "127.0.0.1", 10**9, 600),
    )
    forms = [valid() for _ in range(count)]
    timed(
        "services.file_request (statement + hand-over)",
        count,
        lambda: services.file_request(
            (form := forms.pop()).cleaned_data,
            language="en",
            ip_address="127.0.0.1",
            form_token=form.cleaned_data["form_token"],
        ),
    )
    timed("  of which outbox.hand_over (RPUSH)", count, lambda: outbox.hand_over([0]))
    timed(
        "signing.dumps of a reference",
        count,
        lambda: signing.dumps("DSR-2025-000001", salt="requests_app.filed"),
    )


def cumulative(stats: pstats.Stats, suffix: str, name: str) -> tuple[float, int]:
    """Cumulative seconds and calls of the matching function with the most time.

    The outermost one wins where names repeat in a file (IntakeForm.__init__ calls the
    mixin's __init__), so nested time is not counted twice.
    """
    matches = [
        (cum, primitive)
        for (filename, _, function), (primitive, _, _, cum, _) in stats.stats.items()
        if function == name and filename.endswith(suffix)
    ]
    return max(matches, default=(0.0, 0))


def report(stats: pstats.Stats, filings: int, wall: float, top: int) -> None:
    each = wall / filings * 1000
    print(f"\n{filings} filings in {wall:.2f} s under cProfile: {each:.2f} ms each")
    print(f"\n{'part (cumulative under cProfile, per filing)':52}{'ms':>8}{'calls':>8}")
    for label, suffix, name in PARTS:
        seconds, calls = cumulative(stats, suffix, name)
        print(f"{label:52}{seconds / filings * 1000:8.3f}{calls / filings:8.1f}")
    print(f"\nTop {top} by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)
    print(f"Top {top} by own time:")
    stats.sort_stats("tottime").print_stats(top)


def redirect_logs(path: Path) -> None:
    """Log lines (one per request) to a file as in production, not over the report."""
    import logging

    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr:
            handler.setStream(path.open("a"))


def profile(args: argparse.Namespace, workdir: Path) -> None:
    import django

    django.setup()
    redirect_logs(workdir / "requests.log")
    from django.db import connection
    from django.test import Client

    client = Client(enforce_csrf_checks=True, SERVER_NAME="127.0.0.1")
    client.get(INTAKE)
    token = client.cookies["csrftoken"].value  # the cookie's value is a valid token too
    numbers = iter(range(10**9))
    post_filings(client, numbers, 50, token)  # warm: imports, holiday calendars, connections
    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        post_filings(client, numbers, args.filings, token)
    print(
        f"SQL: {timer.count / args.filings:.1f} statements per filing through execute(), "
        f"{timer.seconds / args.filings * 1000:.2f} ms wall per filing (BEGIN/COMMIT not included)"
    )
    count = min(args.filings, 300)
    print(f"\n{f'isolated, {count} calls each':52}{'wall ms':>8}{'CPU ms':>8}")
    time_stack(client, token, numbers, count)
    time_parts(token, numbers, count)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(post_filings, client, numbers, args.filings, token)
    report(pstats.Stats(profiler), args.filings, time.perf_counter() - started, args.top)


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    env = intake.server_env(args, workdir)
    recreate_database(args.database)
    flush_redis(env["REDIS_URL"])
    try:
        intake.prepare(env)
        os.environ.update(env)
        profile(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.database)
            flush_redis(env["REDIS_URL"])


if __name__ == "__main__":
    main()
