"""The scale-out proof, larger: two gunicorns and two Celery workers on one PostgreSQL and Redis.

    .venv/bin/python bench/scale.py [--filings 2000] [--threads 16] [--restart-postgres]

Runs the scenarios of bench/scale_out.py and bench/scale_restart.py (which
tests/test_scale_out.py runs in CI with 300 filings) on a fresh PostgreSQL database
`privacyportal_bench_scale` and Redis db 12, and prints their figures:

1. Filings through both gunicorns at once, the confirmation e-mails from both workers,
   reminder sweeps on both workers at the same moment, one worker SIGKILLed while it sends;
   every check of the test holds (unique consecutive references, every e-mail once).
2. With --restart-postgres: PostgreSQL stopped and started again during filing (the local
   cluster, with pg_ctlcluster: this cuts every connection to the server, so the script
   refuses while a client is connected to another database of the server). /healthz 503
   while down, 200 again without a restart, no accepted filing and no e-mail lost.

The database is dropped and the Redis db flushed at the end unless --keep. See
docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    ROOT,
    drop_database,
    flush_redis,
    portal_env,
    recreate_database,
    setup_django,
    wait_for_others,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--filings", type=int, default=2000, help="filings of scenario 1")
    parser.add_argument("--threads", type=int, default=16, help="filing threads, both ports")
    parser.add_argument(
        "--restart-filings", type=int, default=300, help="accepted before and after the restart"
    )
    parser.add_argument("--restart-postgres", action="store_true", help="run scenario 2")
    parser.add_argument("--database", default="privacyportal_bench_scale")
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--wait-idle", type=float, default=0, help="wait up to this many s for other benchmarks"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    wait_for_others(args.wait_idle)
    env = portal_env(args.database, args.redis_db)
    database_url, redis_url = env["DATABASE_URL"], env["REDIS_URL"]
    os.chdir(ROOT)
    recreate_database(args.database)
    setup_django(env)
    from django.core.management import call_command
    from django.db import connection, connections

    from bench import cluster, scale_out, scale_restart

    call_command("migrate", "--no-input", verbosity=0)
    pg = None
    if args.restart_postgres:
        pg = scale_restart.postgres_cluster(int(connection.settings_dict["PORT"] or 5432))
        if pg is None:
            sys.exit("--restart-postgres: no local cluster that pg_ctlcluster can restart")

    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as workdir:
        tmp = Path(workdir)
        static_root = tmp / "static"
        cluster.collect_static(static_root)

        def run(name: str, prove) -> dict:
            flush_redis(redis_url)
            call_command("flush", "--no-input", verbosity=0)
            folder = tmp / name
            folder.mkdir()
            secret_key = os.urandom(32).hex()
            env = cluster.cluster_env(static_root, redis_url, secret_key, database_url)
            running = cluster.Cluster(folder, env, redis_url, secret_key)
            try:
                return prove(running)
            finally:
                running.stop_all()
                connection.close()

        try:
            figures["scale_out"] = run(
                "scale-out",
                lambda running: scale_out.prove_scale_out(running, args.filings, args.threads),
            )
            print(scale_out.describe_scale_out(figures["scale_out"]), flush=True)
            if pg is not None:
                wait_for_others(args.wait_idle)  # the restart would break their runs
                try:
                    figures["restart"] = run(
                        "restart",
                        lambda running: scale_restart.prove_restart(
                            running, pg, args.restart_filings, args.restart_filings, args.threads
                        ),
                    )
                    print(scale_restart.describe_restart(figures["restart"]), flush=True)
                except scale_restart.RestartRefused as refused:
                    print(refused, flush=True)
        finally:
            if pg is not None and not scale_restart.postgres_is_up(5432):
                scale_restart.pg_ctl(pg, "start")
            connections.close_all()
            flush_redis(redis_url)
            if not args.keep:
                drop_database(args.database)

    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
