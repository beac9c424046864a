"""A real Celery worker on Redis, killed with SIGKILL in the middle of an erasure.

The shop is a PostgreSQL database whose delete trigger takes seconds, so that the worker is
surely inside the erasure's transaction when it dies. Nothing is lost and nothing is erased
twice: the shop's transaction dies with the worker, the part stays claimed until its lease
runs out, and the next worker erases once and records the evidence once.
"""

from __future__ import annotations

import os
import signal
import time

import psycopg
import pytest
from django.db import connection
from kombu import Connection

from privacyportal.celery import app as celery_app
from requests_app import runs
from requests_app.models import DataSystem, RequestEvent, RunPart, SystemRun
from tests.helpers import file_request, start_worker, stop_worker, wait_until, worker_env

REDIS_URL = os.environ.get("REDIS_URL", "")
TEST_REDIS_DB = 12
SHOP_DB = "pp_killed_worker_shop"
SERVER = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture
def slow_shop():
    """A shop database whose every delete takes three seconds."""
    if connection.vendor != "postgresql":
        pytest.skip("the shop's slow trigger needs PostgreSQL (set DATABASE_URL)")
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SHOP_DB}")
        admin.execute(f"CREATE DATABASE {SHOP_DB}")
    with psycopg.connect(f"{SERVER}/{SHOP_DB}", autocommit=True) as shop:
        shop.execute("CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL)")
        shop.execute(
            "INSERT INTO customers (email) VALUES ('ada@example.org'), ('bob@example.org')"
        )
        shop.execute(
            "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_sleep(3); RETURN OLD; END $$"
        )
        shop.execute(
            "CREATE TRIGGER slow BEFORE DELETE ON customers FOR EACH ROW EXECUTE FUNCTION slow()"
        )
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{SHOP_DB}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SHOP_DB} WITH (FORCE)")


def customers() -> list[str]:
    with psycopg.connect(f"{SERVER}/{SHOP_DB}") as shop:
        return [email for (email,) in shop.execute("SELECT email FROM customers ORDER BY id")]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_erasure_loses_nothing_and_erases_once(
    slow_shop, tmp_path, monkeypatch, django_user_model
):
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    broker = f"{REDIS_URL.rsplit('/', 1)[0]}/{TEST_REDIS_DB}"
    with Connection(broker) as conn:
        conn.default_channel.client.flushdb()
    monkeypatch.setenv("SHOP_DATABASE_URL", slow_shop)
    DataSystem.objects.create(
        name="Shop database",
        kind=DataSystem.Kind.INTERNAL,
        connector=DataSystem.Connector.DATABASE,
        url_env="SHOP_DATABASE_URL",
        tables=[{"name": "customers", "identity": "email", "erase": "delete"}],
    )
    request = file_request(email="ada@example.org")
    request._confirm_email()
    monkeypatch.setattr(runs, "hand_out", lambda ids: None)  # published below, to this broker
    run = runs.start(request, SystemRun.Action.ERASURE, django_user_model.objects.create_user("o"))
    part = run.parts.get()
    env = worker_env({"REDIS_URL": broker}, f"filemail:///{tmp_path / 'mail'}")
    celery_app.conf.task_always_eager = False  # restored by the portal_settings fixture

    first = start_worker(env)
    with Connection(broker) as conn:
        runs.run_part.apply_async((part.pk,), connection=conn)
    assert wait_until(lambda: RunPart.objects.get(pk=part.pk).state == "running", 60)
    time.sleep(1.5)  # inside the three-second delete
    first.send_signal(signal.SIGKILL)
    print(stop_worker(first))

    part.refresh_from_db()
    assert (part.state, part.attempts) == ("running", 1)
    assert customers() == ["ada@example.org", "bob@example.org"], "the shop rolled back"

    # The lease runs out; the part is handed to the next worker, as the sweep does.
    RunPart.objects.filter(pk=part.pk).update(next_attempt_at=part.started_at)
    second = start_worker(env)
    try:
        with Connection(broker) as conn:
            runs.run_part.apply_async((part.pk,), connection=conn)
        assert wait_until(lambda: RunPart.objects.get(pk=part.pk).state == "done", 60)
    finally:
        print(stop_worker(second))

    part.refresh_from_db()
    assert (part.attempts, part.rows) == (2, 1)
    assert customers() == ["bob@example.org"]
    (evidence,) = request.events.filter(kind=RequestEvent.Kind.DATA_ERASED)
    assert evidence.data["tables"][0]["rows"] == 1
