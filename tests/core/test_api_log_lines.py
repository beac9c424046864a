"""Each staff call is logged with its user, as the admin's pages are; no API token or
Authorization header reaches a log."""

from __future__ import annotations

import io
import json
from unittest import mock

import pytest
from django.contrib.auth.models import Permission

from requests_app.api.views import RequestCollection
from tests.helpers import (
    API_REQUESTS,
    VALID_FILING,
    api_token,
    bearer,
    staff_member,
)


def request_lines(console_log: io.StringIO) -> list[dict]:
    lines = [json.loads(line) for line in console_log.getvalue().splitlines()]
    return [line for line in lines if line["logger"] == "privacyportal.request"]


@pytest.fixture
def token(db) -> str:
    view = Permission.objects.get(codename="view_privacyrequest")
    return api_token(staff_member("viewer", [view]))


@pytest.mark.django_db
def test_a_staff_call_is_logged_with_its_user_and_without_its_token(client, token, console_log):
    client.get(f"{API_REQUESTS}?status=new", **bearer(token))

    [line] = request_lines(console_log)
    assert (line["method"], line["path"], line["status"]) == ("GET", API_REQUESTS, 200)
    assert line["user"] == "viewer"
    assert token not in console_log.getvalue()


@pytest.mark.django_db
def test_a_refused_token_is_logged_without_a_user_or_the_token(client, console_log):
    wrong = "pp_" + "Wrong" * 8 + "abc"

    client.get(API_REQUESTS, HTTP_AUTHORIZATION=f"Bearer {wrong}")

    [line] = request_lines(console_log)
    assert line["status"] == 401
    assert "user" not in line
    assert wrong not in console_log.getvalue()


@pytest.mark.django_db
def test_a_filing_by_api_is_logged_without_a_user(client, console_log):
    client.post(API_REQUESTS, {**VALID_FILING, "consent": True}, content_type="application/json")

    [line] = request_lines(console_log)
    assert (line["method"], line["status"]) == ("POST", 201)
    assert "user" not in line


@pytest.mark.django_db
def test_an_error_in_a_staff_call_is_a_problem_and_its_logs_hold_no_token(
    client, token, console_log, error_hook
):
    client.raise_request_exception = False
    failing = ValueError(f"could not list for Authorization: Bearer {token}")

    with mock.patch.object(RequestCollection, "get", side_effect=failing):
        response = client.get(API_REQUESTS, **bearer(token))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Internal Server Error"
    logged = [json.loads(line) for line in console_log.getvalue().splitlines()]
    [error] = [line for line in logged if line["logger"] == "django.request"]
    assert error["exception"].endswith("ValueError: could not list for Authorization: …")
    assert token not in console_log.getvalue()
    assert error_hook
    for record in error_hook:
        assert token not in record.getMessage() + repr(vars(record)) + str(record.exc_text)
