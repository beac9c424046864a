"""What the forms accept: internationalised addresses where mail can reach them, and no text
made of control characters or of nothing one can see (issue 12)."""

import re
import secrets

import pytest

from requests_app.admin_forms import AnswerForm, AskForm, LoggedRequestForm, RefuseForm
from requests_app.forms import IntakeForm, LostLinkForm, MessageForm
from requests_app.models import Message, OutboxEmail, PrivacyRequest
from tests.helpers import file_request, message_form

NEW_URL = "/requests/new/"
LOST_URL = "/requests/status/"
ADD_URL = "/admin/requests_app/privacyrequest/add/"

# RFC 6531 addresses: a UTF-8 local part, with an ASCII or an internationalised domain.
EAI_ADDRESSES = ["josé@example.com", "用户@例子.广告", "δοκιμή@παράδειγμα.δοκιμή", "Pelé@bücher.de"]
NOT_ADDRESSES = [
    "josé@",
    "josé@@example.com",
    "jo sé@example.com",
    "jo\u200bsé@example.com",
    "josé\x07@example.com",
    "josé.@example.com",
]
INVISIBLE = [
    "\u200b",
    "\u200b\u200c\u200d",
    "\u2060\ufeff",
    "\u200b \u3000 \u200b",
    "\u2800",
    "\u3164\u115f",
    "\u00ad\u034f",
]
SINGLE_LINE_CONTROLS = ["Erika\x07Mu", "Erika\tMustermann", "Erika\nMustermann", "\x1b[1mErika"]
MULTI_LINE_CONTROLS = ["Please\x07 send", "\x1b[2Jsend me my data", "my data\x7f", "data\x85copy"]
ALLOWED_MULTI_LINE = "Please send me:\n\t- my orders\r\n\t- my newsletters"


def error_by(page: str, field: str) -> str:
    match = re.search(rf'<p class="error-message" id="id_{field}_error">(.*?)</p>', page, re.S)
    assert match, f"no error by {field}"
    return match.group(1)


def unique_ip() -> str:
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


@pytest.mark.django_db
@pytest.mark.parametrize("address", EAI_ADDRESSES)
def test_intake_files_an_internationalised_address_where_mail_can_reach_it(
    client, filing, settings, address
):
    settings.EMAIL_SMTPUTF8 = True

    response = client.post(NEW_URL, {**filing, "email": address}, REMOTE_ADDR=unique_ip())

    assert response.status_code == 302
    assert PrivacyRequest.objects.get().email == address
    assert OutboxEmail.objects.get().to == address


@pytest.mark.django_db
@pytest.mark.parametrize("address", EAI_ADDRESSES)
def test_intake_refuses_an_internationalised_address_the_mail_server_cannot_take(
    client, filing, settings, address
):
    settings.EMAIL_SMTPUTF8 = False

    response = client.post(NEW_URL, {**filing, "email": address})

    message = error_by(response.content.decode(), "email")
    assert "cannot send e-mail to" in message
    assert "another address" in message
    assert PrivacyRequest.objects.count() == 0


@pytest.mark.parametrize("smtputf8", [True, False])
def test_an_ascii_address_with_an_internationalised_domain_is_always_taken(settings, smtputf8):
    settings.EMAIL_SMTPUTF8 = smtputf8

    form = LostLinkForm({"email": "info@bücher.de"})

    assert form.is_valid(), form.errors


@pytest.mark.parametrize("address", NOT_ADDRESSES)
def test_a_malformed_internationalised_address_is_refused_as_not_an_address(settings, address):
    settings.EMAIL_SMTPUTF8 = True

    form = LostLinkForm({"email": address})

    assert form.errors["email"] == ["Enter an e-mail address such as name@example.com."]


