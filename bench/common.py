"""What the benchmarks share: their own PostgreSQL databases, manage.py, the machine's load."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS_SERVER = "redis://127.0.0.1:6379"


def server_connection() -> psycopg.Connection:
    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)


def drop_database(name: str) -> None:
    with server_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def recreate_database(name: str) -> None:
    drop_database(name)
    with server_connection() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(env: dict[str, str], *words: str) -> str:
    return run_python(env, "manage.py", *words)


def fill(env: dict[str, str], *words: str) -> str:
    """The fast path (bench/fill.py) into the environment's database; its summary line."""
    return run_python(env, "bench/fill.py", *words)


def run_python(env: dict[str, str], script: str, *words: str) -> str:
    result = subprocess.run(
        [str(PYTHON), script, *words],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def database_sql(env: dict[str, str], statement: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def busy_cores(seconds: float = 2.0) -> float:
    """Cores busy on the whole machine meanwhile (0.0 = idle), from /proc/stat."""

    def busy() -> float:
        ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = ticks[3] + ticks[4]  # idle, iowait
        return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")

    before, started = busy(), time.monotonic()
    time.sleep(seconds)
    return (busy() - before) / (time.monotonic() - started)


# What disturbs a measurement: the benchmarks themselves and what they start.
OTHER_BENCHMARKS = r"gunicorn|wrk|bench/(admin|intake|profile_intake|scale|sweep)\.py"


def ancestors() -> set[int]:
    """This process and its parents (a shell or `timeout` that started it is no other run)."""
    found, pid = set(), os.getpid()
    while pid > 1:
        found.add(pid)
        stat = Path(f"/proc/{pid}/stat").read_text()
        pid = int(stat[stat.rindex(")") + 2 :].split()[1])
    return found


def others_running() -> list[str]:
    """Command lines of other benchmarks, or of what they start, running now."""
    result = subprocess.run(
        ["pgrep", "-af", OTHER_BENCHMARKS], capture_output=True, text=True, check=False
    )
    own = ancestors()
    return [line for line in result.stdout.splitlines() if int(line.split()[0]) not in own]


def wait_for_others(patience: float) -> None:
    """Wait up to `patience` seconds for other benchmarks to end; exit if they do not."""
    deadline = time.monotonic() + patience
    while (running := others_running()) and time.monotonic() < deadline:
        time.sleep(5)
    if running:
        sys.exit("other benchmarks are running:\n" + "\n".join(running))


def code_version() -> str:
    """The commit measured, and whether the working tree differed from it (read-only git)."""

    def git(*words: str) -> str:
        result = subprocess.run(["git", *words], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no")
    return f"{git('rev-parse', '--short', 'HEAD')}{' + uncommitted changes' if changed else ''}"


def exit_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM unwinds through the benchmark's finally blocks (servers stopped, database
    dropped), as Ctrl-C does."""
    sys.exit(128 + signum)
