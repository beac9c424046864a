import re
import secrets
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from requests_app import outbox
from requests_app.models import (
    OutboxEmail,
    PrivacyRequest,
    ReferenceCounter,
    RequestEvent,
    Status,
)

NEW_URL = "/requests/new/"


def unique_ip() -> str:
    """An address of its own, so that counts left in a shared cache by other runs don't matter."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


def post(client, data, **extra):
    return client.post(NEW_URL, data, **extra)


@pytest.mark.django_db
def test_form_offers_every_request_type_and_iso_countries(client):
    page = client.get(NEW_URL).content.decode()
    for value in [
        "access",
        "correction",
        "deletion",
        "portability",
        "restriction",
        "objection",
        "complaint",
        "question",
    ]:
        assert f'name="request_type" value="{value}"' in page
    for code in ["DE", "CH", "FR", "GB", "US", "IS"]:
        assert f'<option value="{code}"' in page
    for name in ["full_name", "email", "details", "consent"]:
        assert f'name="{name}"' in page


@pytest.mark.django_db
def test_the_country_select_keeps_the_choice_names_countries_in_the_readers_language(
    client, filing
):
    response = post(client, {**filing, "country": "CH", "email": ""}, HTTP_ACCEPT_LANGUAGE="de")

    page = response.content.decode()

    select = re.search(r'<select name="country"([^>]*)>(.*?)</select>', page, re.S)
    attributes, options = select.groups()
    assert 'id="id_country"' in attributes
    assert "required" in attributes
    assert 'aria-describedby="id_country_helptext"' in attributes
    assert '<option value="">Land auswählen</option>' in options
    assert '<option value="CH" selected>Schweiz</option>' in options
    assert options.count(" selected") == 1
    assert '<option value="DE">Deutschland</option>' in options
    assert len(re.findall(r"<option ", options)) == 250  # ISO 3166-1 and the empty choice


@pytest.mark.django_db
def test_valid_filing_stores_request_event_and_confirmation_email(client, filing):
    response = post(client, filing, REMOTE_ADDR="198.51.100.7")

    request = PrivacyRequest.objects.get()
    assert response.status_code == 302
    assert request.status == Status.UNCONFIRMED
    assert request.ip_address == "198.51.100.7"
    assert request.full_name == "Erika Mustermann"
    assert list(request.events.values_list("kind", flat=True)) == [RequestEvent.Kind.FILED]
    email = OutboxEmail.objects.get()
    assert email.kind == "confirm_address"
    assert email.to == "erika@example.de"
    rendered = outbox.render(email)
    assert request.reference in rendered.subject
    assert "http://127.0.0.1:8000/requests/verify/" in rendered.text


@pytest.mark.django_db
def test_success_page_shows_reference_and_says_check_email(client, filing):
    response = post(client, filing, follow=True)

    request = PrivacyRequest.objects.get()
    page = response.content.decode()
    assert request.reference in page
    assert "Check your e-mail" in page


@pytest.mark.django_db
def test_success_page_refuses_a_forged_reference(client):
    assert client.get(reverse("requests:filed") + "?r=DSR-2026-000001").status_code == 404


@pytest.mark.django_db
def test_confirmation_email_is_sent_after_commit(
    client, filing, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, filing)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert PrivacyRequest.objects.get().reference in message.subject
    assert message.to == ["erika@example.de"]
    assert OutboxEmail.objects.get().state == OutboxEmail.State.SENT


@pytest.mark.django_db
def test_references_count_up_within_the_year(client, filing):
    with time_machine.travel("2026-03-02 10:00Z"):
        for n in range(3):
            post(client, {**filing, "details": f"request {n}"})

    references = sorted(PrivacyRequest.objects.values_list("reference", flat=True))
    assert references == ["DSR-2026-000001", "DSR-2026-000002", "DSR-2026-000003"]


@pytest.mark.django_db
def test_references_start_again_in_a_new_year(client, filing):
    with time_machine.travel("2026-12-31 12:00Z"):
        post(client, filing)
    with time_machine.travel("2027-01-01 12:00Z"):
        post(client, {**filing, "details": "another one"})

    references = sorted(PrivacyRequest.objects.values_list("reference", flat=True))
    assert references == ["DSR-2026-000001", "DSR-2027-000001"]


@pytest.mark.django_db
def test_the_year_of_the_reference_is_the_organisations_calendar_year(client, filing, settings):
    settings.ORGANISATION_TIME_ZONE = "Europe/Zurich"
    with time_machine.travel("2026-12-31 23:30Z"):  # already 1 January in Zurich
        post(client, filing)

    assert PrivacyRequest.objects.get().reference == "DSR-2027-000001"


@pytest.mark.django_db
def test_the_millionth_filing_of_a_year_gets_a_seven_digit_number(client, filing):
    ReferenceCounter.objects.create(year=2026, last=999_998)
    with time_machine.travel("2026-03-02 10:00Z"):
        for n in range(2):
            post(client, {**filing, "details": f"request {n}"})

    references = list(PrivacyRequest.objects.order_by("pk").values_list("reference", flat=True))
    assert references == ["DSR-2026-999999", "DSR-2026-1000000"]


@pytest.mark.django_db
def test_due_date_and_rule_are_set_on_filing(client, filing):
    with time_machine.travel("2026-03-02 10:00Z"):
        post(client, filing)

    request = PrivacyRequest.objects.get()
    assert request.due_on == date(2026, 4, 2)
    assert request.due_rule == "gdpr_month"


@pytest.mark.django_db
def test_swiss_access_request_gets_thirty_days(client, filing):
    with time_machine.travel("2026-03-02 10:00Z"):
        post(client, {**filing, "country": "CH"})

    request = PrivacyRequest.objects.get()
    assert request.due_on == date(2026, 4, 1)
    assert request.due_rule == "fadp_30_days"


@pytest.mark.django_db
def test_language_of_the_page_is_stored_with_the_request(client, filing):
    post(client, filing, HTTP_ACCEPT_LANGUAGE="de")

    assert PrivacyRequest.objects.get().language == "de"


BAD_INPUTS = [
    ("request_type", "", "Choose what you would like to do."),
    ("request_type", "refund", "Choose one of the listed kinds of request."),
    ("full_name", "", "Enter your full name."),
    ("full_name", "   ", "Enter your full name."),
    ("full_name", "x" * 201, "at most 200 characters"),
    ("email", "", "Enter your e-mail address."),
    ("email", "not-an-address", "Enter an e-mail address such as name@example.com."),
    ("country", "", "Choose the country where you live."),
    ("country", "XX", "Choose a country from the list."),
    ("details", "", "Describe your request."),
    ("details", "x" * 5001, "at most 5,000 characters"),
    ("consent", "", "Please agree so that we can handle your request."),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUTS)
def test_bad_input_rerenders_with_message_by_the_field_and_stores_nothing(
    client, filing, field, value, message
):
    data = {**filing, field: value}
    if field == "consent":
        del data["consent"]

    response = post(client, data)

    page = response.content.decode()
    assert response.status_code == 200
    error = re.search(rf'<p class="error-message" id="id_{field}_error">(.*?)</p>', page, re.S)
    assert error, f"no error by {field}"
    assert message in error.group(1)
    described = re.findall(r'aria-describedby="([^"]*)"', page)
    assert any(f"id_{field}_error" in ids.split() for ids in described)
    assert PrivacyRequest.objects.count() == 0
    assert OutboxEmail.objects.count() == 0


@pytest.mark.django_db
def test_bad_input_keeps_what_was_typed(client, filing):
    response = post(client, {**filing, "email": "erika-at-example"})

    page = response.content.decode()
    assert 'value="Erika Mustermann"' in page
    assert 'value="erika-at-example"' in page
    assert "Please send me a copy of all data you hold about me." in page
    assert '<option value="DE" selected>' in page


@pytest.mark.django_db
def test_error_summary_links_to_the_fields(client, filing):
    page = post(client, {**filing, "email": "", "request_type": ""}).content.decode()

    assert 'class="error-summary" role="alert"' in page
    assert 'href="#id_email"' in page
    assert 'href="#id_request_type_0"' in page


@pytest.mark.django_db
def test_same_form_posted_twice_files_one_request(client, filing):
    filing["form_token"] = "form-instance-1"
    first = post(client, filing)
    second = post(client, filing)

    assert PrivacyRequest.objects.count() == 1
    assert OutboxEmail.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.django_db
def test_same_content_without_form_token_on_the_same_day_files_one_request(client, filing):
    post(client, filing)
    post(client, filing)

    assert PrivacyRequest.objects.count() == 1


@pytest.mark.django_db
def test_edited_form_posted_again_files_a_second_request(client, filing):
    filing["form_token"] = "form-instance-1"
    post(client, filing)
    post(client, {**filing, "details": "Also delete my newsletter subscription."})

    assert PrivacyRequest.objects.count() == 2


@pytest.mark.django_db
def test_each_get_of_the_form_gets_its_own_form_token(client):
    tokens = [
        re.search(r'name="form_token" value="([^"]+)"', client.get(NEW_URL).content.decode())[1]
        for _ in range(2)
    ]
    assert tokens[0] != tokens[1]


@pytest.mark.django_db
def test_sixth_filing_from_one_address_in_ten_minutes_is_refused_politely(client, filing, settings):
    settings.INTAKE_RATE_LIMIT = 5
    address, other = unique_ip(), unique_ip()
    for n in range(5):
        assert post(client, {**filing, "details": f"n{n}"}, REMOTE_ADDR=address).status_code == 302

    response = post(client, {**filing, "details": "n6"}, REMOTE_ADDR=address)

    assert response.status_code == 429
    assert "Please wait a little" in response.content.decode()
    assert PrivacyRequest.objects.count() == 5
    assert post(client, {**filing, "details": "n7"}, REMOTE_ADDR=other).status_code == 302
