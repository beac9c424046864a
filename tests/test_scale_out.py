"""Scale-out: two gunicorns and two Celery workers on one PostgreSQL and one Redis.

The proof of "several web processes, several workers, exactly one beat" on one machine.
Each test starts two gunicorn instances (production settings, two sync workers each) on two
ports and two Celery workers (the default prefork pool, two processes each), all on the test
database and on a Redis db of their own, and files requests through both instances at once
over HTTP:

- `test_two_webs_and_two_workers_lose_and_double_nothing`: every accepted filing has its
  row and a unique, consecutive reference; every e-mail is sent exactly once (counted by
  Message-ID in each worker's mail folder); reminder sweeps run on both workers at the same
  moment and send each reminder once; a worker killed with SIGKILL while it sends loses
  nothing.
- `test_a_postgresql_restart_during_filing_loses_no_accepted_filing`: PostgreSQL is
  stopped and started again while filings run; `/healthz` answers 503 while it is down and
  200 again afterwards without restarting anything, and no accepted filing or e-mail is lost.

Needs PostgreSQL and Redis (CI has both). The restart test restarts the local PostgreSQL
cluster of DATABASE_URL with pg_ctlcluster, which cuts every connection to that server, not
only ours: it runs under CI=true or with SCALE_OUT_RESTART_POSTGRES=true, and skips (a
failure under CI) while any client is connected to another database of that server.

The scenarios themselves are in bench/scale_out.py and bench/scale_restart.py: `bench/scale.py`
runs the same two, larger, on a database of its own.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
import redis
from django.db import connection

from bench.cluster import Cluster, cluster_env, collect_static
from bench.scale_out import describe_scale_out, prove_scale_out
from bench.scale_restart import (
    RestartRefused,
    describe_restart,
    pg_ctl,
    postgres_cluster,
    postgres_is_up,
    prove_restart,
)
from privacyportal.celery import app as celery_app
from tests.helpers import database_url

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("REDIS_URL", "")
# A Redis db of this test's own, flushed before and after (0: the app's; 9, 10, 11, 12:
# benchmarks' and other local runs'; 13: test_celery_worker's).
SCALE_REDIS_DB = 14
IN_CI = os.environ.get("CI", "").lower() == "true"
MAY_RESTART_POSTGRES = IN_CI or os.environ.get("SCALE_OUT_RESTART_POSTGRES", "") == "true"


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("scale-static")
    collect_static(root)
    return root


@pytest.fixture
def cluster(transactional_db, tmp_path, static_root):
    """A scaled-out portal's processes (the test starts them); all stopped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("the scale-out proof needs PostgreSQL (DATABASE_URL=postgres://…)")
    if not REDIS_URL:
        pytest.skip("the scale-out proof needs Redis (REDIS_URL=redis://…)")
    redis_url = f"{REDIS_URL.rsplit('/', 1)[0]}/{SCALE_REDIS_DB}"
    redis.Redis.from_url(redis_url).flushdb()
    secret_key = secrets.token_urlsafe(50)
    running = Cluster(
        tmp_path,
        cluster_env(static_root, redis_url, secret_key, database_url()),
        redis_url,
        secret_key,
    )
    # This process publishes sweeps to the workers' broker instead of running them itself
    # (restored by the portal_settings fixture).
    celery_app.conf.task_always_eager = False
    try:
        yield running
    finally:
        running.stop_all()
        redis.Redis.from_url(redis_url).flushdb()
        for service in [*running.webs, *running.workers]:
            print(f"{service.name}: exit {service.process.returncode}, log {service.log}")


@pytest.mark.django_db(transaction=True)
def test_two_webs_and_two_workers_lose_and_double_nothing(cluster):
    print("\n" + describe_scale_out(prove_scale_out(cluster)))


@pytest.fixture
def postgres(cluster):
    """The local PostgreSQL cluster of the test database; running again afterwards."""
    if not MAY_RESTART_POSTGRES:
        pytest.skip("restarts PostgreSQL: runs under CI=true or SCALE_OUT_RESTART_POSTGRES=true")
    port = int(connection.settings_dict["PORT"] or 5432)
    pg = postgres_cluster(port)
    if pg is None:
        pytest.skip(f"no PostgreSQL cluster on port {port} that pg_ctlcluster can restart")
    try:
        yield pg
    finally:
        if not postgres_is_up(port):
            pg_ctl(pg, "start")
        connection.close()  # the teardown's flush needs a fresh connection


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_restart_during_filing_loses_no_accepted_filing(cluster, postgres):
    try:
        figures = prove_restart(cluster, postgres)
    except RestartRefused as refused:
        pytest.skip(str(refused))
    print("\n" + describe_restart(figures))
