"""The webhook connector against a real HTTP server: signed requests, results, callbacks."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook

from requests_app import runs
from requests_app.connectors import webhook
from requests_app.models import DataSystem, RequestEvent, RunPart, SystemRun
from tests.helpers import RecordingServer

SECRET = "whsec_" + base64.b64encode(b"a secret of the billing service").decode()
Kind = RequestEvent.Kind


@pytest.fixture
def billing(db, monkeypatch):
    system = RecordingServer()
    system.body = {"tables": {}}
    monkeypatch.setenv("BILLING_WEBHOOK_SECRET", SECRET)
    DataSystem.objects.create(
        name="Billing service",
        kind=DataSystem.Kind.INTERNAL,
        connector=DataSystem.Connector.WEBHOOK,
        url=system.url,
        secret_env="BILLING_WEBHOOK_SECRET",
    )
    yield system
    system.close()


def sent(billing) -> list[dict]:
    """What the system received, each request's signature verified with the secret."""
    return [Webhook(SECRET).verify(body, headers) for headers, body in billing.received]


def start(confirmed, officer, capture, action="access", dry_run=False) -> RunPart:
    with capture(execute=True):
        run = runs.start(confirmed, action, officer, dry_run=dry_run)
    return RunPart.objects.get(run=run)


def signed(body: bytes, message_id: str = "callback-1") -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(SECRET).sign(message_id, now, body.decode()),
    }


def test_the_system_gets_a_signed_request_and_its_200_result_is_stored(
    billing, confirmed, officer, django_capture_on_commit_callbacks
):
    billing.body = {"tables": {"accounts": [{"id": 7, "plan": "pro"}], "payments": []}}

    part = start(confirmed, officer, django_capture_on_commit_callbacks)

    (request,) = sent(billing)
    assert request["type"] == "privacy.access"
    assert request["reference"] == confirmed.reference
    assert request["identity"] == {"email": "Demo@Example.org", "name": confirmed.full_name}
    assert (part.state, part.rows) == ("done", 1)
    assert part.preview == {"accounts": [{"id": 7, "plan": "pro"}]}
    assert [(count["table"], count["rows"]) for count in part.counts] == [
        ("accounts", 1),
        ("payments", 0),
    ]
    assert confirmed.events.get(kind=Kind.DATA_COLLECTED).data["system"] == "Billing service"


def test_a_202_waits_for_a_single_use_signed_callback(
    billing, confirmed, officer, client, django_capture_on_commit_callbacks
):
    billing.status, billing.body = 202, {}
    part = start(confirmed, officer, django_capture_on_commit_callbacks, "erasure")
    assert (part.state, part.waiting_for) == ("waiting", "callback")
    callback = sent(billing)[0]["callback_url"].removeprefix("http://127.0.0.1:8000")

    result = json.dumps({"tables": {"accounts": 1, "payments": 3}}).encode()
    forged = client.post(callback, result, "application/json", headers=signed(result) | {
        "webhook-signature": "v1,AAAA"})  # fmt: skip
    assert forged.status_code == 401
    part.refresh_from_db()
    assert part.state == "waiting" and "signature" in part.error

    answer = client.post(callback, result, "application/json", headers=signed(result))
    assert answer.status_code == 200
    part.refresh_from_db()
    assert (part.state, part.rows, part.error) == ("done", 4, "")
    evidence = confirmed.events.get(kind=Kind.DATA_ERASED)
    assert [table["rows"] for table in evidence.data["tables"]] == [1, 3]

    replayed = client.post(callback, result, "application/json", headers=signed(result, "again"))
    assert replayed.status_code == 404
    assert confirmed.events.filter(kind=Kind.DATA_ERASED).count() == 1


def test_a_callback_that_reports_an_error_fails_the_part(
    billing, confirmed, officer, client, django_capture_on_commit_callbacks
):
    billing.status, billing.body = 202, {}
    part = start(confirmed, officer, django_capture_on_commit_callbacks)
    callback = sent(billing)[0]["callback_url"].removeprefix("http://127.0.0.1:8000")

    body = json.dumps({"error": "account locked"}).encode()
    assert client.post(callback, body, "application/json", headers=signed(body)).status_code == 200

    part.refresh_from_db()
    assert part.state == "failed"
    assert "account locked" in part.error


@pytest.mark.parametrize(
    ("status", "body", "delay", "state", "error"),
    [
        (500, {"error": "boom"}, 0, "pending", "answered 500"),
        (200, b"<html>not json</html>", 0, "failed", "something other than"),
        (200, {"tables": {"accounts": "many"}}, 0, "failed", "list of objects"),
        (404, {}, 0, "failed", "answered 404"),
        (200, {"tables": {}}, 1.5, "pending", "did not answer in time"),
    ],
)
def test_a_system_that_misbehaves_gets_a_clear_error_and_a_retry_where_it_may_help(
    billing, confirmed, officer, monkeypatch, django_capture_on_commit_callbacks,
    status, body, delay, state, error,
):  # fmt: skip
    monkeypatch.setattr(webhook, "TIMEOUT", 0.5)
    billing.status, billing.body, billing.delay = status, body, delay

    part = start(confirmed, officer, django_capture_on_commit_callbacks)

    assert part.state == state
    assert error in part.error
    assert part.attempts == 1


def test_an_unset_secret_fails_with_the_variables_name(
    billing, confirmed, officer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.delenv("BILLING_WEBHOOK_SECRET")

    part = start(confirmed, officer, django_capture_on_commit_callbacks)

    assert part.state == "failed"
    assert "BILLING_WEBHOOK_SECRET" in part.error
    assert billing.received == []


def test_a_dry_run_tells_the_system_it_is_one(
    billing, confirmed, officer, django_capture_on_commit_callbacks
):
    billing.body = {"tables": {"accounts": 1}}

    part = start(confirmed, officer, django_capture_on_commit_callbacks, "erasure", dry_run=True)

    assert sent(billing)[0]["dry_run"] is True
    assert part.run.dry_run and part.state == "done"
    assert SystemRun.objects.get().dry_run
