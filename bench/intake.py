"""Load test of the intake (POST /requests/new/) against its floor, then a completeness check.

    .venv/bin/python bench/intake.py [--duration 30] [--connections 16] [--keep]

Creates a fresh PostgreSQL database, serves the portal with gunicorn (production-like
settings from the environment, bench.settings adds the floor view), drives the intake and
then the floor with wrk, prints rps / p50 / p99 / errors, and checks that every accepted
filing has its row, its `filed` event and its confirmation e-mail. See docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
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
    code_version,
    drop_database,
    exit_on_sigterm,
    flush_redis,
    manage,
    portal_env,
    recreate_database,
    wait_for_idle,
    wait_for_others,
)
from bench.cpu import cpu_sample, cpu_use  # noqa: E402

LUA_SCRIPT = Path(__file__).with_name("intake.lua")
FLOOR_PATH = "/bench/floor/"
TARGET_RATIO = 0.60
TARGET_P99_MS = 100.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per measured run")
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


@dataclass
class Run:
    name: str
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
    def rps(self) -> float:
        return self.statuses.get(302, 0) / self.seconds

    @property
    def errors(self) -> int:
        return self.socket_errors + sum(n for s, n in self.statuses.items() if s != 302)

    @property
    def in_flight(self) -> int:
        """Sent but unanswered when wrk stopped: wrk drops them, the server still serves them."""
        return self.sent - self.responses


def run_wrk(wrk: str, base: str, path: str, seconds: int, tag: str, settings: Load) -> Run:
    command = [
        wrk,
        f"-t{settings.wrk_threads}",
        f"-c{settings.connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        f"{base}{path}",
        "--",
        path,
        settings.token,
        settings.cookie,
        tag,
    ]
    before = cpu_sample()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = cpu_sample()
    line = next(x for x in output.splitlines() if x.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    return Run(
        name=tag,
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
    wrk: str, base: str, path: str, name: str, args: argparse.Namespace, settings: Load
) -> tuple[Run | None, Run]:
    """A short unmeasured warm-up (workers import lazily), then the measured run."""
    warmup = (
        run_wrk(wrk, base, path, args.warmup, f"{name}-warmup", settings) if args.warmup else None
    )
    return warmup, run_wrk(wrk, base, path, args.duration, name, settings)


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
  (SELECT count(*) FROM bench_floor)
"""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def accepted(runs: list[Run | None]) -> tuple[int, int]:
    """302 answers and requests in flight at wrk's stop, over the given runs."""
    done = [r for r in runs if r is not None]
    return sum(r.statuses.get(302, 0) for r in done), sum(r.in_flight for r in done)


def completeness(
    dsn: str, redis_url: str, intake: list[Run | None], floor: list[Run | None]
) -> list[Check]:
    with psycopg.connect(dsn) as conn:
        rows, references, emails, no_event, no_email, floor_rows = conn.execute(
            COMPLETENESS_SQL
        ).fetchone()
    queued = redis.Redis.from_url(redis_url).llen("celery")
    ok_302, in_flight = accepted(intake)
    floor_302, floor_in_flight = accepted(floor)
    return [
        Check(
            "a row for every 302 of the intake",
            ok_302 <= rows <= ok_302 + in_flight,
            f"{rows} rows, {ok_302} answers 302, {in_flight} in flight at wrk's stop",
        ),
        Check("references unique", references == rows, f"{references} distinct of {rows}"),
        Check("filings distinct", emails == rows, f"{emails} distinct e-mails of {rows}"),
        Check("every row has its 'filed' event", no_event == 0, f"{no_event} without"),
        Check("every row has its confirm_address e-mail", no_email == 0, f"{no_email} without"),
        Check(
            "a Celery message for every e-mail",
            queued == rows,
            f"{queued} messages in the Redis queue 'celery'",
        ),
        Check(
            "a floor row for every 302 of the floor",
            floor_302 <= floor_rows <= floor_302 + floor_in_flight,
            f"{floor_rows} rows, {floor_302} answers 302, {floor_in_flight} in flight",
        ),
    ]


# --- Report ------------------------------------------------------------------------------


def print_runs(intake: Run, floor: Run) -> None:
    print(f"\n{'':10}{'rps':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    for run in (intake, floor):
        print(
            f"{run.name:10}{run.rps:9.1f}{run.p50_ms:9.1f}{run.p90_ms:9.1f}{run.p99_ms:9.1f}"
            f"{run.max_ms:9.1f}{run.errors:8d}   statuses {run.statuses}"
        )
    print("\nCPU, in cores busy on average (machine has", os.cpu_count(), "cores):")
    for run in (intake, floor):
        parts = "  ".join(f"{k} {v:.2f}" for k, v in run.cpu.items())
        per_request = run.cpu["gunicorn"] * 1000 / run.rps if run.rps else 0
        print(f"  {run.name:8}{parts}   gunicorn CPU per request {per_request:.1f} ms")
        if run.cpu["other"] > QUIET_CORES:
            print(f"  WARNING: other processes took {run.cpu['other']:.2f} cores during {run.name}")


def print_log_tail(log: Path, lines: int = 20) -> None:
    """The server's last words, so that a run with errors says why."""
    tail = log.read_text(errors="replace").splitlines()[-lines:] if log.exists() else []
    print(f"\nLast {len(tail)} lines of {log}:")
    for line in tail:
        print(f"  {line}")


def targets(intake: Run, floor: Run, checks: list[Check]) -> list[Check]:
    ratio = intake.rps / floor.rps if floor.rps else 0.0
    return [
        Check(
            f"intake rps >= {TARGET_RATIO:.0%} of floor rps",
            ratio >= TARGET_RATIO,
            f"{intake.rps:.1f} / {floor.rps:.1f} = {ratio:.1%}",
        ),
        Check(
            f"intake p99 < {TARGET_P99_MS:.0f} ms",
            intake.p99_ms < TARGET_P99_MS,
            f"{intake.p99_ms:.1f} ms",
        ),
        Check(
            "no errors",
            intake.errors == 0 and floor.errors == 0,
            f"intake {intake.errors}, floor {floor.errors}",
        ),
        Check("every filing complete", all(c.ok for c in checks), "see checks above"),
    ]


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


def benchmark(args: argparse.Namespace, wrk: str, env: dict[str, str], log: Path) -> bool:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(args, env, port, log)
    try:
        wait_until(lambda: healthz(port)[0] == 200, 30, f"gunicorn to answer on {base}", 0.3)
        # Generous: with many workers, the one that answers may still be starting on 2 cores.
        cookie, token = csrf_pair(port, timeout=60)
        settings = Load(args.wrk_threads, args.connections, token, cookie, server.pid)
        intake_warmup, intake = drive(wrk, base, INTAKE, "intake", args, settings)
        floor_warmup, floor = drive(wrk, base, FLOOR_PATH, "floor", args, settings)
    finally:
        stop(server, timeout=30)
    print_runs(intake, floor)
    if intake.errors or floor.errors:
        print_log_tail(log)
    checks = completeness(
        env["DATABASE_URL"], env["REDIS_URL"], [intake_warmup, intake], [floor_warmup, floor]
    )
    print_checks("Completeness (warm-up and measured runs):", checks)
    verdicts = targets(intake, floor, checks)
    print_checks("Target:", verdicts)
    passed = all(v.ok for v in verdicts)
    print(f"\n{'PASS' if passed else 'FAIL'}")
    if args.json:
        write_json(args.json, args, [intake, floor], verdicts)
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
        f"wrk {args.connections} connections, {args.duration} s per run, warm-up {args.warmup} s"
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
