"""The scale-out proof, second scenario: PostgreSQL stopped and started again while requests
are filed through two webs; no accepted filing and no e-mail lost, nothing restarted.

It restarts the local cluster with pg_ctlcluster, which cuts every connection to the server,
so it refuses while a client is connected to another database of the server. Run by
tests/test_scale_out.py and bench/scale.py, with Django set up on the shared database.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections import Counter

from django.db import connection

from bench.cluster import Cluster, healthz, wait_until
from bench.scale_out import (
    Filers,
    all_sent,
    check_filings,
    check_mail,
    expire_orphaned_claims,
    wait_until_settled,
)
from requests_app.models import OutboxEmail


def postgres_cluster(port: int) -> tuple[str, str] | None:
    """The (version, name) of the local cluster on `port`, if pg_lsclusters knows one."""
    if not (shutil.which("pg_ctlcluster") and shutil.which("pg_lsclusters")):
        return None
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_rest = line.split()
        if cluster_port == str(port):
            return version, name
    return None


def pg_ctl(pg: tuple[str, str], *words: str) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", *pg, *words]
    subprocess.run(command, check=True, timeout=120, capture_output=True)


class RestartRefused(Exception):
    """Others use the PostgreSQL server: a restart would cut their connections too."""


def refuse_if_others_connected() -> None:
    """Client connections to any other database on the server (others' work) forbid a restart."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname, application_name, count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() "
            "AND datname IS DISTINCT FROM current_database() GROUP BY 1, 2"
        )
        others = cursor.fetchall()
    connection.close()
    if others:
        listed = ", ".join(f"{n} to {db} ({app or 'no name'})" for db, app, n in others)
        raise RestartRefused(f"not restarting PostgreSQL: other clients are connected: {listed}")


def postgres_is_up(port: int) -> bool:
    command = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]
    return subprocess.run(command, check=False).returncode == 0


def prove_restart(
    cluster: Cluster, pg: tuple[str, str], before: int = 80, after: int = 80, threads: int = 8
) -> dict:
    """Filings through two webs while PostgreSQL stops and starts again."""
    refuse_if_others_connected()
    started = time.monotonic()
    webs = [cluster.start_web("web-a"), cluster.start_web("web-b")]
    # Exactly one beat, on worker-a: its outbox sweep (every second here) hands out again
    # the e-mails whose task failed while the database was down.
    cluster.start_worker("worker-a", beat=True)
    cluster.start_worker("worker-b")
    cluster.wait_ready()
    masters = [web.process.pid for web in webs]
    connection.close()  # this process reads nothing while the server is down

    filers = Filers([web.port for web in webs], cluster.secret_key, threads)
    filers.start()
    polls: list[tuple[int, bytes]] = []
    try:
        wait_until(lambda: len(filers.accepted()) >= before, 120, "filings before the stop")
        refuse_if_others_connected()  # again: someone may have started meanwhile
        stop_at = time.monotonic()
        pg_ctl(pg, "stop", "-m", "fast")
        stopped_at = time.monotonic()

        def down() -> bool:
            polls.append(healthz(webs[0].port))
            return polls[-1][0] == 503

        wait_until(down, 30, "/healthz 503", every=0.05)
        time.sleep(1)  # filings keep coming while it is down
        filings_before_start = len(filers.filings)
        pg_ctl(pg, "start")
        started_at = time.monotonic()
        wait_until(
            lambda: all(healthz(web.port)[0] == 200 for web in webs), 60, "/healthz 200 again"
        )
        up_at = time.monotonic()
        wait_until(
            lambda: sum(f.started > up_at for f in filers.accepted()) >= after,
            120,
            "filings after the restart",
        )
    finally:
        filers.join()
        connection.close()  # died with the server

    status, body = polls[-1]
    assert status == 503
    assert json.loads(body) == {"database": "down", "broker": "ok"}
    assert [web.process.pid for web in webs] == masters, "gunicorn was not restarted"
    assert all(s.alive() for s in [*cluster.webs, *cluster.workers]), "every process lives on"

    # Filings that overlapped the outage may fail (they were not accepted); no other.
    failed = [f for f in filers.filings if f.status != 302]
    outside = [f for f in failed if f.finished < stop_at or f.started > up_at]
    assert outside == [], outside[:5]
    assert {f.status for f in failed} == {503}, "the outage's page says to send it again"
    assert failed, "no filing met the outage"
    rows = check_filings(filers)

    # Every e-mail is sent, once: a claim cut off by the outage before its e-mail went out
    # is sent after its lease; one whose e-mail went out is recorded once the server is back
    # (outbox.mark_sent), so nothing goes twice.
    wait_until_settled(90, swept=True)
    orphans = expire_orphaned_claims()
    wait_until(all_sent, 60, "the beat's outbox sweep to send every e-mail")
    written = check_mail(cluster, may_double=set())
    assert OutboxEmail.objects.filter(kind="confirm_address").count() == len(rows)

    return {
        "filings": len(filers.filings),
        "accepted": len(filers.accepted()),
        "rows": len(rows),
        "failed": len(failed),
        "failed_statuses": dict(Counter(f.status for f in failed)),
        "failed_while_down": sum(stopped_at <= f.started <= started_at for f in failed),
        "down_seconds": started_at - stopped_at,
        "stop_seconds": stopped_at - stop_at,
        "down_polls": len(polls),
        "down_body": body.decode(),
        "outage_seconds": up_at - stop_at,
        "recovery_seconds": up_at - started_at,
        "filings_before_start": filings_before_start,
        "emails": OutboxEmail.objects.count(),
        "orphaned_claims": len(orphans),
        "sent_twice": sum(1 for n in written.values() if n > 1),
        "seconds": time.monotonic() - started,
    }


def describe_restart(f: dict) -> str:
    return (
        f"postgres restart: {f['filings']} filings, {f['accepted']} accepted, all with their "
        f"row ({f['rows'] - f['accepted']} rows committed without a 302); {f['failed']} failed "
        f"{f['failed_statuses']} ({f['failed_while_down']} of them in the "
        f"{f['down_seconds']:.1f} s from stopped to started); "
        f"/healthz {f['down_body']} during the outage, 200 again {f['outage_seconds']:.1f} s "
        f"after the stop ({f['recovery_seconds']:.1f} s after the start), no process "
        f"restarted; {f['emails']} e-mails all sent, {f['orphaned_claims']} claims cut off, "
        f"{f['sent_twice']} sent twice; {f['seconds']:.1f} s"
    )
