"""Access and erasure runs over a database system: started, run once per system, recorded."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app import runs
from requests_app.models import (
    DataSystem,
    IdentityCheck,
    PrivacyRequest,
    RequestEvent,
    RunPart,
    Status,
    SystemRun,
    TransitionNotAllowed,
    private_storage,
)
from tests.helpers import file_request

Kind = RequestEvent.Kind


def start(request, action, officer, *, dry_run=False, capture):
    with capture(execute=True):
        run = runs.start(request, action, officer, dry_run=dry_run)
    return SystemRun.objects.get(pk=run.pk)


def shop_rows(path, sql):
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def demo_customers(path) -> int:
    return shop_rows(path, "select count(*) from customers where email = 'demo@example.org'")[0][0]


def the_part(run) -> RunPart:
    return run.parts.get(system__name="Shop database")


def test_an_access_run_collects_every_table_into_the_private_storage(
    shop_system, confirmed, officer, django_capture_on_commit_callbacks
):
    run = start(confirmed, "access", officer, capture=django_capture_on_commit_callbacks)

    part = the_part(run)
    assert (part.state, part.attempts, part.error) == ("done", 1, "")
    found = {count["table"]: count["rows"] for count in part.counts}
    assert found["customers"] == 1
    assert (
        found["orders"]
        == shop_rows(
            shop_system,
            "select count(*) from orders join customers on customers.id = orders.customer_id "
            "where customers.email = 'demo@example.org'",
        )[0][0]
    )
    assert part.rows == sum(found.values())
    lines = private_storage().open(part.result_path).read().decode().splitlines()
    assert len(lines) == part.rows
    assert json.loads(lines[0]) == {"table": "customers", "row": part.preview["customers"][0]}
    assert part.preview["customers"][0]["email"] == "demo@example.org"
    event = confirmed.events.get(kind=Kind.DATA_COLLECTED)
    assert event.data["system"] == "Shop database"
    assert event.data["rows"] == part.rows
    assert confirmed.events.filter(kind=Kind.RUN_STARTED, staff_user=officer).exists()


def test_a_run_waits_for_the_confirmed_email_address(shop_system, officer, db):
    request = file_request()
    with pytest.raises(TransitionNotAllowed, match="not confirmed the e-mail address"):
        runs.start(request, "access", officer)
    assert not SystemRun.objects.exists()


def test_without_a_connected_system_there_is_nothing_to_run(confirmed, officer):
    with pytest.raises(TransitionNotAllowed, match="No active system has a connector"):
        runs.start(confirmed, "access", officer)


def test_an_erasure_is_counted_first_and_changes_nothing_until_approved(
    shop_system, confirmed, officer, django_capture_on_commit_callbacks
):
    dry = start(
        confirmed, "erasure", officer, dry_run=True, capture=django_capture_on_commit_callbacks
    )

    counted = {c["table"]: (c["rows"], c["action"]) for c in the_part(dry).counts}
    assert counted["customers"] == (1, "delete")
    assert counted["invoices"][1] == "keep"
    assert shop_rows(
        shop_system, "select count(*) from customers where email = 'demo@example.org'"
    ) == [(1,)]
    assert confirmed.events.filter(kind=Kind.ERASURE_COUNTED).count() == 1

    erased = start(confirmed, "erasure", officer, capture=django_capture_on_commit_callbacks)

    assert {c["table"]: c["rows"] for c in the_part(erased).counts} == {
        table: rows for table, (rows, _action) in counted.items()
    }
    assert shop_rows(
        shop_system, "select count(*) from customers where email = 'demo@example.org'"
    ) == [(0,)]
    evidence = confirmed.events.get(kind=Kind.DATA_ERASED)
    assert evidence.data["tables"] == the_part(erased).counts
    assert evidence.staff_user is None and evidence.actor == RequestEvent.Actor.SYSTEM

    again = start(confirmed, "erasure", officer, capture=django_capture_on_commit_callbacks)
    changed = {c["table"]: c["rows"] for c in the_part(again).counts if c["action"] != "keep"}
    assert set(changed.values()) == {0}, "a second erasure finds nothing left to change"


def test_an_unset_variable_fails_the_system_with_its_name(
    shop_system, confirmed, officer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.delenv("SHOP_DATABASE_URL")

    run = start(confirmed, "access", officer, capture=django_capture_on_commit_callbacks)

    part = the_part(run)
    assert part.state == "failed"
    assert "SHOP_DATABASE_URL" in part.error
    assert confirmed.events.get(kind=Kind.SYSTEM_FAILED).data["error"] == part.error


def test_an_unreachable_database_is_retried_with_backoff_then_fails(
    shop_system, confirmed, officer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setenv("SHOP_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/shop")

    run = start(confirmed, "access", officer, capture=django_capture_on_commit_callbacks)

    part = the_part(run)
    assert (part.state, part.attempts) == ("pending", 1)
    assert part.error and "127.0.0.1" in part.error
    assert part.next_attempt_at > timezone.now()
    for _attempt in range(runs.MAX_ATTEMPTS - 1):
        RunPart.objects.filter(pk=part.pk).update(next_attempt_at=timezone.now())
        runs.sweep()
    part.refresh_from_db()
    assert (part.state, part.attempts) == ("failed", runs.MAX_ATTEMPTS)
    assert confirmed.events.filter(kind=Kind.SYSTEM_FAILED).count() == 1


def test_a_part_is_run_once_however_often_its_task_arrives(
    shop_system, confirmed, officer, django_capture_on_commit_callbacks
):
    run = start(confirmed, "access", officer, capture=django_capture_on_commit_callbacks)
    part = the_part(run)

    assert runs.run_part(part.pk) == "done"
    assert runs.sweep() == []
    part.refresh_from_db()
    assert part.attempts == 1
    assert confirmed.events.filter(kind=Kind.DATA_COLLECTED).count() == 1


def test_a_part_whose_worker_died_is_run_again_after_its_lease(
    shop_system, confirmed, officer, monkeypatch, django_capture_on_commit_callbacks
):
    with monkeypatch.context() as broker_lost:
        broker_lost.setattr(runs, "hand_out", lambda ids: None)
        run = start(confirmed, "access", officer, capture=django_capture_on_commit_callbacks)
    part = the_part(run)
    assert part.claim()  # a worker claimed it, then was killed

    assert runs.sweep() == []
    assert runs.sweep(timezone.now() + timedelta(minutes=11)) == [part.pk]
    RunPart.objects.filter(pk=part.pk).update(next_attempt_at=timezone.now())
    runs.sweep()

    part.refresh_from_db()
    assert (part.state, part.attempts) == ("done", 2)
    assert confirmed.events.filter(kind=Kind.DATA_COLLECTED).count() == 1


def test_a_system_that_demands_an_identity_check_waits_for_one(
    shop_system, confirmed, officer, django_capture_on_commit_callbacks
):
    DataSystem.objects.update(require_identity_check=True)
    run = start(confirmed, "access", officer, capture=django_capture_on_commit_callbacks)
    part = the_part(run)
    assert (part.state, part.waiting_for) == ("waiting", "identity")

    confirmed.record_identity_check(IdentityCheck.Method.ACCOUNT, True, officer)
    runs.sweep()

    part.refresh_from_db()
    assert part.state == "done"


def test_the_purge_removes_what_was_collected_and_keeps_the_counts(
    shop_system, confirmed, officer, django_capture_on_commit_callbacks
):
    from requests_app import answer_package, retention

    run = start(confirmed, "access", officer, capture=django_capture_on_commit_callbacks)
    answer_package.build(run, officer)
    run.refresh_from_db()
    part = the_part(run)
    files = [part.result_path, run.package.name]
    PrivacyRequest.objects.filter(pk=confirmed.pk).update(  # closed long ago
        status=Status.CLOSED, closed_at=timezone.now()
    )
    confirmed.refresh_from_db()

    retention.purge(confirmed)

    part.refresh_from_db()
    run.refresh_from_db()
    assert (part.preview, part.result_path, run.package.name) == ({}, "", "")
    assert part.counts and part.rows, "the counts stay: they are the evidence"
    assert not any(private_storage().exists(name) for name in files)
