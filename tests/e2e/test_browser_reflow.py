"""WCAG 2.2, 1.4.10 reflow: the public pages at 400 % zoom, in every language.

A window 1280 CSS px wide shows 320 at 400 %; the pages are opened in a viewport that wide.
Each must read without scrolling sideways, and its form's button and the language switcher
must be on screen, uncovered and able to take the focus.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from requests_app import services
from requests_app.models import AccessLink, PrivacyRequest
from tests.e2e.browser import LOCALES, MAIN_FORM_SUBMIT, Journey, link_in_email, submit
from tests.helpers import file_request

# 1280 by 1024 CSS px at 400 %.
ZOOMED = {"width": 320, "height": 256}
# Widths are fractional: a scroll width one pixel over the window is rounding, not scrolling.
ROUNDING_PX = 1
SWITCHER = ["#language-select", "form.language-switcher button[type=submit]"]
# What a requester may well paste into a message: a long address with no place to break it.
LONG_URL = (
    "https://www.kaizen-training-manager.com/account/settings/privacy/"
    "export?format=csv&include=all-personal-data-held-about-me"
)

SIDEWAYS = """() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    wider: [...document.querySelectorAll("body *")]
        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
            || el.scrollWidth > el.clientWidth + 1)
        .slice(0, 5)
        .map(el => el.outerHTML.slice(0, 120)),
})"""

IN_REACH = """selector => {
    const el = document.querySelector(selector);
    el.scrollIntoView({block: "center", inline: "nearest"});
    el.focus();
    const box = el.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return {
        focused: document.activeElement === el,
        onScreen: box.left >= 0 && box.right <= window.innerWidth + 1
            && box.top >= 0 && box.bottom <= window.innerHeight + 1,
        uncovered: el === hit || el.contains(hit),
    };
}"""


def assert_reflows(page, controls: list[str]) -> None:
    width = page.evaluate(SIDEWAYS)
    assert width["scrollWidth"] <= width["innerWidth"] + ROUNDING_PX, (
        f"the page scrolls sideways: {width['scrollWidth']} px in a window of "
        f"{width['innerWidth']}; wider than the window: {width['wider']}"
    )
    for selector in controls:
        assert page.locator(selector).first.is_visible(), f"{selector} is not visible"
        reach = page.evaluate(IN_REACH, selector)
        assert reach == {"focused": True, "onScreen": True, "uncovered": True}, (
            f"{selector} is out of reach: {reach}"
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", list(LOCALES))
def test_public_pages_reflow_at_400_percent_zoom(new_page, language):
    officer = get_user_model().objects.create_user("officer", is_staff=True)
    privacy_request = file_request(email="erika@example.de", full_name="Erika Mustermann")
    PrivacyRequest.objects.filter(pk=privacy_request.pk).update(language=language)
    status_token = services.confirm_email(
        AccessLink.find(
            link_in_email(privacy_request, "confirm_address", "verify"),
            AccessLink.Purpose.VERIFY,
        )
    )
    privacy_request = PrivacyRequest.objects.get(pk=privacy_request.pk)
    services.post_requester_message(privacy_request, f"My data export fails: {LONG_URL}")
    services.ask_requester(
        privacy_request, "identity", "Please tell us the customer number on an invoice.", officer
    )
    page = new_page(language)
    page.set_viewport_size(ZOOMED)
    journey = Journey(f"reflow-{language}")

    with journey.step(page, "home"):
        page.goto("/")
        assert_reflows(page, SWITCHER)
    with journey.step(page, "new request"):
        page.goto("/requests/new/")
        assert_reflows(page, [MAIN_FORM_SUBMIT, *SWITCHER])
    with journey.step(page, "new request, with errors"):
        submit(page)
        assert page.is_visible(".error-summary")
        assert_reflows(page, [MAIN_FORM_SUBMIT, *SWITCHER])
    with journey.step(page, "lost link"):
        page.goto("/requests/status/")
        assert_reflows(page, [MAIN_FORM_SUBMIT, *SWITCHER])
    with journey.step(page, "status, waiting for the requester"):
        page.goto(f"/requests/status/{status_token}/")
        assert LONG_URL in page.text_content("article.message--requester")
        assert_reflows(page, [MAIN_FORM_SUBMIT, *SWITCHER])
    with journey.step(page, "page not found"):
        page.goto("/requests/status/no-such-link/")
        assert_reflows(page, ["#main a.button", *SWITCHER])
