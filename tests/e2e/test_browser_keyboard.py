"""The intake form with the keyboard alone: Tab, Enter, Space, arrows and typing."""

from __future__ import annotations

import pytest

from requests_app.models import PrivacyRequest
from tests.e2e.browser import Journey, navigate

FORM_ORDER = [
    "id_request_type_0",
    "id_full_name",
    "id_email",
    "id_country",
    "id_details",
    "id_consent",
    "submit",
]
SUMMARY_LINKS = [f"#{name}" for name in FORM_ORDER[:-1]]

# What has the focus, and whether it shows: an outline or a ring drawn with box-shadow.
FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        id: el.id || (el.type === "submit" ? "submit" : el.tagName.toLowerCase()),
        href: el.getAttribute("href"),
        inSummary: !!el.closest(".error-summary"),
        visible: style.outlineStyle !== "none" || style.boxShadow !== "none",
    };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab(page, key: str = "Tab") -> dict:
    page.keyboard.press(key)
    now = focused(page)
    assert now["visible"], f"the focus on {now} is not visible"
    return now


@pytest.mark.django_db(transaction=True)
def test_the_request_form_works_with_the_keyboard_alone(new_page):
    page = new_page("en")
    journey = Journey("keyboard")

    with journey.step(page, "the skip link leads into the page"):
        page.goto("/requests/new/")
        first = tab(page)
        assert first["href"] == "#main"
        page.keyboard.press("Enter")
        assert focused(page)["id"] == "main"

    with journey.step(page, "tab through the form in reading order"):
        order = [tab(page)["id"] for _ in FORM_ORDER]
        assert order == FORM_ORDER

    with journey.step(page, "enter on the button sends the empty form"):
        navigate(page, lambda: page.keyboard.press("Enter"))
        assert page.is_visible(".error-summary")
        assert page.get_attribute("#id_full_name", "aria-invalid") == "true"

    with journey.step(page, "the error summary takes the focus, and Tab walks its links"):
        assert focused(page)["inSummary"], "the error summary has the focus after the submit"
        links = [tab(page)["href"] for _ in SUMMARY_LINKS]
        assert links == SUMMARY_LINKS

    with journey.step(page, "a summary link moves the focus to its field"):
        for _ in SUMMARY_LINKS[1:]:
            tab(page, "Shift+Tab")
        assert focused(page)["href"] == "#id_request_type_0"
        page.keyboard.press("Enter")
        assert focused(page)["id"] == "id_request_type_0"

    with journey.step(page, "arrow keys choose in the radio group"):
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        assert focused(page)["id"] == "id_request_type_2"
        assert page.is_checked("#id_request_type_2")

    with journey.step(page, "type the name and the address"):
        assert tab(page)["id"] == "id_full_name"
        page.keyboard.type("Erika Mustermann")
        assert tab(page)["id"] == "id_email"
        page.keyboard.type("erika@example.ch")

    with journey.step(page, "choose the country by typing its name"):
        assert tab(page)["id"] == "id_country"
        page.keyboard.type("Switzerland")
        assert page.input_value("#id_country") == "CH"

    with journey.step(page, "describe the request and agree"):
        assert tab(page)["id"] == "id_details"
        page.keyboard.type("Please delete my account.")
        assert tab(page)["id"] == "id_consent"
        page.keyboard.press("Space")
        assert page.is_checked("#id_consent")

    with journey.step(page, "enter on the button files the request"):
        assert tab(page)["id"] == "submit"
        navigate(page, lambda: page.keyboard.press("Enter"))
        assert "/requests/filed/" in page.url

    privacy_request = PrivacyRequest.objects.get(email="erika@example.ch")
    assert (privacy_request.request_type, privacy_request.country) == ("deletion", "CH")
    assert privacy_request.full_name == "Erika Mustermann"
