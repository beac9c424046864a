"""The reminder sweep on a million requests: one big backlog, then nothing due.

    .venv/bin/python bench/sweep.py [--requests 1000000] [--due 10000] [--keep] [--profile]

Creates a fresh PostgreSQL database, migrates it, fills it with bench/fill.py so
that exactly `--due` requests have a reminder due (the rest later, or never when closed),
runs VACUUM ANALYZE, then runs `reminders.sweep()` in this process against that database
with Redis as the broker (no worker: the e-mails stay outbox rows, their ids on the outbox's
relay list, with one relay task queued). Prints the figures, the plan of the claiming
query, and PASS/FAIL against: the backlog queued in under 20 s, and a sweep with nothing
due in under 50 ms that claims through the partial index `request_next_reminder_idx`. See
docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import signal
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    RELAY_LIST,
    RELAY_TASK,
    code_version,
    database_sql,
    drop_database,
    exit_on_sigterm,
    explain,
    fill,
    flush_redis,
    machine,
    manage,
    portal_env,
    queued_tasks,
    recreate_database,
    setup_django,
    wait_for_idle,
)

TARGET_BACKLOG_S = 20.0
TARGET_IDLE_MS = 50.0
INDEX = "request_next_reminder_idx"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000, help="requests with a reminder due")
    parser.add_argument("--database", default="privacyportal_bench_sweep")
    parser.add_argument("--redis-db", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--idle-runs", type=int, default=5, help="sweeps with nothing due")
    parser.add_argument(
        "--wait-idle", type=float, default=0, help="wait up to this many s for a quiet machine"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the backlog sweep")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


# --- Seeding ------------------------------------------------------------------------------


@dataclass
class Seeded:
    now: datetime
    seconds: float
    output: str
    vacuum_seconds: float
    due: int


def seed(args: argparse.Namespace, env: dict[str, str]) -> Seeded:
    """Migrate and seed; the seeding moment is fixed, so the sweep can run at that moment."""
    manage(env, "migrate", "--no-input", "-v", "0")
    now = datetime.now(UTC).replace(microsecond=0)
    started = time.monotonic()
    output = fill(
        env,
        f"--requests={args.requests}",
        f"--due-now={args.due}",
        f"--seed={args.seed}",
        f"--now={now.isoformat()}",
    )
    seconds = time.monotonic() - started
    started = time.monotonic()
    database_sql(env, "VACUUM ANALYZE")
    vacuum = time.monotonic() - started
    ((due,),) = database_sql(
        env,
        "SELECT count(*) FROM requests_app_privacyrequest WHERE next_reminder_at <= %s",
        (now,),
    )
    return Seeded(now, seconds, output, vacuum, due)


# --- The sweeps, in this process ----------------------------------------------------------


@dataclass
class Backlog:
    seconds: float
    hand_over_seconds: float
    lines: int
    reminders: int
    outbox: int
    handed_over: int
    tasks: dict[str, int]
    kinds: dict[str, int] = field(default_factory=dict)
    profile: str = ""


@dataclass
class Idle:
    first_ms: float
    runs_ms: list[float] = field(default_factory=list)
    lines: int = 0
    claim_sql: str = ""
    plan: str = ""


def timed_hand_over() -> Callable[[], float]:
    """Wrap the outbox's hand-over to the relay (run on commit) to time it apart."""
    from requests_app import outbox

    spent = [0.0]
    original = outbox.hand_over

    def hand_over(ids: list[int]) -> None:
        started = time.perf_counter()
        original(ids)
        spent[0] += time.perf_counter() - started

    outbox.hand_over = hand_over
    return lambda: spent[0]


def counts(env: dict[str, str]) -> tuple[int, int, int]:
    from requests_app.models import OutboxEmail, Reminder

    on_the_list = redis.Redis.from_url(env["REDIS_URL"]).llen(RELAY_LIST)
    return Reminder.objects.count(), OutboxEmail.objects.count(), on_the_list


def sweep_backlog(env: dict[str, str], now: datetime, profile: bool) -> Backlog:
    from requests_app import reminders

    handed = timed_hand_over()
    before = counts(env)
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    lines = reminders.sweep(now)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    after = counts(env)
    made = [a - b for a, b in zip(after, before, strict=True)]
    tasks = queued_tasks(redis.Redis.from_url(env["REDIS_URL"]))
    kinds = dict(Counter(line.kind for line in lines).most_common())
    return Backlog(seconds, handed(), len(lines), *made, tasks, kinds, top(profiler))


def top(profiler: cProfile.Profile | None, lines: int = 30) -> str:
    if profiler is None:
        return ""
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


