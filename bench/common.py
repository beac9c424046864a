"""What the benchmarks share: their environment and databases, the machine, its load, Django."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS_SERVER = "redis://127.0.0.1:6379"
# More cores than this busy (of the whole machine) and a measurement is not a quiet one.
QUIET_CORES = 0.15
# What disturbs a measurement: the benchmarks themselves and what they start.
OTHER_BENCHMARKS = r"gunicorn|wrk|bench/(admin|connectors|intake|profile_intake|scale|sweep)\.py"


# --- Environment, databases ---------------------------------------------------------------


def portal_env(database: str, redis_db: int | None, **settings: str) -> dict[str, str]:
    """The portal's settings as a deployment gives them (privacyportal/settings.py), pointed
    at the benchmark's own database and Redis db (None: no broker), plus `settings`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "privacyportal.settings",
        "DATABASE_URL": f"{PG_SERVER}/{database}",
        "REDIS_URL": "" if redis_db is None else f"{REDIS_SERVER}/{redis_db}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": "consolemail://",
        "PYTHONPATH": str(ROOT),
        **settings,
    }


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


def flush_redis(url: str) -> None:
    redis.Redis.from_url(url).flushdb()


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


# --- The outbox's relay, as a run without a worker leaves it ------------------------------

# Committed e-mails wait on the relay's list; one relay task publishes them.
RELAY_LIST = "privacyportal:outbox:ready"  # requests_app.outbox.READY_KEY
RELAY_TASK = "requests_app.outbox.relay"


def queued_tasks(client: redis.Redis) -> dict[str, int]:
    """The Celery messages waiting in the queue 'celery', by task name."""
    counts: dict[str, int] = {}
    for message in client.lrange("celery", 0, -1):
        task = json.loads(message)["headers"]["task"]
        counts[task] = counts.get(task, 0) + 1
    return counts


# --- Django in the benchmark's own process --------------------------------------------------


def setup_django(env: dict[str, str]) -> None:
    """Django with the benchmark's settings, before the first import of the portal."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def explain(statement: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) runs the query: inside a transaction rolled back."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


# --- The machine and its load ---------------------------------------------------------------


def machine(env: dict[str, str]) -> dict[str, str]:
    """What the figures were measured on."""
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.split("\n")
    (postgres,) = database_sql(env, "SELECT version()")[0]
    (buffers,) = database_sql(env, "SHOW shared_buffers")[0]
    found = {
        "cores (nproc)": str(os.cpu_count()),
        "cpu (lscpu)": cpu.group(1).strip() if cpu else platform.processor(),
        "memory (free -h)": " ".join(memory[1].split()[1:4]) + " (total used free)",
        "postgresql": f"{postgres.split(' on ')[0]}, shared_buffers {buffers}",
    }
    if env.get("REDIS_URL"):
        found["redis"] = redis.Redis.from_url(env["REDIS_URL"]).info("server")["redis_version"]
    found["python"] = platform.python_version()
    return found


def busy_cores(seconds: float = 2.0) -> float:
    """Cores busy on the whole machine meanwhile (0.0 = idle), from /proc/stat."""

    def busy() -> float:
        ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = ticks[3] + ticks[4]  # idle, iowait
        return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")

    before, started = busy(), time.monotonic()
    time.sleep(seconds)
    return (busy() - before) / (time.monotonic() - started)


def wait_for_idle(patience: float) -> float:
    """Wait up to `patience` seconds for a quiet machine; returns the last busy reading."""
    deadline = time.monotonic() + patience
    cores = busy_cores()
    while cores > QUIET_CORES and time.monotonic() < deadline:
        cores = busy_cores()
    return cores


def ancestors() -> set[int]:
    """This process and its parents (a shell or `timeout` that started it is no other run)."""
    found, pid = set(), os.getpid()
    while pid > 1:
        found.add(pid)
        stat = Path(f"/proc/{pid}/stat").read_text()
        pid = int(stat[stat.rindex(")") + 2 :].split()[1])
    return found


def others_running(pattern: str = OTHER_BENCHMARKS) -> list[str]:
    """Command lines of other processes matching `pattern` (other benchmarks and what they
    start, by default), running now."""
    result = subprocess.run(["pgrep", "-af", pattern], capture_output=True, text=True, check=False)
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
