"""Outbound webhooks: events written with the change, signed, delivered once, retried."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from disputes_app import services as disputes
from requests_app import reminders, services, webhooks
from requests_app.models import (
    RefusalReason,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from tests.helpers import RecordingServer, file_request, member_of, run_at_once


@pytest.fixture
def receiver():
    server = RecordingServer()
    yield server
    server.close()


@pytest.fixture
def endpoint(db, receiver):
    return WebhookEndpoint.objects.create(url=receiver.url, events=list(WebhookEvent.values))


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user("officer", is_staff=True)


def delivered(receiver, endpoint) -> list[dict]:
    """The bodies the receiver got, each signature verified by the library."""
    return [Webhook(endpoint.secret).verify(body, headers) for headers, body in receiver.received]


def test_a_filing_is_delivered_signed_and_without_personal_data(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = file_request(email="ada@example.org", full_name="Ada Lovelace")

    (event,) = delivered(receiver, endpoint)
    assert event["type"] == "request.filed"
    assert event["data"]["reference"] == request.reference
    assert event["data"]["due_on"] == request.due_on.isoformat()
    assert "ada@example.org" not in json.dumps(event) and "Lovelace" not in json.dumps(event)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)
    headers, _body = receiver.received[0]
    assert headers["webhook-id"] == delivery.message_id


def test_a_dead_endpoint_never_slows_a_filing(endpoint, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the filing itself must not call out")

    monkeypatch.setattr(webhooks.httpx, "post", no_network)

    file_request()  # its transaction's after-commit work is what hands the delivery over

    assert WebhookDelivery.objects.get().state == "pending"


def test_each_use_case_tells_the_endpoints_that_want_it(
    endpoint, officer, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(webhooks, "hand_out", lambda ids: None)
    request = file_request()
    link = request.links.get(purpose="verify")
    services.confirm_email(link)
    request.refresh_from_db()
    request.start(officer)
    services.refuse(request, RefusalReason.NO_DATA, "We hold nothing.", officer)
    request.refresh_from_db()
    dispute, _created = disputes.escalate(request, "You do hold my data.")
    disputes.decide(dispute, "not_upheld", officer)
    dispute.close(officer)
    answered = file_request(email="another@example.org")
    answered._confirm_email()
    answered.start(officer)
    services.answer(answered, "Here is your data.", officer, open_tasks_reason="None hold any.")

    told = list(WebhookDelivery.objects.order_by("pk").values_list("event", "payload"))

    assert [event for event, _payload in told] == [
        "request.filed",
        "request.confirmed",
        "request.refused",
        "request.escalated",
        "dispute.closed",
        "request.filed",
        "request.answered",
    ]
    closed = told[4][1]["data"]
    assert (closed["reference"], closed["outcome"]) == (request.reference, "not_upheld")


def test_the_officers_reminders_tell_of_due_and_overdue_answers(endpoint, officer):
    request = file_request()
    request._confirm_email()
    WebhookDelivery.objects.all().delete()

    for day in range(60):  # the beat's sweep, day after day
        reminders.sweep_all(timezone.now() + timedelta(days=day))

    events = set(WebhookDelivery.objects.values_list("event", flat=True))
    assert {"request.due_soon", "request.overdue"} <= events


def test_an_endpoint_hears_only_the_events_it_chose(db, receiver):
    WebhookEndpoint.objects.create(url=receiver.url, events=["request.answered"])
    WebhookEndpoint.objects.create(url=receiver.url, events=["request.filed"], active=False)

    file_request()

    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize(
    ("status", "delay", "error"),
    [(500, 0, '{"error": "boom"}'), (200, 1.5, "timed out")],
)
def test_a_failing_endpoint_is_tried_again_with_backoff(
    endpoint, receiver, monkeypatch, status, delay, error
):
    monkeypatch.setattr(webhooks, "TIMEOUT", 0.5)
    receiver.status, receiver.delay, receiver.body = status, delay, {"error": "boom"}
    delivery = webhooks.send_test(endpoint)
    webhooks.deliver(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert error in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()

    receiver.status, receiver.delay = 200, 0
    assert webhooks.sweep() == []
    assert webhooks.sweep(timezone.now() + timedelta(minutes=1)) == [delivery.pk]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    webhooks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 2)


def test_an_endpoint_that_keeps_failing_is_given_up(endpoint, receiver):
    receiver.status = 503
    delivery = webhooks.send_test(endpoint)
    for _attempt in range(webhooks.MAX_ATTEMPTS):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        webhooks.deliver(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.response_status) == ("failed", 503)
    assert not webhooks.deliver(delivery.pk)


@pytest.mark.django_db(transaction=True)
def test_two_racing_workers_deliver_an_event_once(receiver, monkeypatch):
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, events=["request.filed"])
    receiver.delay = 0.3
    monkeypatch.setattr(webhooks, "hand_out", lambda ids: None)  # both workers get it below
    delivery = webhooks.send_test(endpoint)

    results = run_at_once([lambda: webhooks.deliver(delivery.pk)] * 2)

    assert sorted(results) == [False, True]
    assert len(receiver.received) == 1


def test_the_officer_sends_a_test_event_and_reads_the_log(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    client = member_of("Privacy officers")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/requests_app/webhookendpoint/",
            {"action": "send_test_event", "_selected_action": [endpoint.pk]},
        )

    assert delivered(receiver, endpoint)[0]["type"] == "test"
    page = client.get(f"/admin/requests_app/webhookendpoint/{endpoint.pk}/change/")
    assert endpoint.secret in page.content.decode()
    assert "delivered" in page.content.decode()
