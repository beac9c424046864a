"""CORS: an organisation's own site may post filings from the browser, when it is listed in
API_CORS_ORIGINS; nothing else of the portal answers another origin."""

import pytest
from django.contrib.auth.models import Permission

from tests.helpers import API_REQUESTS, VALID_FILING, api_token, bearer, staff_member

SHOP = "https://shop.example.org"
ALLOW_ORIGIN = "Access-Control-Allow-Origin"


@pytest.fixture(autouse=True)
def listed_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [SHOP]


def file_from(client, origin: str):
    return client.post(
        API_REQUESTS,
        {**VALID_FILING, "consent": True},
        content_type="application/json",
        HTTP_ORIGIN=origin,
    )


def preflight(client, origin: str, method: str, path: str = API_REQUESTS):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )


@pytest.mark.django_db
def test_a_listed_origin_may_post_a_filing(client):
    asked = preflight(client, SHOP, "POST")
    filed = file_from(client, SHOP)

    assert asked.status_code == 200
    assert asked[ALLOW_ORIGIN] == SHOP
    assert asked["Access-Control-Allow-Methods"] == "POST"
    assert "content-type" in asked["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in asked
    assert filed.status_code == 201
    assert filed[ALLOW_ORIGIN] == SHOP
    assert "Retry-After" in filed["Access-Control-Expose-Headers"]


@pytest.mark.django_db
def test_another_origin_gets_no_cors_header(client):
    asked = preflight(client, "https://evil.example", "POST")
    filed = file_from(client, "https://evil.example")

    assert ALLOW_ORIGIN not in asked
    assert ALLOW_ORIGIN not in filed


@pytest.mark.django_db
def test_no_origin_is_allowed_by_default(client, settings):
    settings.CORS_ALLOWED_ORIGINS = settings.API_CORS_ORIGINS

    assert settings.API_CORS_ORIGINS == []
    assert ALLOW_ORIGIN not in file_from(client, SHOP)


@pytest.mark.django_db
def test_the_staff_list_answers_no_origin_even_a_listed_one(client):
    view = Permission.objects.get(codename="view_privacyrequest")
    token = api_token(staff_member("viewer", [view]))

    asked = preflight(client, SHOP, "GET")
    listed = client.get(API_REQUESTS, HTTP_ORIGIN=SHOP, **bearer(token))

    assert ALLOW_ORIGIN not in asked
    assert listed.status_code == 200
    assert ALLOW_ORIGIN not in listed


OTHER_PATHS = [f"{API_REQUESTS}DSR-2026-000001/", "/api/schema/", "/requests/new/"]


@pytest.mark.parametrize("path", OTHER_PATHS)
@pytest.mark.django_db
def test_no_other_path_answers_another_origin(client, path):
    assert ALLOW_ORIGIN not in preflight(client, SHOP, "POST", path)
