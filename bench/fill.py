"""The benchmarks' fast path: a million requests in every state, written with COPY.

    .venv/bin/python bench/fill.py --requests 1000000 [--due-now 10000] [--seed 1] [--now T]

Against the database of DATABASE_URL (the portal's settings from the environment). Only the
benchmarks use it (bench/admin.py, bench/sweep.py); demo data comes from
`manage.py seed_demo`, which goes through the portal's use cases at some tens of requests a
second. This writes the rows those use cases would have written up to `--now` (see
bench/fill_rows.py; tests/bench/test_fill.py holds it to that), thousands of requests a
second on PostgreSQL: requests over ~400 days, mostly closed, with their events, waits,
messages, tasks and the reminders a sweep at `--now` sends, so that the real sweep carries
on from there. `--due-now M` leaves the latest reminder of M open requests unsent: the backlog a
sweep finds after the beat was down. Not written: private links, the outbox, staff users.

Rows are written per chunk of requests, one transaction each: with COPY on PostgreSQL (while
a second thread builds the next chunk), with bulk_create elsewhere. Ids and references are
reserved per chunk, so real filings meanwhile stay consistent.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import django

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacyportal.settings")
    django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.fill_rows import MESSAGES_OF, TABLES, Builder, Tables  # noqa: E402
from requests_app.demo import Weighted  # noqa: E402
from requests_app.models import (  # noqa: E402
    PENDING_ANSWER,
    DataSystem,
    Message,
    PrivacyRequest,
    ReferenceCounter,
    Reminder,
    RequestEvent,
    Status,
    SystemTask,
    Wait,
)

CHUNK = 20_000
HISTORY_DAYS = 400
# How the states spread over the age of a request (weights in per mille).
RECENT_DAYS = 40
RECENT = Weighted(
    {
        Status.NEW: 250,
        Status.IN_PROGRESS: 300,
        Status.WAITING: 120,
        Status.ANSWERED: 180,
        Status.REFUSED: 40,
        Status.CLOSED: 70,
        Status.WITHDRAWN: 40,
    }
)
OLD = Weighted(
    {
        Status.NEW: 5,
        Status.IN_PROGRESS: 10,
        Status.WAITING: 5,
        Status.ANSWERED: 300,
        Status.REFUSED: 50,
        Status.CLOSED: 570,
        Status.WITHDRAWN: 60,
    }
)
# One request of each state first, of a fitting age (days), so that even a few cover all.
SHOWCASE_AGES = {
    Status.UNCONFIRMED: 1.5,
    Status.NEW: 3,
    Status.IN_PROGRESS: 8,
    Status.WAITING: 12,
    Status.WITHDRAWN: 20,
    Status.ANSWERED: 30,
    Status.REFUSED: 50,
    Status.LAPSED: 60,
    Status.CLOSED: 120,
}


# --- The plan of the whole run -----------------------------------------------------------------


def draw_state(rng: random.Random, age_days: float) -> str:
    """A state that fits the age: unconfirmed only before the lapse, mostly closed when old."""
    if age_days < settings.LAPSE_DAYS:
        if rng.random() < (0.5 if age_days < 1 else 0.1):
            return Status.UNCONFIRMED
    elif rng.random() < 0.08:
        return Status.LAPSED
    return (RECENT if age_days < RECENT_DAYS else OLD).draw(rng)


def skeleton(rng: random.Random, count: int) -> list[tuple[float, str]]:
    """(age in days, state) of every request, oldest first; one showcase of each state."""
    rows = list(SHOWCASE_AGES.items())[:count]
    rows = [(age + rng.random() * 0.5, state) for state, age in rows]
    for _ in range(count - len(rows)):
        age = rng.random() * HISTORY_DAYS
        rows.append((age, draw_state(rng, age)))
    rows.sort(key=lambda row: -row[0])
    return rows


def choose_due_now(rng: random.Random, plan: list[tuple[float, str]], count: int) -> set[int]:
    pending = [i for i, (_age, state) in enumerate(plan) if state in PENDING_ANSWER]
    if count > len(pending):
        raise ValueError(f"--due-now {count}: only {len(pending)} of the requests await an answer")
    return set(rng.sample(pending, count))


def chunks(items: list, size: int) -> Iterable[tuple[int, list]]:
    for start in range(0, len(items), size):
        yield start, items[start : start + size]


def fill(count: int, seed: int, due_now: int, now: datetime, verbose: bool = False) -> Counter:
    """Write `count` requests as of `now`; returns how many of each state and table."""
    # Synthetic benchmark data, reproducible from the seed: nothing secret is drawn here.
    rng = random.Random(seed)  # noqa: S311
    plan = skeleton(rng, count)
    due_now_rows = choose_due_now(rng, plan, due_now)
    systems = list(DataSystem.objects.filter(active=True).values_list("pk", "name"))
    builder, pipeline = Builder(rng, now, systems), Pipeline()
    counts: Counter = Counter()
    try:
        for offset, chunk in chunks(plan, CHUNK):
            flags = [offset + i in due_now_rows for i in range(len(chunk))]
            # Unthreaded (SQLite), the ids are reserved in the chunk's own transaction.
            with nullcontext() if pipeline.threaded else transaction.atomic():
                pipeline.submit(build_chunk(builder, chunk, flags, counts))
            if verbose:
                print(f"  {offset + len(chunk)} of {count} requests built", file=sys.stderr)
    finally:
        pipeline.close()
    return counts


def build_chunk(
    builder: Builder, chunk: list[tuple[float, str]], due_now: list[bool], counts: Counter
) -> Tables:
    """The rows of one chunk of requests and everything they imply."""
    moments = [builder.now - timedelta(days=age) for age, _state in chunk]
    ids = reserve_ids(PrivacyRequest, len(chunk))
    message_count = sum(MESSAGES_OF.get(state, 0) for _age, state in chunk)
    tables = builder.start_chunk(reserve_ids(Message, message_count))
    rows = zip(ids, references(moments), moments, chunk, due_now, strict=True)
    for pk, reference, received_at, (_age, state), flagged in rows:
        builder.build(pk, reference, received_at, state, due_now=flagged)
        counts[state] += 1
    for model in TABLES:
        counts[model] += len(tables[model])
    return tables


# --- Writing rows ----------------------------------------------------------------------------


def postgres() -> bool:
    return connection.vendor == "postgresql"


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids for rows that others point at (requests, messages), before they are written."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if postgres():
            # From the table's own sequence: filings meanwhile get other numbers.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
            return [row[0] for row in cursor.fetchall()]
        # SQLite takes the write lock when the transaction begins (settings.py), so nobody
        # else inserts between this read and our rows.
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")  # noqa: S608
        (last,) = cursor.fetchone()
    return list(range(last + 1, last + 1 + count))


def reserve_references(year: int, count: int) -> int:
    """The first of `count` consecutive numbers of `year`; later filings continue after."""
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, %s) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + %s RETURNING last",
            [year, count, count],
        )
        (last,) = cursor.fetchone()
    return last - count + 1


def references(moments: list[datetime]) -> list[str]:
    """DSR-YYYY-NNNNNN in order of receipt, as ReferenceCounter.next_reference makes them."""
    numbers = {}
    for year, count in Counter(moment.year for moment in moments).items():
        numbers[year] = itertools.count(reserve_references(year, count))
    return [f"DSR-{m.year}-{next(numbers[m.year]):06d}" for m in moments]


def write_tables(tables: Tables) -> None:
    """One chunk in one transaction: COPY on PostgreSQL, bulk_create elsewhere."""
    with transaction.atomic():
        if postgres():
            with connection.cursor() as cursor:
                # Benchmark data: losing the last chunk in a crash costs nothing.
                cursor.execute("SET LOCAL synchronous_commit TO off")
        for model in TABLES:
            if not tables[model]:
                continue
            if postgres():
                copy_rows(model, tables[model])
            else:
                # auto_now makes updated_at the writing time here; COPY keeps the last activity.
                objects = [model(**row) for row in tables[model]]
                model.objects.bulk_create(objects, batch_size=2_000)


def copy_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    given = rows[0].keys()
    fields = [f for f in model._meta.concrete_fields if f.attname in given or not f.primary_key]
    # A column a row does not name gets the field's default (evaluated once per chunk).
    pairs = [(f.attname, f.get_default()) for f in fields]
    json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            values = [row.get(name, default) for name, default in pairs]
            for i in json_columns:
                values[i] = "{}" if values[i] == {} else json.dumps(values[i])
            copy.write_row(values)


def close_connection() -> None:
    # `connection` is per thread: looked up here, it is the calling thread's own.
    connection.close()


class Pipeline:
    """Writes chunks; on PostgreSQL in a second thread with its own connection.

    The database files one chunk (COPY, indexes, foreign key checks at commit) while this
    thread builds the next: on two cores that takes a fifth off the time. Inside an outer
    transaction (tests) every chunk is written at once, on the caller's connection.
    """

    def __init__(self) -> None:
        self.threaded = postgres() and not connection.in_atomic_block
        self.pool = ThreadPoolExecutor(max_workers=1) if self.threaded else None
        self.pending: Future | None = None

    def submit(self, tables: Tables) -> None:
        if self.pool is None:
            write_tables(tables)
            return
        self.wait()
        self.pending = self.pool.submit(write_tables, tables)

    def wait(self) -> None:
        if self.pending is not None:
            self.pending.result()  # raises what the writer raised
            self.pending = None

    def close(self) -> None:
        if self.pool is None:
            return
        try:
            self.wait()
        finally:
            # In the same single worker thread: closes the connection it opened.
            self.pool.submit(close_connection).result()
            self.pool.shutdown()


# --- The command line --------------------------------------------------------------------------


def summary(counts: Counter, requests: int, due_now: int, elapsed: float) -> str:
    states = ", ".join(f"{counts[state]} {state}" for state in Status.values)
    related = ", ".join(
        f"{counts[model]} {model._meta.verbose_name_plural}"
        for model in (RequestEvent, Wait, Message, Reminder, SystemTask)
    )
    rate = requests / elapsed if elapsed else 0
    return (
        f"filled {requests} requests: {states}; {related}; {due_now} due now; "
        f"in {elapsed:.1f} s ({rate:,.0f} requests/s)"
    )


def aware_datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if timezone.is_naive(moment):
        raise ValueError("give a time zone, e.g. 2026-03-02T10:00:00+00:00")
    return moment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, required=True, help="how many")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--due-now", type=int, default=0, help="open requests with their latest reminder unsent"
    )
    parser.add_argument(
        "--now", type=aware_datetime, default=None, help="as of this moment (ISO 8601, zoned)"
    )
    parser.add_argument("--verbose", action="store_true", help="report each chunk")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        counts = fill(
            args.requests, args.seed, args.due_now, args.now or timezone.now(), args.verbose
        )
    except ValueError as error:
        sys.exit(str(error))
    print(summary(counts, args.requests, args.due_now, time.monotonic() - started))


if __name__ == "__main__":
    main()
