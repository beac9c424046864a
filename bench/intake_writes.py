"""What a filing's writes cost: as the portal makes them, all in one statement, and the floor.

    .venv/bin/python bench/intake_writes.py [--filings 2000] [--keep]

The intake's rate against its floor (docs/BENCHMARKS.md, bench/intake.py) is bounded by
the CPU a filing costs the machine. This measures the writes' part, in one process on one
connection, without HTTP, form or Celery publish:

1. `portal`: the portal's own `services.file_request` (BEGIN, six statements, COMMIT; the
   Celery publish after COMMIT is switched off);
2. `one statement`: the same rows, built from the same model instances, written by one
   data-modifying statement in autocommit: the fewest round trips any intake could make;
3. `floor`: the floor view's one-row INSERT.

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
    from requests_app import services

    services.file_request(
        filing_data(n, "portal"), language="en", ip_address="127.0.0.1", form_token=f"p{n}"
    )


def insert_parts(instance, request_alias: str) -> tuple[list[str], list[str], list]:
    """Columns, SQL values and parameters of an unsaved model instance, for INSERT … SELECT.

    Its foreign key to the request is read from the CTE `request_alias`.
    """
    from django.db import connection

    columns, values, params = [], [], []
    for field in instance._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column == "request_id":
            values.append(f"{request_alias}.id")
            continue
        values.append("%s")
        params.append(field.get_db_prep_save(field.pre_save(instance, True), connection))
    return columns, values, params


def one_statement(n: int) -> None:
    """The rows of services.file_request, from the same model instances, in one statement."""
    from django.db import connection
    from django.utils import timezone

    from requests_app import outbox, services
    from requests_app.models import (
        AccessLink,
        PrivacyRequest,
        ReferenceCounter,
        RequestEvent,
        Wait,
        WaitReason,
        hash_token,
    )

    data = filing_data(n, "one")
    request = PrivacyRequest(
        **data,
        language="en",
        ip_address="127.0.0.1",
        submission_key=services.submission_key(data, f"o{n}"),
    )
    request.set_deadline()
    request.reference = services.provisional_reference()
    request.next_reminder_at = request.received_at
    rows = {
        "w": Wait(reason=WaitReason.EMAIL, started_at=request.received_at),
        "e": RequestEvent(
            kind=RequestEvent.Kind.FILED,
            actor=RequestEvent.Actor.REQUESTER,
            data={"due_on": request.due_on.isoformat(), "rule": request.due_rule},
        ),
        "l": AccessLink(
            purpose=AccessLink.Purpose.VERIFY,
            token_hash=hash_token(f"token-{n}"),
            expires_at=timezone.now(),
        ),
        "o": outbox.build_email("confirm_address", request.email, {"verify_url": "x"}),
    }
    year = request.local_date(request.received_at).year
    columns, values, params = insert_parts(request, "")
    at = columns.index(connection.ops.quote_name("reference"))
    values[at] = "'DSR-' || %s::text || '-' || lpad(c.last::text, 6, '0')"
    params[values[:at].count("%s")] = year
    # Names from the models' own metadata, values as parameters.
    sql = [
        "WITH c AS ("  # noqa: S608
        + ReferenceCounter.ALLOCATE_SQL.format(table=ReferenceCounter.table())
        + "), r AS (INSERT INTO "
        + connection.ops.quote_name(PrivacyRequest._meta.db_table)
        + f" ({', '.join(columns)}) SELECT {', '.join(values)} FROM c RETURNING id)"  # noqa: S608
    ]
    all_params = [year, *params]
    for alias, row in rows.items():
        columns, values, params = insert_parts(row, "r")
        table = connection.ops.quote_name(row._meta.db_table)
        sql.append(
            f", {alias} AS (INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(values)} FROM r RETURNING id)"
        )
        all_params += params
    sql.append(" SELECT r.id, o.id FROM r, o")
    with connection.cursor() as cursor:
        cursor.execute("".join(sql), all_params)
        cursor.fetchone()


def floor(n: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
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

        outbox.enqueue_all = lambda email_ids: None  # no broker: the writes alone
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_floor (id bigserial PRIMARY KEY, payload text)")
        runs = [
            measure("portal", args.filings, portal),
            measure("one statement", args.filings, one_statement),
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
