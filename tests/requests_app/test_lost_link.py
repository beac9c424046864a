import importlib
import re
import secrets

import pytest
from django.apps import apps as django_apps

from requests_app import addresses, outbox, services
from requests_app.models import AccessLink, OutboxEmail, PrivacyRequest, RequestEvent
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
def test_lost_link_emails_go_out_through_a_task_that_gets_no_address(
    client, unconfirmed, monkeypatch
):
    queued = []
    monkeypatch.setattr(
        "requests_app.services.send_lost_links_later.delay",
        lambda *args, **kwargs: queued.append((args, kwargs)),
    )

    client.post(LOST_URL, {"email": "Erika@Example.de"})

    assert queued == [((addresses.key("erika@example.de"),), {})]
    assert "erika" not in repr(queued).lower()
    assert OutboxEmail.objects.filter(kind="lost_links").count() == 0


@pytest.mark.django_db
def test_the_lost_link_task_returns_nothing_that_tells_a_known_address(unconfirmed):
    known = services.send_lost_links_later.apply(args=[addresses.key("erika@example.de")])
    unknown = services.send_lost_links_later.apply(args=[addresses.key("nobody@example.org")])

    assert known.result is None
    assert unknown.result is None
    assert OutboxEmail.objects.filter(kind="lost_links").count() == 1


def spellings(address: str) -> list[str]:
    """Ways to type one address that its normal form (NFKC, case folded) makes the same."""
    return [
        address,
        address.upper(),
        address.title(),
        address.replace("s", "\N{LATIN SMALL LETTER LONG S}"),
        address.replace("k", "\N{KELVIN SIGN}"),
        address.upper().replace("S", "\N{LATIN SMALL LETTER LONG S}"),
    ]


@pytest.mark.django_db
def test_spellings_of_one_address_share_one_lost_link_limit(client, settings):
    settings.LOST_LINK_RATE_LIMIT = 3
    address = f"erika.sommer.{secrets.token_hex(4)}@example.de"
    file_request(email=address)

    answers = [
        client.post(LOST_URL, {"email": spelling}).status_code for spelling in spellings(address)
    ]

    assert answers == [200, 200, 200, 429, 429, 429]
    assert OutboxEmail.objects.filter(kind="lost_links").count() == 3


@pytest.mark.django_db
def test_a_dotless_i_is_another_address_for_the_limit_and_the_lookup_alike(client, settings):
    settings.LOST_LINK_RATE_LIMIT = 1
    address = f"erika.{secrets.token_hex(4)}@example.de"
    file_request(email=address)
    assert client.post(LOST_URL, {"email": address}).status_code == 200
    assert client.post(LOST_URL, {"email": address.upper()}).status_code == 429

    response = client.post(
        LOST_URL, {"email": address.replace("i", "\N{LATIN SMALL LETTER DOTLESS I}")}
    )

    # Its own count, and none of Erika's requests: she gets no more e-mails than her limit.
    assert response.status_code == 200
    assert OutboxEmail.objects.filter(kind="lost_links").count() == 1


@pytest.mark.django_db
def test_the_lookup_finds_the_requests_of_every_spelling_and_no_others():
    address = "erika.sommer@example.de"
    filed = [
        file_request(email=spelling, details=f"filed as {spelling}")
        for spelling in spellings(address)
    ]
    others = [
        file_request(email="erıka.sommer@example.de", details="dotless i"),
        file_request(email="erika.sommer@example.com", details="another domain"),
    ]

    found = services.send_lost_links(addresses.key("ERIKA.ſOMMER@example.de"))

    assert found == len(filed)
    text = outbox.render(OutboxEmail.objects.get(kind="lost_links")).text
    assert all(request.reference in text for request in filed)
    assert not any(request.reference in text for request in others)


@pytest.mark.django_db
def test_the_migration_gives_every_stored_address_its_key_batch_by_batch(monkeypatch):
    migration = importlib.import_module("requests_app.migrations.0011_email_key")
    monkeypatch.setattr(migration, "BATCH", 2)
    for n in range(5):
        file_request(email=f"Person{n}@Example.org", details=f"request {n}")
    PrivacyRequest.objects.update(email_key="")

    migration.fill_email_keys(django_apps, None)

    stored = PrivacyRequest.objects.values_list("email", "email_key")
    assert sorted(stored) == [
        (f"Person{n}@Example.org", addresses.key(f"person{n}@example.org")) for n in range(5)
    ]
