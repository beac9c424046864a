"""Load test of both intake doors against their floor, then a completeness check.

    .venv/bin/python bench/intake.py [--rounds 3] [--duration 10] [--connections 16] [--keep]

Creates a fresh PostgreSQL database, serves the portal with gunicorn (production-like
settings from the environment, bench.settings adds the floor view), drives the intake form
(POST /requests/new/), the API's intake (POST /api/v1/requests/) and then the floor with
wrk, in rounds (form, API, floor, then again: this machine's speed drifts by tens of per cent
within minutes, and a door measured minutes after another would be compared with another
machine), prints rps / p50 / p99 / errors, and checks that every accepted filing has its row,
its `filed` event and its confirmation e-mail handed to the outbox's relay. See
docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.cluster import (  # noqa: E402
    INTAKE,
    VENV_BIN,
    csrf_pair,
    free_port,
    healthz,
    spawn,
    stop,
    wait_until,
)
from bench.common import (  # noqa: E402
    QUIET_CORES,
    RELAY_LIST,
    RELAY_TASK,
    code_version,
    drop_database,
    exit_on_sigterm,
    flush_redis,
    manage,
    portal_env,
    queued_tasks,
    recreate_database,
    wait_for_idle,
    wait_for_others,
)
from bench.cpu import cpu_sample, cpu_use  # noqa: E402

LUA_SCRIPT = Path(__file__).with_name("intake.lua")
API_INTAKE = "/api/v1/requests/"
FLOOR_PATH = "/bench/floor/"
TARGET_RATIO = 0.35
TARGET_P99_MS = 100.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="form, API, floor, this often")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=3, help="seconds, not measured")
    # sync x2, one worker per core: a filing is mostly CPU (~6 ms of Python, ~2 ms waiting
    # on PostgreSQL and Redis), PostgreSQL and Redis share the two cores, and a worker
    # preempted while it holds the reference-counter row stalls every other filing.
    # gthread keeps wrk's connections on the worker that accepted them, so one GIL does
    # most of the work.
    # Measured: docs/BENCHMARKS.md.
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="per worker (gthread)")
    # The project's gunicorn.conf.py (read from the checkout) recycles a worker after ~2,000
    # requests: a few seconds at these rates, so a run would time worker start-ups.
    parser.add_argument("--max-requests", type=int, default=0, help="recycle workers (0: never)")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--database", default="privacyportal_bench")
    parser.add_argument("--redis-db", type=int, default=9)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--wait-idle", type=float, default=0, help="wait up to this many s for a quiet machine"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args()


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed: apt-get update && apt-get install -y wrk")
    return wrk


# --- Environment, database, server --------------------------------------------------------


def server_env(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    """Production-like settings, with bench.settings for the floor view."""
    return portal_env(
        args.database,
        args.redis_db,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        INTAKE_RATE_LIMIT="1000000000",
        BENCH_STATIC_ROOT=str(workdir / "static"),
    )


def prepare(env: dict[str, str]) -> None:
    """Migrate, collect static files (pages link their hashed names), add the floor's table."""
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE bench_floor (id bigserial PRIMARY KEY, payload text, "
            "created_at timestamptz DEFAULT now())"
        )


def start_gunicorn(
    args: argparse.Namespace, env: dict[str, str], port: int, log: Path
) -> subprocess.Popen:
    """The project's gunicorn.conf.py applies (gunicorn reads it from the working directory);
    the command line overrides address, worker class and count, and recycling."""
    command = [
        str(VENV_BIN / "gunicorn"),
        "privacyportal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        args.worker_class,
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--max-requests",
        str(args.max_requests),
        "--error-logfile",
        str(log),
        # Its default path is shared by every gunicorn of the user: another one's to keep.
        "--no-control-socket",
    ]
    # Its output (one log line per request) goes to the log, as it would in production.
    return spawn(command, env, log)


# --- Load --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    """How wrk drives the server: the same for the intake and the floor."""

    wrk_threads: int
    connections: int
    token: str
    cookie: str
    server_pid: int


@dataclass(frozen=True)
class Door:
    """What wrk posts to, how (the lua script's mode), and the status of a filing taken."""

    name: str
    path: str
    mode: str
    accepted: int


FORM = Door("form", INTAKE, "form", 302)
API = Door("api", API_INTAKE, "json", 201)
FLOOR = Door("floor", FLOOR_PATH, "form", 302)


