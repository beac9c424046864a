"""A filing's rows: one statement on PostgreSQL, one by one elsewhere, the same rows either way."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict

from requests_app import addresses, services
from requests_app.filing import FilingRows
from requests_app.models import (
    AccessLink,
    OutboxEmail,
    PrivacyRequest,
    ReferenceCounter,
    RequestEvent,
    Wait,
)
from requests_app.models.webhooks import WebhookDelivery, WebhookEndpoint
from tests.helpers import VALID_FILING

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement path is PostgreSQL's"
)

# What differs between two filings of the same content: keys, times, secrets, references.
VARYING = {"id", "request", "endpoint", "created_at", "started_at", "received_at"}
VARYING |= {"next_reminder_at", "expires_at", "token_hash", "message_id", "reference"}
VARYING |= {"submission_key", "next_attempt_at"}


def without_varying(values: dict) -> dict:
    kept = {k: v for k, v in values.items() if k not in VARYING}
    if "payload" in kept:  # a webhook's body: its time and the request's reference and time
        data = {k: v for k, v in kept["payload"]["data"].items() if k not in VARYING}
        kept["payload"] = {"type": kept["payload"]["type"], "data": data}
    if "context" in kept:  # an e-mail's: the link carries the token
        kept["context"] = {
            k: re.sub(r"/[\w-]{40,}/", "/<token>/", str(v)) for k, v in kept["context"].items()
        }
    return kept


def new_request(key: str) -> PrivacyRequest:
    data = {key: VALID_FILING[key] for key in ("request_type", "email", "country", "details")}
    request = PrivacyRequest(
        **data,
        full_name="Erika Mustermann",
        language="de",
        ip_address="192.0.2.1",
        submission_key=key,
    )
    request.set_deadline()
    return request


def rows_of(request: PrivacyRequest) -> dict[str, list[dict]]:
    """Every row the filing wrote, without what differs from filing to filing."""

    def plain(queryset) -> list[dict]:
        return [without_varying(model_to_dict(row)) for row in queryset]

    deliveries = WebhookDelivery.objects.filter(payload__data__reference=request.reference)
    return {
        "request": plain(PrivacyRequest.objects.filter(pk=request.pk)),
        "waits": plain(Wait.objects.filter(request=request)),
        "events": plain(RequestEvent.objects.filter(request=request)),
        "links": plain(AccessLink.objects.filter(request=request)),
        "emails": plain(OutboxEmail.objects.filter(request=request)),
        "deliveries": plain(deliveries),
    }


@on_postgresql
def test_one_statement_writes_what_the_orm_writes_one_by_one(db):
    WebhookEndpoint.objects.create(url="https://hooks.example.com/a", events=["request.filed"])
    WebhookEndpoint.objects.create(url="https://hooks.example.com/b", events=["request.filed"])
    WebhookEndpoint.objects.create(url="https://hooks.example.com/c", events=["request.answered"])
    one_by_one, together = new_request("Row by row"), new_request("All at once")

    FilingRows.build(one_by_one).write_one_by_one()
    rows = FilingRows.build(together)
    rows.write_in_one_statement()

    assert rows_of(together) == rows_of(one_by_one)
    assert len(rows_of(together)["deliveries"]) == 2
    year = rows.year
    assert (one_by_one.reference, together.reference) == (
        f"DSR-{year}-000001",
        f"DSR-{year}-000002",
    )


@on_postgresql
def test_one_statement_numbers_the_request_and_tells_the_endpoints_its_reference(db):
    WebhookEndpoint.objects.create(url="https://hooks.example.com/", events=["request.filed"])
    request = new_request("Erika Mustermann")
    rows = FilingRows.build(request)

    rows.write_in_one_statement()

    stored = PrivacyRequest.objects.get(pk=request.pk)
    assert stored.reference == request.reference == f"DSR-{rows.year}-000001"
    assert stored.email_key == addresses.key(VALID_FILING["email"])
    assert all(row.pk and not row._state.adding for row in (rows.wait, rows.event, rows.link))
    assert rows.email.request_id == request.pk
    delivery = WebhookDelivery.objects.get()
    assert delivery.payload["data"]["reference"] == request.reference
    assert re.fullmatch(r"msg_[0-9a-f]{32}", delivery.message_id)


@on_postgresql
def test_a_failed_statement_writes_nothing_and_takes_no_number(db):
    first = new_request("Twice")
    FilingRows.build(first).write_in_one_statement()
    again = new_request("Twice")  # the same submission key

    with pytest.raises(IntegrityError), transaction.atomic():
        FilingRows.build(again).write_in_one_statement()

    assert PrivacyRequest.objects.count() == Wait.objects.count() == 1
    assert OutboxEmail.objects.count() == AccessLink.objects.count() == 1
    assert ReferenceCounter.objects.get().last == 1


def test_the_form_posted_twice_files_one_request(db):
    """Inside the caller's transaction, a duplicate leaves it usable (a savepoint)."""
    from requests_app import services

    data = {key: value for key, value in VALID_FILING.items() if key != "consent"}
    first, created = services.file_request(data, language="en", ip_address=None, form_token="t")
    again, created_again = services.file_request(
        data, language="en", ip_address=None, form_token="t"
    )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert PrivacyRequest.objects.count() == 1


@on_postgresql
@pytest.mark.django_db
def test_the_filing_statement_stays_within_psycopgs_cache_of_converted_queries():
    """psycopg converts a query's placeholders once and keeps it, but only up to 50
    parameters and 4 KiB of text; past that it parses the statement again for every filing.
    Values every filing writes alike are constants in the text, not parameters."""
    from psycopg import _queries

    statements = []

    def remember(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(remember):
        services.file_request(
            dict(VALID_FILING), language="en", ip_address="192.0.2.1", form_token="c"
        )

    sql, params = next((sql, params) for sql, params in statements if sql.startswith("WITH"))
    assert len(params) <= _queries.MAX_CACHED_STATEMENT_PARAMS
    assert len(sql.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH
    assert "NULL" in sql and "FALSE" in sql


def prepared_statements() -> list[str]:
    """The statements this connection prepared through the protocol (not SQL's PREPARE)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        return [statement for (statement,) in cursor.fetchall()]


def file(token: str) -> PrivacyRequest:
    data = {key: value for key, value in VALID_FILING.items() if key != "consent"}
    request, _created = services.file_request(
        data, language="en", ip_address="192.0.2.1", form_token=token
    )
    return request


@on_postgresql
def test_the_filing_statement_is_prepared_once_per_connection_and_nothing_else_is(db):
    file("first")
    prepared = prepared_statements()

    second = file("second")

    assert prepared_statements() == prepared
    assert prepared and all(statement.startswith("WITH allocated AS") for statement in prepared)
    assert PrivacyRequest.objects.get(pk=second.pk).reference == second.reference


@on_postgresql
def test_without_prepared_statements_a_filing_writes_the_same_rows(db, monkeypatch):
    """DATABASE_PREPARED_STATEMENTS=false: what a pooler that drops them needs."""
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    connection.connection.execute("DEALLOCATE ALL")

    unprepared = file("unprepared")
    assert prepared_statements() == []
    monkeypatch.undo()
    prepared = file("prepared")

    assert len(prepared_statements()) == 1
    assert rows_of(unprepared) == rows_of(prepared)
