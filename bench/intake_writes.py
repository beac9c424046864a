"""What a filing's writes cost: in one statement (PostgreSQL), one by one, and the floor.

    .venv/bin/python bench/intake_writes.py [--filings 2000] [--keep]

The intake's rate against its floor (docs/BENCHMARKS.md, bench/intake.py) is bounded by
the CPU a filing costs the machine. This measures the writes' part, in one process on one
connection, without HTTP, form or Celery publish:

1. `one statement`: the portal's own `services.file_request`, which on PostgreSQL writes a
   filing's rows in one data-modifying statement, prepared once per connection
   (requests_app/filing.py, core/together.py; the hand-over to the outbox's relay after the
   commit is switched off); `not prepared`: the same with DATABASE_PREPARED_STATEMENTS=false;
2. `one by one`: the same rows through the ORM path the other databases take (BEGIN, six
   statements, COMMIT);
3. `floor`: the floor view's one-row INSERT (prepared too).

For each: the PostgreSQL backend's CPU per filing (read from /proc), this process's CPU
and the wall time. A fresh database `privacyportal_bench_writes`, dropped unless --keep.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    drop_database,
    manage,
    portal_env,
    recreate_database,
    setup_django,
    wait_for_others,
)
from bench.cpu import CLOCK_TICKS, process_ticks  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--filings", type=int, default=2000, help="per way of writing")
    parser.add_argument("--database", default="privacyportal_bench_writes")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--wait-idle", type=float, default=0, help="wait up to this many s for other benchmarks"
    )
    return parser.parse_args()


@dataclass
class Figures:
    name: str
    filings: int
    backend_ticks: int
    own_cpu: float
    wall: float

    def line(self) -> str:
        each = 1000 / self.filings
        backend = self.backend_ticks / CLOCK_TICKS * each
        return (
            f"{self.name:16}{backend:10.3f}{self.own_cpu * each:10.3f}"
            f"{self.wall * each:10.3f}{backend + self.own_cpu * each:10.3f}"
        )


def measure(name: str, filings: int, write: Callable[[int], None]) -> Figures:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    for n in range(50):  # warm: plans, caches, the connection
        write(-1 - n)
    ticks, cpu, wall = process_ticks(pid), time.process_time(), time.perf_counter()
    for n in range(filings):
        write(n)
    return Figures(
        name,
        filings,
        process_ticks(pid) - ticks,
        time.process_time() - cpu,
        time.perf_counter() - wall,
    )


def filing_data(n: int, tag: str) -> dict[str, str]:
    return {
        "request_type": "access",
        "full_name": f"Bench Requester {tag} {n}",
        "email": f"bench.{tag}.{n}@example.com",
        "country": "DE",
        "details": f"Please send me a copy of my personal data (filing {tag} {n}).",
    }


def portal(n: int) -> None:
    services_file(n, "portal")


def unprepared(n: int) -> None:
    """The same statement with DATABASE_PREPARED_STATEMENTS=false: parsed and planned anew."""
    from django.db import connection

    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None
    try:
        services_file(n, "unprepared")
    finally:
        connection.connection.prepare_threshold = threshold


def services_file(n: int, tag: str) -> None:
    from requests_app import services

    services.file_request(
        filing_data(n, tag), language="en", ip_address="127.0.0.1", form_token=f"{tag}{n}"
    )


def one_by_one(n: int) -> None:
    """The same filing through the ORM path (SQLite's), on PostgreSQL."""
    from requests_app import services
    from requests_app.filing import FilingRows

    request = services.new_request(
        filing_data(n, "orm"), language="en", ip_address="127.0.0.1", form_token=f"o{n}"
    )
    FilingRows.build(request).write_one_by_one()


def floor(n: int) -> None:
    """The floor view's INSERT, prepared as it is there (bench/urls.py)."""
    from core.together import cursor_binding_on_server

    with cursor_binding_on_server() as cursor:
        cursor.execute("INSERT INTO bench_floor (payload) VALUES (%s)", [f"floor {n}"])


def main() -> None:
    args = parse_args()
    wait_for_others(args.wait_idle)
    # No broker: the publish is switched off below, the writes alone are measured.
    env = portal_env(args.database, None, DEBUG="false", SECRET_KEY="bench-" + "x" * 60)
    recreate_database(args.database)
    try:
        manage(env, "migrate", "--no-input", "-v", "0")
        setup_django(env)
        from django.db import connection

        from requests_app import outbox

        outbox.hand_over = lambda email_ids: None  # no broker: the writes alone
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_floor (id bigserial PRIMARY KEY, payload text)")
        runs = [
            measure("one statement", args.filings, portal),
            measure("not prepared", args.filings, unprepared),
            measure("one by one", args.filings, one_by_one),
            measure("floor", args.filings, floor),
        ]
        print(f"{args.filings} filings each, ms per filing")
        print(f"{'':16}{'postgres':>10}{'python':>10}{'wall':>10}{'both CPU':>10}")
        for run in runs:
            print(run.line())
        connection.close()
    finally:
        if not args.keep:
            drop_database(args.database)


if __name__ == "__main__":
    main()