@dataclass
class Run:
    name: str
    accepted_status: int
    responses: int
    sent: int
    seconds: float
    socket_errors: int
    statuses: dict[int, int]
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def accepted(self) -> int:
        return self.statuses.get(self.accepted_status, 0)

    @property
    def rps(self) -> float:
        return self.accepted / self.seconds

    @property
    def errors(self) -> int:
        return self.socket_errors + sum(
            n for s, n in self.statuses.items() if s != self.accepted_status
        )

    @property
    def in_flight(self) -> int:
        """Sent but unanswered when wrk stopped: wrk drops them, the server still serves them."""
        return self.sent - self.responses


def run_wrk(wrk: str, base: str, door: Door, seconds: int, tag: str, settings: Load) -> Run:
    command = [
        wrk,
        f"-t{settings.wrk_threads}",
        f"-c{settings.connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        f"{base}{door.path}",
        "--",
        door.path,
        settings.token,
        settings.cookie,
        tag,
        door.mode,
    ]
    before = cpu_sample()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = cpu_sample()
    line = next(x for x in output.splitlines() if x.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    return Run(
        name=tag,
        accepted_status=door.accepted,
        responses=raw["responses"],
        sent=raw["sent"],
        seconds=raw["duration_us"] / 1e6,
        socket_errors=sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors"))
        + raw["timeouts"],
        statuses={int(s): n for s, n in raw["statuses"].items()},
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        cpu=cpu_use(before, after, settings.server_pid),
    )


def drive(
    wrk: str, base: str, door: Door, tag: str, args: argparse.Namespace, settings: Load
) -> tuple[Run | None, Run]:
    """A short unmeasured warm-up (workers import lazily), then the measured run."""
    warmup = (
        run_wrk(wrk, base, door, args.warmup, f"{tag}-warmup", settings) if args.warmup else None
    )
    return warmup, run_wrk(wrk, base, door, args.duration, tag, settings)


def combined(door: Door, runs: list[Run]) -> Run:
    """A door's rounds as one run: counts and seconds added, CPU averaged over the time,
    the median round's p50 and the worst round's p90, p99 and max."""
    seconds = sum(run.seconds for run in runs)
    statuses: dict[int, int] = {}
    for run in runs:
        for status, count in run.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    parties = runs[0].cpu.keys()
    return Run(
        name=door.name,
        accepted_status=door.accepted,
        responses=sum(run.responses for run in runs),
        sent=sum(run.sent for run in runs),
        seconds=seconds,
        socket_errors=sum(run.socket_errors for run in runs),
        statuses=statuses,
        p50_ms=statistics.median(run.p50_ms for run in runs),
        p90_ms=max(run.p90_ms for run in runs),
        p99_ms=max(run.p99_ms for run in runs),
        max_ms=max(run.max_ms for run in runs),
        cpu={k: sum(run.cpu[k] * run.seconds for run in runs) / seconds for k in parties},
    )


# --- Completeness ------------------------------------------------------------------------

COMPLETENESS_SQL = """
SELECT
  (SELECT count(*) FROM requests_app_privacyrequest),
  (SELECT count(DISTINCT reference) FROM requests_app_privacyrequest),
  (SELECT count(DISTINCT lower(email)) FROM requests_app_privacyrequest),
  (SELECT count(*) FROM requests_app_privacyrequest p WHERE NOT EXISTS (
     SELECT 1 FROM requests_app_requestevent e WHERE e.request_id = p.id AND e.kind = 'filed')),
  (SELECT count(*) FROM requests_app_privacyrequest p WHERE NOT EXISTS (
     SELECT 1 FROM requests_app_outboxemail o
     WHERE o.request_id = p.id AND o.kind = 'confirm_address')),
  (SELECT array_agg(id) FROM requests_app_outboxemail),
  (SELECT count(*) FROM bench_floor)
"""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def accepted(runs: list[Run | None]) -> tuple[int, int]:
    """Filings taken and requests in flight at wrk's stop, over the given runs."""
    done = [r for r in runs if r is not None]
    return sum(r.accepted for r in done), sum(r.in_flight for r in done)


def completeness(
    dsn: str, redis_url: str, intake: list[Run | None], floor: list[Run | None]
) -> list[Check]:
    with psycopg.connect(dsn) as conn:
        rows, references, emails, no_event, no_email, email_ids, floor_rows = conn.execute(
            COMPLETENESS_SQL
        ).fetchone()
    client = redis.Redis.from_url(redis_url)
    on_the_list = [int(x) for x in client.lrange(RELAY_LIST, 0, -1)]
    tasks = queued_tasks(client)
    taken, in_flight = accepted(intake)
    floor_taken, floor_in_flight = accepted(floor)
    return [
        Check(
            "a row for every filing taken (302 of the form, 201 of the API)",
            taken <= rows <= taken + in_flight,
            f"{rows} rows, {taken} taken, {in_flight} in flight at wrk's stop",
        ),
        Check("references unique", references == rows, f"{references} distinct of {rows}"),
        Check("filings distinct", emails == rows, f"{emails} distinct e-mails of {rows}"),
        Check("every row has its 'filed' event", no_event == 0, f"{no_event} without"),
        Check("every row has its confirm_address e-mail", no_email == 0, f"{no_email} without"),
        Check(
            "every e-mail on the relay's list, once",
            sorted(on_the_list) == sorted(email_ids or []),
            f"{len(on_the_list)} ids on {RELAY_LIST} ({len(set(on_the_list))} distinct), "
            f"{len(email_ids or [])} e-mails",
        ),
        Check(
            "a relay on its way, no publish per e-mail",
            tasks.get(RELAY_TASK, 0) >= 1 and set(tasks) == {RELAY_TASK},
            f"queued Celery messages: {tasks}",
        ),
        Check(
            "a floor row for every 302 of the floor",
            floor_taken <= floor_rows <= floor_taken + floor_in_flight,
            f"{floor_rows} rows, {floor_taken} answers 302, {floor_in_flight} in flight",
        ),
    ]


# --- Report ------------------------------------------------------------------------------


def print_runs(runs: list[Run]) -> None:
    print(f"\n{'':10}{'rps':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    for run in runs:
        print(
            f"{run.name:10}{run.rps:9.1f}{run.p50_ms:9.1f}{run.p90_ms:9.1f}{run.p99_ms:9.1f}"
            f"{run.max_ms:9.1f}{run.errors:8d}   statuses {run.statuses}"
        )
    print("\nCPU, in cores busy on average (machine has", os.cpu_count(), "cores):")
    for run in runs:
        parts = "  ".join(f"{k} {v:.2f}" for k, v in run.cpu.items())
        per_request = run.cpu["gunicorn"] * 1000 / run.rps if run.rps else 0
        machine = run.cpu["machine"] * 1000 / run.rps if run.rps else 0
        print(
            f"  {run.name:8}{parts}   per request: gunicorn {per_request:.2f} ms, "
            f"machine {machine:.2f} ms"
        )
        if run.cpu["other"] > QUIET_CORES:
            print(f"  WARNING: other processes took {run.cpu['other']:.2f} cores during {run.name}")


def print_log_tail(log: Path, lines: int = 20) -> None:
    """The server's last words, so that a run with errors says why."""
    tail = log.read_text(errors="replace").splitlines()[-lines:] if log.exists() else []
    print(f"\nLast {len(tail)} lines of {log}:")
    for line in tail:
        print(f"  {line}")


def targets(doors: list[Run], floor: Run, checks: list[Check]) -> list[Check]:
    verdicts = []
    for run in doors:
        ratio = run.rps / floor.rps if floor.rps else 0.0
        verdicts += [
            Check(
                f"{run.name} rps >= {TARGET_RATIO:.0%} of floor rps",
                ratio >= TARGET_RATIO,
                f"{run.rps:.1f} / {floor.rps:.1f} = {ratio:.1%}",
            ),
            Check(
                f"{run.name} p99 < {TARGET_P99_MS:.0f} ms",
                run.p99_ms < TARGET_P99_MS,
                f"{run.p99_ms:.1f} ms",
            ),
        ]
    runs = [*doors, floor]
    verdicts += [
        Check(
            "no errors",
            not any(run.errors for run in runs),
            ", ".join(f"{run.name} {run.errors}" for run in runs),
        ),
        Check("every filing complete", all(c.ok for c in checks), "see checks above"),
    ]
    return verdicts


def print_checks(title: str, checks: list[Check]) -> None:
    print(f"\n{title}")
    for check in checks:
        print(f"  {'PASS' if check.ok else 'FAIL'}  {check.name}: {check.detail}")


def write_json(
    path: Path, args: argparse.Namespace, runs: list[Run], verdicts: list[Check]
) -> None:
    figures = {
        "args": {k: str(v) for k, v in vars(args).items()},
        "runs": [{**vars(r), "rps": r.rps, "errors": r.errors} for r in runs],
        "verdicts": [vars(c) for c in verdicts],
    }
    path.write_text(json.dumps(figures, indent=2))


# --- Main --------------------------------------------------------------------------------


def measure(
    args: argparse.Namespace, wrk: str, env: dict[str, str], log: Path, door: Door, tag: str
) -> tuple[Run | None, Run]:
    """One door against a server of its own: each starts with fresh workers, so that no door
    pays for what an earlier one left in the processes."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(args, env, port, log)
    try:
        wait_until(lambda: healthz(port)[0] == 200, 30, f"gunicorn to answer on {base}", 0.3)
        # Generous: with many workers, the one that answers may still be starting on 2 cores.
        cookie, token = csrf_pair(port, timeout=60)
        settings = Load(args.wrk_threads, args.connections, token, cookie, server.pid)
        return drive(wrk, base, door, tag, args, settings)
    finally:
        stop(server, timeout=30)


def print_rounds(rounds: list[list[Run]]) -> None:
    print("\nRounds (each door's rate against the floor's of the same round):")
    for number, (form, api, floor) in enumerate(rounds, start=1):
        print(
            f"  {number}: form {form.rps:6.1f}/s ({form.rps / floor.rps:.1%}), "
            f"api {api.rps:6.1f}/s ({api.rps / floor.rps:.1%}), floor {floor.rps:7.1f}/s"
        )


def benchmark(args: argparse.Namespace, wrk: str, env: dict[str, str], log: Path) -> bool:
    doors = [FORM, API, FLOOR]
    rounds: list[list[Run]] = []
    warmups: dict[str, list[Run | None]] = {door.name: [] for door in doors}
    for number in range(1, args.rounds + 1):
        measured = []
        for door in doors:
            warmup, run = measure(args, wrk, env, log, door, f"{door.name}-{number}")
            warmups[door.name].append(warmup)
            measured.append(run)
        rounds.append(measured)
    print_rounds(rounds)
    form, api, floor = (combined(door, [r[i] for r in rounds]) for i, door in enumerate(doors))
    runs = [form, api, floor]
    print_runs(runs)
    if any(run.errors for run in runs):
        print_log_tail(log)

    def of(*names: str) -> list[Run | None]:
        """The warm-ups and measured runs of these doors, every round."""
        done = [run for measured in rounds for run in measured]
        return [
            *(warmup for name in names for warmup in warmups[name]),
            *(run for run in done if run.name.rsplit("-", 1)[0] in names),
        ]

    checks = completeness(env["DATABASE_URL"], env["REDIS_URL"], of("form", "api"), of("floor"))
    print_checks("Completeness (warm-up and measured runs):", checks)
    verdicts = targets([form, api], floor, checks)
    print_checks("Target:", verdicts)
    passed = all(v.ok for v in verdicts)
    print(f"\n{'PASS' if passed else 'FAIL'}")
    if args.json:
        write_json(args.json, args, runs, verdicts)
    return passed


def main() -> None:
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    args = parse_args()
    wrk = require_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    env = server_env(args, workdir)
    print(f"code: {code_version()}")
    print(
        f"gunicorn {args.worker_class} x{args.workers} (threads {args.threads}, "
        f"max-requests {args.max_requests}), "
        f"wrk {args.connections} connections, {args.rounds} rounds of {args.duration} s per "
        f"door, warm-up {args.warmup} s"
    )
    # Two runs at once would share (and drop) one database and split the cores.
    wait_for_others(args.wait_idle)
    idle = wait_for_idle(args.wait_idle)
    print(f"machine busy before the run: {idle:.2f} cores")
    if idle > QUIET_CORES:
        print("WARNING: something else is using the CPU; the figures will be low and noisy")
    recreate_database(args.database)
    flush_redis(env["REDIS_URL"])
    log = workdir / "gunicorn.log"
    try:
        prepare(env)
        passed = benchmark(args, wrk, env, log)
    finally:
        shutil.rmtree(workdir / "static", ignore_errors=True)
        if not args.keep:
            drop_database(args.database)
            flush_redis(env["REDIS_URL"])
    print(f"gunicorn log: {log}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
