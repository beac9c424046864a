"""Requester messages: limited per request and per client; the officer is told once in a while."""

import secrets
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from requests_app import ratelimit, services
from requests_app.models import AccessLink, Message, OutboxEmail, RequestEvent
from tests.helpers import file_request, run_at_once

PROXY = "10.0.0.2"


@pytest.fixture
def fresh_counts():
    """Request ids start again with each test database: so would their counts in the cache."""
    cache.clear()
    yield
    cache.clear()


def post(client, token: str, body: str, **headers: str):
    return client.post(f"/requests/status/{token}/messages/", {"body": body}, **headers)


def officer_notices() -> int:
    return OutboxEmail.objects.filter(kind="officer_message").count()


def confirmed_request_token() -> str:
    request = file_request(details=f"request {secrets.token_hex(4)}")
    request._confirm_email()
    return AccessLink.issue(request, AccessLink.Purpose.STATUS)


@pytest.mark.django_db
def test_a_message_over_the_limit_is_refused_by_the_field_and_nothing_is_stored(
    client, status_token, settings, fresh_counts
):
    settings.MESSAGE_RATE_LIMIT = 3
    for n in range(3):
        assert post(client, status_token, f"message {n}").status_code == 302

    response = post(client, status_token, "one too many")

    assert response.status_code == 429
    page = response.content.decode()
    assert 'id="id_body_error"' in page
    assert "several messages in a short time" in page
    assert "one too many" in page  # what was typed is not lost
    assert Message.objects.count() == 3
    assert RequestEvent.objects.filter(kind=RequestEvent.Kind.MESSAGE_FROM_REQUESTER).count() == 3


@pytest.mark.django_db
def test_a_fresh_link_to_the_same_request_does_not_start_a_new_count(
    client, status_token, settings, fresh_counts
):
    settings.MESSAGE_RATE_LIMIT = 2
    for n in range(2):
        post(client, status_token, f"message {n}")
    fresh_token = AccessLink.issue(Message.objects.first().request, AccessLink.Purpose.STATUS)

    response = post(client, fresh_token, "through another link")

    assert response.status_code == 429
    assert Message.objects.count() == 2


@pytest.mark.django_db
def test_one_client_writing_on_many_requests_is_limited(
    client, settings, monkeypatch, fresh_counts
):
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(ratelimit, "MESSAGE_CLIENT_LIMIT", 2)
    tokens = [confirmed_request_token() for _ in range(3)]
    writer = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    for token in tokens[:2]:
        assert post(client, token, "hello", **writer).status_code == 302

    refused = post(client, tokens[2], "hello", **writer)
    other = post(client, tokens[2], "hello", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6")

    assert refused.status_code == 429
    assert other.status_code == 302
    assert Message.objects.count() == 3


@pytest.mark.django_db
def test_many_messages_in_a_while_tell_the_officer_once(client, status_token, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for n in range(5):
        post(client, status_token, f"message {n}")

    assert Message.objects.count() == 5
    assert officer_notices() == 1


@pytest.mark.django_db
def test_the_officer_hears_of_new_messages_again_after_the_quiet_minutes(
    client, status_token, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    post(client, status_token, "first")

    time_machine.shift(timedelta(minutes=14, seconds=59))
    post(client, status_token, "second")
    assert officer_notices() == 1

    time_machine.shift(timedelta(seconds=1))
    post(client, status_token, "third")
    assert officer_notices() == 2


@pytest.mark.django_db(transaction=True)
def test_messages_posted_at_once_by_several_processes_tell_the_officer_once():
    request = file_request()
    request._confirm_email()

    run_at_once(
        [lambda n=n: services.post_requester_message(request, f"message {n}") for n in range(6)]
    )

    assert Message.objects.count() == 6
    assert officer_notices() == 1
