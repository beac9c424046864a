import re
import secrets

import pytest

from requests_app import outbox
from requests_app.models import AccessLink, OutboxEmail, RequestEvent
from tests.helpers import file_request, link_in

LOST_URL = "/requests/status/"


def unique_address() -> str:
    """An address of its own, so that counts left in a shared cache by other runs don't matter."""
    return f"someone-{secrets.token_hex(4)}@example.org"


@pytest.mark.django_db
def test_known_and_unknown_addresses_get_the_same_answer(client, unconfirmed):
    known = client.post(LOST_URL, {"email": "erika@example.de"})
    unknown = client.post(LOST_URL, {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 200
    # The only difference allowed: the per-render CSRF token of the language switcher.
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", known.content) == token.sub(b"", unknown.content)


@pytest.mark.django_db
def test_unknown_address_gets_no_email(client):
    client.post(LOST_URL, {"email": "nobody@example.org"})

    assert OutboxEmail.objects.count() == 0


@pytest.mark.django_db
def test_unconfirmed_request_gets_a_fresh_confirmation_link(client, unconfirmed):
    client.post(LOST_URL, {"email": "ERIKA@example.de"})

    email = OutboxEmail.objects.get(kind="lost_links")
    token = link_in(email, "verify")
    assert email.to == "erika@example.de"
    assert client.post(f"/requests/verify/{token}/").status_code == 302
    assert unconfirmed.events.filter(kind=RequestEvent.Kind.LINKS_SENT).count() == 1


@pytest.mark.django_db
def test_confirmed_request_gets_a_fresh_status_link(client, status_token):
    client.post(LOST_URL, {"email": "erika@example.de"})

    token = link_in(OutboxEmail.objects.get(kind="lost_links"), "status")
    assert token != status_token
    assert client.get(f"/requests/status/{token}/").status_code == 200
    assert client.get(f"/requests/status/{status_token}/").status_code == 200


@pytest.mark.django_db
def test_every_request_of_the_address_gets_a_link_in_one_email(client):
    first = file_request()
    second = file_request(request_type="deletion", details="Delete my account.")

    client.post(LOST_URL, {"email": "erika@example.de"})

    email = OutboxEmail.objects.get(kind="lost_links")
    text = outbox.render(email).text
    assert first.reference in text and second.reference in text
    assert AccessLink.objects.filter(purpose="verify").count() == 4


@pytest.mark.django_db
def test_bad_address_is_refused_by_the_field(client):
    response = client.post(LOST_URL, {"email": "not an address"})

    assert 'id="id_email_error"' in response.content.decode()
    assert OutboxEmail.objects.count() == 0


@pytest.mark.django_db
def test_fourth_request_for_one_address_in_an_hour_is_refused_politely(client, settings):
    settings.LOST_LINK_RATE_LIMIT = 3
    address = unique_address()
    for _ in range(3):
        assert client.post(LOST_URL, {"email": address}).status_code == 200

    response = client.post(LOST_URL, {"email": address.upper()})

    assert response.status_code == 429
    assert client.post(LOST_URL, {"email": unique_address()}).status_code == 200


@pytest.mark.django_db
def test_lost_link_emails_go_out_through_a_task(client, unconfirmed, monkeypatch):
    queued = []
    monkeypatch.setattr(
        "requests_app.tasks.send_lost_links.delay", lambda address: queued.append(address)
    )

    client.post(LOST_URL, {"email": "Erika@Example.de"})

    assert queued == ["erika@example.de"]
    assert OutboxEmail.objects.filter(kind="lost_links").count() == 0