def test_an_address_typed_in_decomposed_letters_is_kept_composed(settings):
    settings.EMAIL_SMTPUTF8 = True

    form = LostLinkForm({"email": "jose\u0301@example.com"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "jos\u00e9@example.com"


@pytest.mark.django_db
@pytest.mark.parametrize("smtputf8", [True, False])
def test_lost_link_form_takes_internationalised_addresses_as_the_intake_does(
    client, settings, smtputf8
):
    settings.EMAIL_SMTPUTF8 = smtputf8

    page = client.post(LOST_URL, {"email": "josé@example.com"}).content.decode()

    if smtputf8:
        assert 'id="id_email_error"' not in page
    else:
        assert "cannot send e-mail to" in error_by(page, "email")


@pytest.mark.django_db
@pytest.mark.parametrize("name", INVISIBLE)
def test_a_name_of_invisible_characters_is_refused_as_no_name(client, filing, name):
    response = client.post(NEW_URL, {**filing, "full_name": name})

    assert "Enter your full name." in error_by(response.content.decode(), "full_name")
    assert PrivacyRequest.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("details", INVISIBLE)
def test_details_of_invisible_characters_are_refused_as_no_details(client, filing, details):
    response = client.post(NEW_URL, {**filing, "details": details})

    assert "Describe your request." in error_by(response.content.decode(), "details")
    assert PrivacyRequest.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("name", SINGLE_LINE_CONTROLS)
def test_a_name_with_control_characters_is_refused(client, filing, name):
    response = client.post(NEW_URL, {**filing, "full_name": name})

    assert "control characters" in error_by(response.content.decode(), "full_name")
    assert PrivacyRequest.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("details", MULTI_LINE_CONTROLS)
def test_details_with_control_characters_other_than_line_breaks_and_tabs_are_refused(
    client, filing, details
):
    response = client.post(NEW_URL, {**filing, "details": details})

    assert "control characters" in error_by(response.content.decode(), "details")
    assert PrivacyRequest.objects.count() == 0


def test_details_keep_their_line_breaks_and_tabs(filing):
    form = IntakeForm({**filing, "details": ALLOWED_MULTI_LINE})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["details"] == ALLOWED_MULTI_LINE


def test_names_with_joiners_and_marks_that_are_part_of_visible_letters_are_kept(filing):
    for name in ["Zoë Ω", "ශ්\u200dරී", "علی\u200cرضا", "José\u200f Ruiz"]:
        form = IntakeForm({**filing, "full_name": f"  {name} "})

        assert form.is_valid(), (name, form.errors)
        assert form.cleaned_data["full_name"] == name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("\u200b\u200d", "Write a message before sending it."),
        ("\x1b[31mHello", "control characters"),
        ("Hello\x00", "Null characters are not allowed."),
    ],
)
def test_a_message_of_nothing_visible_or_with_control_characters_is_refused(
    client, status_token, body, message
):
    response = client.post(f"/requests/status/{status_token}/messages/", {"body": body})

    assert message in error_by(response.content.decode(), "body")
    assert Message.objects.count() == 0


def test_a_message_keeps_its_line_breaks_and_tabs():
    form = MessageForm({"body": ALLOWED_MULTI_LINE})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["body"] == ALLOWED_MULTI_LINE


def logged(**overrides: str) -> dict[str, str]:
    return {
        "request_type": "deletion",
        "full_name": "Hans Brief",
        "email": "hans@example.at",
        "country": "AT",
        "details": "Per Brief: bitte löschen.",
        "received_at": "2026-03-02T09:00",
        **overrides,
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "\u200b\u200c", "This field is required."),
        ("full_name", "Hans\tBrief", "control characters"),
        ("details", "\ufeff \u2060", "This field is required."),
        ("details", "bitte\x1b löschen", "control characters"),
    ],
)
def test_a_request_logged_by_hand_takes_the_same_text_rules(field, value, message):
    form = LoggedRequestForm(logged(**{field: value}))

    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


@pytest.mark.django_db
@pytest.mark.parametrize("smtputf8", [True, False])
def test_a_request_logged_by_hand_takes_internationalised_addresses_as_the_intake_does(
    admin_client, settings, smtputf8
):
    settings.EMAIL_SMTPUTF8 = smtputf8

    response = admin_client.post(ADD_URL, logged(email="josé@example.at"))

    if smtputf8:
        assert response.status_code == 302
        assert PrivacyRequest.objects.get().email == "josé@example.at"
    else:
        assert "cannot send e-mail to" in response.content.decode()
        assert PrivacyRequest.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [("\u200b\u200b", "This field is required."), ("\x1b[2J", "control characters")],
)
def test_an_officer_message_of_nothing_visible_or_with_control_characters_is_refused(
    admin_client, body, message
):
    request = file_request()
    request._confirm_email()

    response = admin_client.post(
        f"/admin/requests_app/privacyrequest/{request.pk}/change/", message_form(request, body)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    ("form_class", "data", "field"),
    [
        (AskForm, {"reason": "identity"}, "question"),
        (AnswerForm, {}, "body"),
        (RefuseForm, {"reason": "no_data"}, "explanation"),
    ],
)
@pytest.mark.parametrize(
    ("text", "message"),
    [("\u200b\u2060", "This field is required."), ("Dear\x07 requester", "control characters")],
)
def test_the_officers_texts_to_the_requester_take_the_same_rules(
    form_class, data, field, text, message
):
    form = form_class({**data, field: text})

    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


@pytest.mark.parametrize(
    ("form_class", "data", "field"),
    [
        (AskForm, {"reason": "identity"}, "question"),
        (AnswerForm, {}, "body"),
        (RefuseForm, {"reason": "no_data"}, "explanation"),
    ],
)
def test_the_officers_texts_keep_their_line_breaks(form_class, data, field):
    form = form_class({**data, field: ALLOWED_MULTI_LINE})

    assert form.is_valid(), form.errors
    assert form.cleaned_data[field] == ALLOWED_MULTI_LINE
