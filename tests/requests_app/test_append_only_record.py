"""The record cannot be bent: events refuse every change in the database itself.

Not only save() and delete(): QuerySet.update(), .delete() and raw SQL are refused by a
trigger on PostgreSQL. The retention purge is the one named way past it, and records itself.
"""

import pytest
from django.db import DatabaseError, connection, transaction

from disputes_app.models import DisputeEvent
from disputes_app.services import escalate
from requests_app import append_only, retention
from requests_app.models import PrivacyRequest, RefusalReason, RequestEvent
from tests.helpers import file_request

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's (CI has it)"
)


def refused(statement) -> str:
    """Run `statement` in a savepoint; the database's error message."""
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        statement()
    return str(error.value)


@pytest.fixture
def request_with_events(db) -> PrivacyRequest:
    request = file_request()
    request._confirm_email()
    request._extend("The requester's husband, Max Mustermann, asked the same.")
    return request


@on_postgresql
@pytest.mark.django_db
def test_a_queryset_update_of_events_is_refused_by_the_database(request_with_events):
    events = RequestEvent.objects.filter(request=request_with_events)

    message = refused(lambda: events.update(kind=RequestEvent.Kind.ANSWERED))

    assert "append-only" in message
    assert not events.filter(kind=RequestEvent.Kind.ANSWERED).exists()


@on_postgresql
@pytest.mark.django_db
def test_a_queryset_delete_of_events_is_refused_by_the_database(request_with_events):
    count = request_with_events.events.count()

    message = refused(lambda: RequestEvent.objects.filter(request=request_with_events).delete())

    assert "append-only" in message
    assert request_with_events.events.count() == count


@on_postgresql
@pytest.mark.django_db
def test_raw_sql_cannot_change_or_delete_an_event(request_with_events):
    table = RequestEvent._meta.db_table

    def run(sql: str):
        def statement():
            with connection.cursor() as cursor:
                cursor.execute(sql)

        return statement

    assert "append-only" in refused(run(f"UPDATE {table} SET data = '{{}}'"))  # noqa: S608
    assert "append-only" in refused(run(f"DELETE FROM {table}"))  # noqa: S608
    extended = request_with_events.events.get(kind=RequestEvent.Kind.EXTENDED)
    assert "Max Mustermann" in extended.data["reason"]


@on_postgresql
@pytest.mark.django_db
def test_dispute_events_are_append_only_in_the_database_too(request_with_events):
    request_with_events._refuse(RefusalReason.NO_DATA)
    dispute, _created = escalate(request_with_events, "Refused.")
    events = DisputeEvent.objects.filter(dispute=dispute)

    assert "append-only" in refused(lambda: events.update(outcome="upheld"))
    assert "append-only" in refused(lambda: events.delete())
    assert events.count() == 1


@pytest.mark.django_db
def test_the_purge_takes_free_text_out_of_the_events_and_records_it(request_with_events):
    request_with_events.start()
    request_with_events._answer(open_tasks_reason="Erika phoned: she needs it by Friday.")
    request_with_events.close()

    retention.purge(request_with_events)

    extended = request_with_events.events.get(kind=RequestEvent.Kind.EXTENDED)
    answered = request_with_events.events.get(kind=RequestEvent.Kind.ANSWERED)
    purged = request_with_events.events.get(kind=RequestEvent.Kind.PURGED)
    assert "reason" not in extended.data and "due_on" in extended.data
    assert "why" not in answered.data
    assert purged.data == {"events_scrubbed": 2}


@on_postgresql
@pytest.mark.django_db
def test_the_purges_way_out_closes_at_the_end_of_its_block(request_with_events):
    events = RequestEvent.objects.filter(request=request_with_events)
    with transaction.atomic():
        with append_only.retention_purge():
            events.filter(kind=RequestEvent.Kind.EXTENDED).update(data={})

        message = refused(lambda: events.update(data={}))

    assert "append-only" in message
    assert events.get(kind=RequestEvent.Kind.EXTENDED).data == {}
    assert "due_on" in events.get(kind=RequestEvent.Kind.FILED).data


def test_the_way_out_needs_a_transaction(transactional_db):
    with pytest.raises(RuntimeError, match="transaction"), append_only.retention_purge():
        pass