def sweep_idle(now: datetime, runs: int) -> Idle:
    """Right after the backlog: nothing is due. Time it, then capture its claiming query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from requests_app import reminders

    def once() -> tuple[float, int]:
        started = time.perf_counter()
        lines = reminders.sweep(now)
        return (time.perf_counter() - started) * 1000, len(lines)

    first, lines = once()
    idle = Idle(first, [once()[0] for _ in range(runs)], lines)
    with CaptureQueriesContext(connection) as captured:
        reminders.sweep(now)
    claims = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]
    idle.claim_sql = claims[0] if claims else ""
    idle.plan = explain(idle.claim_sql) if claims else "(no claiming query captured)"
    return idle


# --- Report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


def checks(args: argparse.Namespace, seeded: Seeded, backlog: Backlog, idle: Idle) -> list[Check]:
    queued = (backlog.lines, backlog.reminders, backlog.outbox, backlog.handed_over)
    return [
        Check("requests due after seeding", seeded.due == args.due, f"{seeded.due}"),
        Check(
            "backlog: every reminder queued once",
            all(n == args.due for n in queued),
            "lines {}, Reminder rows {}, outbox rows {}, ids on the relay's list {}".format(
                *queued
            ),
        ),
        Check(
            "a relay on its way, no publish per e-mail",
            backlog.tasks == {RELAY_TASK: 1},
            f"queued Celery messages: {backlog.tasks}",
        ),
        Check(
            f"backlog sweep < {TARGET_BACKLOG_S:.0f} s",
            backlog.seconds < TARGET_BACKLOG_S,
            f"{backlog.seconds:.2f} s" + (" (under cProfile)" if backlog.profile else ""),
        ),
        Check("nothing due: nothing queued", idle.lines == 0, f"{idle.lines} lines"),
        Check(
            f"nothing-due sweep < {TARGET_IDLE_MS:.0f} ms",
            idle.first_ms < TARGET_IDLE_MS,
            f"{idle.first_ms:.1f} ms (median of {len(idle.runs_ms)} more: "
            f"{statistics.median(idle.runs_ms):.1f} ms)",
        ),
        Check(f"claim uses {INDEX}", INDEX in idle.plan, "see the plan above"),
    ]


def report(
    info: dict[str, str], seeded: Seeded, backlog: Backlog, idle: Idle, results: list[Check]
) -> None:
    print("\n== machine")
    for key, value in info.items():
        print(f"  {key}: {value}")
    print("\n== seeding")
    print(f"  {seeded.output}")
    print(f"  bench/fill.py: {seeded.seconds:.1f} s; VACUUM ANALYZE: {seeded.vacuum_seconds:.1f} s")
    print(f"  sweeps run at the seeding moment {seeded.now.isoformat()}")
    print("\n== backlog sweep")
    rest = backlog.seconds - backlog.hand_over_seconds
    print(f"  {backlog.lines} e-mails queued in {backlog.seconds:.2f} s")
    print(f"  of which handing {backlog.handed_over} ids to the relay (on commit): ", end="")
    print(f"{backlog.hand_over_seconds:.2f} s; claiming, planning and writing: {rest:.2f} s")
    print(f"  by kind: {', '.join(f'{kind} {n}' for kind, n in backlog.kinds.items())}")
    if backlog.profile:
        print(backlog.profile)
    print("\n== nothing-due sweep")
    print(f"  first {idle.first_ms:.1f} ms; then {', '.join(f'{ms:.1f}' for ms in idle.runs_ms)}")
    print(f"  claiming query: {idle.claim_sql}")
    print("  EXPLAIN (ANALYZE, BUFFERS):")
    print("\n".join(f"    {line}" for line in idle.plan.splitlines()))
    print("\n== targets")
    for check in results:
        print(f"  {'PASS' if check.passed else 'FAIL'}  {check.name}: {check.detail}")


def benchmark(args: argparse.Namespace, env: dict[str, str]) -> bool:
    print(f"seeding {args.requests} requests, {args.due} due …", flush=True)
    seeded = seed(args, env)
    print(f"seeded in {seeded.seconds:.1f} s", flush=True)
    if args.wait_idle:
        print(f"machine busy before the sweeps: {wait_for_idle(args.wait_idle):.2f} cores")
    setup_django(env)
    backlog = sweep_backlog(env, seeded.now, args.profile)
    idle = sweep_idle(seeded.now, args.idle_runs)
    results = checks(args, seeded, backlog, idle)
    report(machine(env), seeded, backlog, idle, results)
    return all(check.passed for check in results)


def main() -> None:
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    args = parse_args()
    env = portal_env(args.database, args.redis_db)
    print(f"code: {code_version()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    recreate_database(args.database)
    flush_redis(env["REDIS_URL"])
    try:
        passed = benchmark(args, env)
    finally:
        if not args.keep:
            # WITH (FORCE) also ends this process's own connection to it.
            drop_database(args.database)
            flush_redis(env["REDIS_URL"])
    print(f"\n{'PASS' if passed else 'FAIL'}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
