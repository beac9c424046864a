"""WCAG 2.2 AA: axe-core on every public page, in every language, with and without errors.

One request is walked through its states in the browser (the officer's side is done in the
database), and axe-core checks each page the requester can reach. Every page is checked
before the test fails, so that one run names every page with a serious or critical violation.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from requests_app import services
from requests_app.models import PrivacyRequest
from tests.e2e.browser import (
    FAILING_IMPACTS,
    LOCALES,
    Journey,
    axe_violations,
    describe,
    link_in_email,
    submit,
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", list(LOCALES))
def test_public_pages_have_no_serious_accessibility_violations(new_page, settings, language):
    page = new_page(language)
    journey = Journey(f"a11y-{language}")
    blocking: list[dict] = []

    def check(label: str) -> None:
        """The page is in the language asked for; axe-core's findings are kept."""
        assert page.evaluate("() => document.documentElement.lang") == language
        found = axe_violations(page, label)
        blocking.extend(f for f in found if f["impact"] in FAILING_IMPACTS)

    def fill_intake(email: str, request_type: str = "access", country: str = "DE") -> None:
        page.check(f"input[name=request_type][value={request_type}]")
        page.fill("input[name=full_name]", "Erika Mustermann")
        page.fill("input[name=email]", email)
        page.select_option("select[name=country]", country)
        page.fill("textarea[name=details]", "Bitte senden Sie mir eine Kopie meiner Daten.")
        page.check("input[name=consent]")

    email = f"axe-{language}@example.eu"
    officer = get_user_model().objects.create_user("officer", is_staff=True)

    with journey.step(page, "home"):
        page.goto("/")
        check("home")
    with journey.step(page, "new request"):
        page.goto("/requests/new/")
        check("new request")
    with journey.step(page, "new request, nothing filled in"):
        submit(page)
        assert page.is_visible(".error-summary")
        check("new request, nothing filled in")
    with journey.step(page, "new request, wrong e-mail address"):
        fill_intake("not an address")
        submit(page)
        assert page.get_attribute("#id_email", "aria-invalid") == "true"
        check("new request, wrong e-mail address")
    with journey.step(page, "filed"):
        page.fill("input[name=email]", email)
        submit(page)
        assert "/requests/filed/" in page.url
        check("filed")

    privacy_request = PrivacyRequest.objects.get(email=email)
    verify_token = link_in_email(privacy_request, "confirm_address", "verify")
    with journey.step(page, "confirm the e-mail address"):
        page.goto(f"/requests/verify/{verify_token}/")
        check("confirm the e-mail address")
    with journey.step(page, "status, received"):
        submit(page)
        assert "/requests/status/" in page.url
        check("status, received")
    status_url = page.url.split("#")[0]
    with journey.step(page, "status, empty message"):
        submit(page)
        assert page.is_visible(".error-summary")
        check("status, empty message")
    with journey.step(page, "withdraw"):
        page.goto(f"{status_url}withdraw/")
        check("withdraw")
    with journey.step(page, "escalate, not open yet"):
        page.goto(f"{status_url}escalate/")
        check("escalate, not open yet")

    with journey.step(page, "status, a message sent"):
        page.goto(status_url)
        page.fill("textarea[name=body]", "Gibt es etwas Neues?")
        submit(page)
        assert page.url.endswith("#messages")
    services.ask_requester(
        PrivacyRequest.objects.get(pk=privacy_request.pk),
        "identity",
        "Please tell us the customer number on your invoices.",
        officer,
    )
    with journey.step(page, "status, waiting for the requester"):
        page.goto(status_url)
        check("status, waiting for the requester")
        page.fill("textarea[name=body]", "Kundennummer 4711.")
        submit(page)
        assert page.url.endswith("#messages")

    yesterday = timezone.localdate() - timedelta(days=1)
    PrivacyRequest.objects.filter(pk=privacy_request.pk).update(due_on=yesterday)
    with journey.step(page, "escalate"):
        page.goto(f"{status_url}escalate/")
        check("escalate")
    with journey.step(page, "escalate, no reason"):
        submit(page)
        assert page.is_visible(".error-summary")
        check("escalate, no reason")
    with journey.step(page, "status, escalated"):
        page.fill("textarea[name=reason]", "Keine Antwort bis zum Stichtag.")
        submit(page)
        assert page.url.endswith("#disputes")
        check("status, escalated")

    services.answer(
        PrivacyRequest.objects.get(pk=privacy_request.pk),
        "Here is the copy of your data.",
        officer,
        files=[SimpleUploadedFile("your-data.csv", b"field,value\nname,Erika\n")],
    )
    with journey.step(page, "status, answered with a file"):
        page.goto(status_url)
        check("status, answered with a file")
        file_url = page.get_attribute("article.message--team a[download]", "href")
    with journey.step(page, "download link expired"):
        page.goto(file_url.split("?")[0] + "?s=expired")
        check("download link expired")
    with journey.step(page, "withdraw, closed already"):
        page.goto(f"{status_url}withdraw/")
        check("withdraw, closed already")

    with journey.step(page, "confirmation link used already"):
        page.goto(f"/requests/verify/{verify_token}/")
        check("confirmation link used already")
    with journey.step(page, "unknown confirmation link"):
        page.goto("/requests/verify/no-such-link/")
        check("unknown confirmation link")
    with journey.step(page, "unknown status link"):
        response = page.goto("/requests/status/no-such-link/")
        assert response.status == 404
        assert page.is_visible("#main a.button[href='/requests/status/']")
        assert "no-such-link" not in page.content()
        check("unknown status link")

    with journey.step(page, "lost link"):
        page.goto("/requests/status/")
        check("lost link")
    with journey.step(page, "lost link, no address"):
        submit(page)
        assert page.is_visible(".error-summary")
        check("lost link, no address")
    with journey.step(page, "lost link sent"):
        page.fill("input[name=email]", email)
        submit(page)
        assert not page.is_visible("input[name=email]")
        check("lost link sent")

    settings.INTAKE_RATE_LIMIT = 0
    with journey.step(page, "too many requests"):
        page.goto("/requests/new/")
        fill_intake(email, "question", "AT")
        submit(page, status=429)
        check("too many requests")

    assert not blocking, (
        f"axe-core: serious or critical violations in {language}:\n{describe(blocking)}"
    )
