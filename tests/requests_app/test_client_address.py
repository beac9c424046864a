"""Whose address a limit counts: REMOTE_ADDR, or behind the configured proxies the client's."""

import secrets

import pytest
from django.test import RequestFactory

from core.clients import client_address
from requests_app import ratelimit
from requests_app.models import PrivacyRequest

PROXY = "10.0.0.2"
NEW_URL = "/requests/new/"
LOST_URL = "/requests/status/"


def unique_ip() -> str:
    """An address of its own (as the database writes it back), untouched by other runs' counts."""
    high, low = (secrets.randbelow(0xFFFF) + 1 for _ in range(2))
    return f"2001:db8::{high:x}:{low:x}"


def unique_email() -> str:
    return f"someone-{secrets.token_hex(4)}@example.org"


def request_from(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **headers)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_address(request_from("198.51.100.7", "203.0.113.5")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.5", "203.0.113.5"),
        # Entries left of the proxy's own come from the client: they change nothing.
        ("198.51.100.99, 203.0.113.5", "203.0.113.5"),
        ("2001:DB8:0::5", "2001:db8::5"),
        (None, PROXY),
        ("", PROXY),
        ("unknown", PROXY),
        ("203.0.113.5, not-an-address", PROXY),
    ],
)
def test_behind_one_proxy_the_address_it_appended_is_the_client(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_address(request_from(PROXY, forwarded)) == expected


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.99, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        ("203.0.113.5, 10.0.0.1", "203.0.113.5"),
        # Shorter than the chain of proxies: the request did not come through all of them.
        ("10.0.0.1", PROXY),
    ],
)
def test_behind_two_proxies_the_address_the_outer_one_saw_is_the_client(
    settings, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_address(request_from(PROXY, forwarded)) == expected


@pytest.mark.django_db
def test_without_trusted_proxies_a_forged_forwarded_header_does_not_open_a_new_bucket(
    client, filing, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.INTAKE_RATE_LIMIT = 5
    address = unique_ip()
    for n in range(5):
        response = client.post(
            NEW_URL,
            {**filing, "details": f"n{n}"},
            REMOTE_ADDR=address,
            HTTP_X_FORWARDED_FOR=unique_ip(),
        )
        assert response.status_code == 302

    response = client.post(
        NEW_URL, {**filing, "details": "n6"}, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=unique_ip()
    )

    assert response.status_code == 429
    assert set(PrivacyRequest.objects.values_list("ip_address", flat=True)) == {address}


@pytest.mark.django_db
def test_behind_the_proxy_each_client_files_in_its_own_bucket(client, filing, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.INTAKE_RATE_LIMIT = 5
    first, second = unique_ip(), unique_ip()
    for n in range(5):
        response = client.post(
            NEW_URL, {**filing, "details": f"n{n}"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=first
        )
        assert response.status_code == 302

    spoofed = client.post(
        NEW_URL,
        {**filing, "details": "spoofed"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{unique_ip()}, {first}",
    )
    other = client.post(
        NEW_URL, {**filing, "details": "other"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=second
    )

    assert spoofed.status_code == 429
    assert other.status_code == 302
    stored = list(PrivacyRequest.objects.values_list("ip_address", flat=True))
    assert sorted(stored) == sorted([first] * 5 + [second])


@pytest.mark.django_db
def test_one_client_asking_for_links_to_many_addresses_is_limited(client, settings, monkeypatch):
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(ratelimit, "LOST_LINK_CLIENT_LIMIT", 3)
    first, second = unique_ip(), unique_ip()
    for _ in range(3):
        response = client.post(
            LOST_URL, {"email": unique_email()}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=first
        )
        assert response.status_code == 200

    refused = client.post(
        LOST_URL, {"email": unique_email()}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=first
    )
    other = client.post(
        LOST_URL, {"email": unique_email()}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=second
    )

    assert refused.status_code == 429
    assert other.status_code == 200
