"""The public intake by JSON: the form's fields and rules, its rate limit, its e-mail."""

import secrets

import pytest
from django.utils import translation

from requests_app.forms import IntakeForm
from requests_app.models import OutboxEmail, PrivacyRequest, RequestEvent, Status
from tests.helpers import API_REQUESTS, VALID_FILING, last_email, link_in

FILING = {**VALID_FILING, "consent": True}


def unique_ip() -> str:
    """An address of its own, so that counts left in a shared cache by other runs don't matter."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


def post(client, body, **extra):
    return client.post(API_REQUESTS, body, content_type="application/json", **extra)


def required_message(field: str) -> str:
    return str(IntakeForm.base_fields[field].error_messages["required"])


@pytest.mark.django_db
def test_a_filing_answers_201_with_the_reference_and_nothing_else(client):
    response = post(client, FILING, REMOTE_ADDR="198.51.100.7", HTTP_ACCEPT_LANGUAGE="fr")

    request = PrivacyRequest.objects.get()
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"reference": request.reference}
    assert request.reference.startswith("DSR-")
    assert (request.full_name, request.email, request.country.code) == (
        "Erika Mustermann",
        "erika@example.de",
        "DE",
    )
    assert request.status == Status.UNCONFIRMED
    assert request.ip_address == "198.51.100.7"
    assert request.language == "fr"
    assert list(request.events.values_list("kind", flat=True)) == [RequestEvent.Kind.FILED]


@pytest.mark.django_db
def test_a_request_filed_by_api_is_confirmed_through_the_link_in_its_email(client):
    reference = post(client, FILING).json()["reference"]

    email = last_email("confirm_address")
    token = link_in(email, "verify")
    response = client.post(f"/requests/verify/{token}/")

    request = PrivacyRequest.objects.get(reference=reference)
    assert email.request == request
    assert email.to == "erika@example.de"
    assert response.status_code == 302
    assert response["Location"].startswith("/requests/status/")
    assert request.status == Status.NEW
    assert request.email_confirmed_at is not None


@pytest.mark.django_db
def test_an_empty_filing_names_every_required_field_with_the_forms_message(client):
    response = post(client, {})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "about:blank"
    assert (problem["title"], problem["status"]) == ("Bad Request", 400)
    assert "errors" in problem["detail"]
    fields = ["request_type", "full_name", "email", "country", "details", "consent"]
    assert problem["errors"] == {field: [required_message(field)] for field in fields}
    assert not PrivacyRequest.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("request_type", "complain", "Choose one of the listed kinds of request."),
        ("full_name", "x" * 201, "Your name can have at most 200 characters."),
        ("full_name", "\u200b\u200b", "Enter your full name."),
        ("email", "erika.example.de", "Enter an e-mail address such as name@example.com."),
        ("country", "XX", "Choose a country from the list."),
        ("details", "x" * 5001, "Your request can have at most 5,000 characters."),
        ("consent", False, "Please agree so that we can handle your request."),
        ("full_name", 42, "Give this as a JSON string."),
        ("details", ["a", "list"], "Give this as a JSON string."),
        ("consent", "yes", "Give this as true or false."),
    ],
)
@pytest.mark.django_db
def test_a_bad_field_is_named_alone_with_its_message(client, field, value, message):
    response = post(client, {**FILING, field: value})

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert not PrivacyRequest.objects.exists()


@pytest.mark.django_db
def test_the_messages_come_in_the_language_of_accept_language(client):
    response = post(client, {**FILING, "full_name": ""}, HTTP_ACCEPT_LANGUAGE="de")

    with translation.override("de"):
        german = required_message("full_name")
    assert german != "Enter your full name."
    assert response.json()["errors"] == {"full_name": [german]}
    assert response["Content-Language"] == "de"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ('["a", "list"]', "application/json", 400),
        ("{not json", "application/json", 400),
        ("full_name=Erika", "application/x-www-form-urlencoded", 415),
    ],
)
@pytest.mark.django_db
def test_a_body_that_is_no_json_object_is_a_problem_too(client, body, content_type, status):
    response = client.post(API_REQUESTS, body, content_type=content_type)

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == status
    assert response.json()["detail"]
    assert not PrivacyRequest.objects.exists()


@pytest.mark.django_db
def test_the_same_form_token_posted_twice_files_once(client):
    body = {**FILING, "form_token": "my-own-key-123"}

    first = post(client, body)
    second = post(client, body)

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert PrivacyRequest.objects.count() == 1
    assert OutboxEmail.objects.filter(kind="confirm_address").count() == 1


@pytest.mark.django_db
def test_a_stray_authorization_header_does_not_stop_a_filing(client):
    response = post(client, FILING, HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 201


@pytest.mark.django_db
def test_the_intakes_rate_limit_answers_429_with_retry_after(client, settings):
    settings.INTAKE_RATE_LIMIT = 2
    address, other = unique_ip(), unique_ip()
    for n in range(2):
        assert post(client, {**FILING, "details": f"n{n}"}, REMOTE_ADDR=address).status_code == 201

    response = post(client, {**FILING, "details": "n3"}, REMOTE_ADDR=address)

    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Too Many Requests"
    assert 0 < int(response["Retry-After"]) <= 600
    assert PrivacyRequest.objects.count() == 2
    assert post(client, {**FILING, "details": "n4"}, REMOTE_ADDR=other).status_code == 201


@pytest.mark.django_db
def test_the_form_page_and_the_api_share_one_count_per_address(client, settings):
    settings.INTAKE_RATE_LIMIT = 1
    address = unique_ip()
    page = client.post("/requests/new/", VALID_FILING, REMOTE_ADDR=address)

    response = post(client, {**FILING, "details": "again"}, REMOTE_ADDR=address)

    assert page.status_code == 302
    assert response.status_code == 429
