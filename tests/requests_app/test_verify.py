from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from requests_app import outbox
from requests_app.models import AccessLink, RequestEvent, Status
from tests.helpers import last_email, link_in


def verify_url(token: str) -> str:
    return f"/requests/verify/{token}/"


@pytest.mark.django_db
def test_opening_the_link_shows_a_button_and_changes_nothing(client, unconfirmed, verify_token):
    response = client.get(verify_url(verify_token))

    unconfirmed.refresh_from_db()
    assert response.status_code == 200
    assert '<button type="submit">' in response.content.decode()
    assert unconfirmed.status == Status.UNCONFIRMED
    assert AccessLink.objects.get(purpose="verify").used_at is None


@pytest.mark.django_db
def test_pressing_the_button_confirms_and_leads_to_the_status_page(
    client, unconfirmed, verify_token
):
    response = client.post(verify_url(verify_token))

    unconfirmed.refresh_from_db()
    assert unconfirmed.status == Status.NEW
    assert unconfirmed.email_confirmed_at is not None
    assert response.status_code == 302
    assert response["Location"].startswith("/requests/status/")
    assert client.get(response["Location"]).status_code == 200
    kinds = list(unconfirmed.events.values_list("kind", flat=True))
    assert kinds == [RequestEvent.Kind.FILED, RequestEvent.Kind.EMAIL_CONFIRMED]


@pytest.mark.django_db
def test_confirming_sends_an_acknowledgement_with_the_status_link(
    client, unconfirmed, verify_token
):
    client.post(verify_url(verify_token))

    acknowledgement = last_email("acknowledgement")
    token = link_in(acknowledgement, "status")
    assert unconfirmed.reference in outbox.render(acknowledgement).subject
    assert client.get(f"/requests/status/{token}/").status_code == 200


@pytest.mark.django_db
def test_confirming_does_not_move_the_due_date(client, unconfirmed, verify_token):
    due_on = unconfirmed.due_on
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        client.post(verify_url(verify_token))

    unconfirmed.refresh_from_db()
    assert unconfirmed.due_on == due_on


@pytest.mark.django_db
def test_a_link_works_once(client, unconfirmed, verify_token):
    client.post(verify_url(verify_token))

    again = client.post(verify_url(verify_token))

    assert again.status_code == 410
    assert "was used already" in again.content.decode()
    assert 'href="/requests/status/"' in again.content.decode()
    assert unconfirmed.events.filter(kind=RequestEvent.Kind.EMAIL_CONFIRMED).count() == 1


@pytest.mark.django_db
def test_an_expired_link_explains_and_offers_a_fresh_one(client, unconfirmed, verify_token):
    with time_machine.travel(timezone.now() + timedelta(hours=72, minutes=1)):
        shown = client.get(verify_url(verify_token))
        pressed = client.post(verify_url(verify_token))

    unconfirmed.refresh_from_db()
    assert shown.status_code == pressed.status_code == 410
    assert "has expired" in shown.content.decode()
    assert 'href="/requests/status/"' in shown.content.decode()
    assert unconfirmed.status == Status.UNCONFIRMED


@pytest.mark.django_db
def test_a_link_still_works_just_before_it_expires(client, unconfirmed, verify_token):
    with time_machine.travel(timezone.now() + timedelta(hours=71, minutes=59)):
        client.post(verify_url(verify_token))

    unconfirmed.refresh_from_db()
    assert unconfirmed.status == Status.NEW


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["x" * 43, "too-short"])
def test_an_unknown_link_is_not_found(client, unconfirmed, token):
    assert client.get(verify_url(token)).status_code == 404
    assert client.post(verify_url(token)).status_code == 404


@pytest.mark.django_db
def test_a_tampered_link_is_not_found(client, unconfirmed, verify_token):
    tampered = verify_token[:-1] + ("A" if verify_token[-1] != "A" else "B")

    assert client.post(verify_url(tampered)).status_code == 404


@pytest.mark.django_db
def test_only_the_hash_of_a_token_is_stored(unconfirmed, verify_token):
    stored = AccessLink.objects.values_list("token_hash", flat=True).get()

    assert verify_token not in stored
    assert len(verify_token) >= 22  # 128 bits in base64
    assert len(stored) == 64


@pytest.mark.django_db
def test_confirmation_page_is_private(client, verify_token):
    response = client.get(verify_url(verify_token))

    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
