"""What the benchmarks share: their own PostgreSQL databases, manage.py, the machine's load."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


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
    result = subprocess.run(
        [str(PYTHON), "manage.py", *words],
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
