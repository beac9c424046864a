"""Each field of the public forms is tied to its help and to its error (aria-describedby), and
an invalid one says so (aria-invalid): what a screen reader reads out with the field."""

import re
from datetime import datetime

import pytest
import time_machine

from requests_app import services
from requests_app.models import AccessLink
from tests.helpers import file_request, last_email, link_in


def widget(page: str, name: str) -> str:
    """The tag of the field `name` (the first of radios)."""
    return re.search(rf'<(?:input|select|textarea)\b[^>]*\bname="{name}"[^>]*>', page)[0]


def attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return found[1] if found else None


def assert_every_description_is_on_the_page(page: str) -> None:
    for ids in re.findall(r'aria-describedby="([^"]*)"', page):
        for id_ in ids.split():
            assert page.count(f'id="{id_}"') == 1, id_


def test_a_fresh_intake_form_ties_each_field_to_its_help_and_marks_none_invalid(client):
    page = client.get("/requests/new/").content.decode()

    for name in ["email", "country", "details"]:
        assert attribute(widget(page, name), "aria-describedby") == f"id_{name}_helptext"
    for name in ["request_type", "full_name", "email", "country", "details", "consent"]:
        assert attribute(widget(page, name), "aria-invalid") is None
    assert attribute(widget(page, "full_name"), "aria-describedby") is None
    assert_every_description_is_on_the_page(page)


@pytest.mark.django_db
def test_an_invalid_intake_form_ties_each_field_to_its_help_and_error_and_marks_it(client):
    page = client.post("/requests/new/", {"full_name": ""}).content.decode()

    for name, has_help in [
        ("full_name", False),
        ("email", True),
        ("country", True),
        ("details", True),
        ("consent", False),
    ]:
        tag = widget(page, name)
        assert attribute(tag, "aria-invalid") == "true", name
        described = [f"id_{name}_helptext"] if has_help else []
        assert attribute(tag, "aria-describedby").split() == [*described, f"id_{name}_error"]
    # The radios are described by their fieldset, and each says it is invalid.
    fieldset = re.search(r"<fieldset\b[^>]*>", page)[0]
    assert attribute(fieldset, "aria-describedby") == "id_request_type_error"
    radios = re.findall(r'<input type="radio"[^>]*>', page)
    assert len(radios) == 8
    assert all(attribute(radio, "aria-invalid") == "true" for radio in radios)
    assert_every_description_is_on_the_page(page)


@pytest.mark.django_db
def test_the_lost_link_and_message_forms_tie_their_field_to_its_error(client, status_token):
    lost = client.post("/requests/status/", {"email": "nope"}).content.decode()
    message = client.post(f"/requests/status/{status_token}/messages/", {"body": ""})

    email = widget(lost, "email")
    assert attribute(email, "aria-invalid") == "true"
    assert attribute(email, "aria-describedby") == "id_email_helptext id_email_error"
    body = widget(message.content.decode(), "body")
    assert attribute(body, "aria-invalid") == "true"
    assert attribute(body, "aria-describedby") == "id_body_error"
    assert_every_description_is_on_the_page(lost)
    assert_every_description_is_on_the_page(message.content.decode())


@pytest.mark.django_db
def test_the_escalate_form_ties_its_fields_to_their_help_and_error(client):
    with time_machine.travel(datetime.fromisoformat("2026-03-02T10:00:00+00:00"), tick=False):
        file_request(request_type="complaint")
        verify = link_in(last_email("confirm_address"), "verify")
        token = services.confirm_email(AccessLink.find(verify, AccessLink.Purpose.VERIFY))

    with time_machine.travel(datetime.fromisoformat("2026-04-17T12:00:00+00:00"), tick=False):
        page = client.post(f"/requests/status/{token}/escalate/", {"reason": ""}).content.decode()

    reason = widget(page, "reason")
    assert attribute(reason, "aria-invalid") == "true"
    assert attribute(reason, "aria-describedby") == "id_reason_helptext id_reason_error"
    employment = widget(page, "employment_data")
    assert attribute(employment, "aria-describedby") == "id_employment_data_helptext"
    assert_every_description_is_on_the_page(page)
