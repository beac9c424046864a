"""The scale-out proof, larger: two gunicorns and two Celery workers on one PostgreSQL and Redis.

    .venv/bin/python bench/scale.py [--filings 2000] [--threads 16] [--restart-postgres]

Runs the scenarios of tests/test_scale_out.py (which CI runs with 300 filings) on a fresh
PostgreSQL database `privacyportal_bench_scale` and Redis db 12, and prints their figures:

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

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    PG_SERVER,
    REDIS_SERVER,
    ROOT,
    drop_database,
    recreate_database,
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
    redis_url = f"{REDIS_SERVER}/{args.redis_db}"
    os.environ |= {
        "DJANGO_SETTINGS_MODULE": "privacyportal.settings",
        "DATABASE_URL": f"{PG_SERVER}/{args.database}",
        "REDIS_URL": redis_url,
    }
    os.environ.pop("CELERY_TASK_ALWAYS_EAGER", None)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    recreate_database(args.database)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from tests import test_scale_out as scale

    call_command("migrate", "--no-input", verbosity=0)
    pg = None
    if args.restart_postgres:
        pg = scale.postgres_cluster(int(connection.settings_dict["PORT"] or 5432))
        if pg is None:
            sys.exit("--restart-postgres: no local cluster that pg_ctlcluster can restart")

    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as workdir:
        tmp = Path(workdir)
        static_root = tmp / "static"
        scale.collect_static(static_root)

        def run(name: str, prove) -> dict:
            redis.Redis.from_url(redis_url).flushdb()
            call_command("flush", "--no-input", verbosity=0)
            folder = tmp / name
            folder.mkdir()
            secret_key = os.urandom(32).hex()
            env = scale.cluster_env(static_root, redis_url, secret_key)
            cluster = scale.Cluster(folder, env, redis_url, secret_key)
            try:
                return prove(cluster)
            finally:
                cluster.stop_all()
                connection.close()

        try:
            figures["scale_out"] = run(
                "scale-out",
                lambda cluster: scale.prove_scale_out(cluster, args.filings, args.threads),
            )
            print(scale.describe_scale_out(figures["scale_out"]), flush=True)
            if pg is not None:
                wait_for_others(args.wait_idle)  # the restart would break their runs
                try:
                    figures["restart"] = run(
                        "restart",
                        lambda cluster: scale.prove_restart(
                            cluster, pg, args.restart_filings, args.restart_filings, args.threads
                        ),
                    )
                    print(scale.describe_restart(figures["restart"]), flush=True)
                except scale.RestartRefused as refused:
                    print(refused, flush=True)
        finally:
            if pg is not None and not scale.postgres_is_up(5432):
                scale.pg_ctl(pg, "start")
            connections.close_all()
            redis.Redis.from_url(redis_url).flushdb()
            if not args.keep:
                drop_database(args.database)

    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
