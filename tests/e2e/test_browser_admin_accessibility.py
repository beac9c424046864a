"""The officer's page of a request: the steps the portal adds to Django's admin pass axe-core.

The steps sit among Django's object tools, above the form; the systems' tasks follow the
fieldsets. Both are checked on a new request (every step offered) and on one in progress
(its tasks listed), in English and in German, whose labels are longer.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from requests_app import services
from requests_app.models import AccessLink, PrivacyRequest
from tests.e2e.browser import (
    FAILING_IMPACTS,
    Journey,
    axe_violations,
    describe,
    link_in_email,
    sign_in_to_admin,
)
from tests.helpers import file_request

PASSWORD = "a-long-enough-password-42"
# WCAG 2.2, 2.5.8: a target of at least 24 by 24 CSS px.
SMALLEST_TARGET = 24

STEP_BOXES = """() => [...document.querySelectorAll(".object-tools a")].map(link => {
    const box = link.getBoundingClientRect();
    return {text: link.textContent.trim(), left: box.left, top: box.top,
            right: box.right, bottom: box.bottom, width: box.width, height: box.height};
})"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "de"])
def test_the_steps_on_a_request_are_targets_large_and_apart_enough(new_page, language):
    officer = get_user_model().objects.create_superuser("officer", "o@example.com", PASSWORD)
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    privacy_request = file_request(email="mario@example.it", full_name="Mario Rossi", country="IT")
    services.confirm_email(
        AccessLink.find(
            link_in_email(privacy_request, "confirm_address", "verify"),
            AccessLink.Purpose.VERIFY,
        )
    )
    services.post_requester_message(
        PrivacyRequest.objects.get(pk=privacy_request.pk), "How long will it take?"
    )
    change_url = f"/admin/requests_app/privacyrequest/{privacy_request.pk}/change/"
    page = new_page(language)
    journey = Journey(f"admin-steps-{language}")
    blocking: list[dict] = []

    def check(label: str) -> None:
        boxes = page.evaluate(STEP_BOXES)
        assert len(boxes) >= 2, "the page offers the officer's steps"
        small = [b for b in boxes if min(b["width"], b["height"]) < SMALLEST_TARGET]
        assert small == [], f"steps smaller than {SMALLEST_TARGET} px: {small}"
        assert overlapping(boxes) == []
        title = page.locator("#content h2").first.bounding_box()
        assert title["y"] + title["height"] <= min(b["top"] for b in boxes), (
            "the steps keep clear of the request's reference"
        )
        found = axe_violations(page, label, public=False)
        blocking.extend(f for f in found if f["impact"] in FAILING_IMPACTS)

    with journey.step(page, "sign in"):
        sign_in_to_admin(page, "officer", PASSWORD, device)
        assert page.is_visible("#dashboard-title")

    with journey.step(page, "a new request offers every step"):
        page.goto(change_url)
        assert page.locator(".object-tools a[href$='/step/start/']").is_visible()
        check("admin: request, new")

    PrivacyRequest.objects.get(pk=privacy_request.pk).start(officer)
    with journey.step(page, "a request in progress lists its tasks"):
        page.goto(change_url)
        assert page.locator(".step-tasks a").count() >= 1
        check("admin: request, in progress")

    assert not blocking, f"axe-core on the admin's request page:\n{describe(blocking)}"
