"""A requester's and an officer's journeys in the browser, a screenshot after each step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from disputes_app.models import Dispute
from requests_app import services
from requests_app.models import AccessLink, AnswerFile, PrivacyRequest, Status, Wait
from tests.e2e.browser import (
    ADMIN_SUBMIT,
    Journey,
    axe_violations,
    link_in_email,
    navigate,
    submit,
    totp_code,
)
from tests.helpers import file_request

PASSWORD = "a-long-enough-password-42"


@pytest.mark.django_db(transaction=True)
def test_a_requester_in_german_files_confirms_writes_and_escalates(new_page):
    page = new_page("de")
    journey = Journey("requester-de")

    with journey.step(page, "file a deletion request"):
        page.goto("/requests/new/")
        assert page.evaluate("() => document.documentElement.lang") == "de"
        page.check("input[name=request_type][value=deletion]")
        page.fill("input[name=full_name]", "Erika Mustermann")
        page.fill("input[name=email]", "erika@example.de")
        page.select_option("select[name=country]", "DE")
        page.fill("textarea[name=details]", "Bitte löschen Sie mein Kundenkonto und alle Daten.")
        page.check("input[name=consent]")
        submit(page)
        assert "/requests/filed/" in page.url

    privacy_request = PrivacyRequest.objects.get(email="erika@example.de")
    assert (privacy_request.request_type, privacy_request.language) == ("deletion", "de")
    with journey.step(page, "the filed page names the reference"):
        assert page.text_content(".reference") == privacy_request.reference

    with journey.step(page, "open the link in the confirmation e-mail"):
        token = link_in_email(privacy_request, "confirm_address", "verify")
        page.goto(f"/requests/verify/{token}/")
        assert privacy_request.reference in page.text_content("#main")

    with journey.step(page, "confirm the address and see the status page"):
        submit(page)
        assert "/requests/status/" in page.url
        privacy_request.refresh_from_db()
        assert privacy_request.status == Status.NEW
        due = page.get_attribute("time#due-date", "datetime")
        assert due == privacy_request.due_on.isoformat()
    status_url = page.url.split("#")[0]

    with journey.step(page, "write a message"):
        page.fill("textarea[name=body]", "Wie lange dauert die Löschung?")
        submit(page)
        assert page.url.endswith("#messages")
        assert "Wie lange dauert die Löschung?" in page.text_content("article.message--requester")

    yesterday = timezone.localdate() - timedelta(days=1)
    PrivacyRequest.objects.filter(pk=privacy_request.pk).update(due_on=yesterday)

    with journey.step(page, "overdue: the escalation page opens its form"):
        page.goto(f"{status_url}escalate/")
        page.fill("textarea[name=reason]", "Die Frist ist abgelaufen, ohne Antwort.")

    with journey.step(page, "escalate and see the dispute on the status page"):
        submit(page)
        assert page.url.endswith("#disputes")
        assert page.is_visible("#disputes ~ article.dispute")
        assert page.get_attribute("article.dispute a[href*='case-file.pdf']", "download") == ""
    dispute = Dispute.objects.get(request=privacy_request)
    assert dispute.reason == "Die Frist ist abgelaufen, ohne Antwort."

    # The switcher posts from a no-referrer page, so with Origin: null (see its view).
    with journey.step(page, "switch the status page to English"):
        page.select_option("form.language-switcher select[name=language]", "en")
        submit(page, "form.language-switcher button[type=submit]")
        assert page.url.split("#")[0] == status_url
        assert page.evaluate("() => document.documentElement.lang") == "en"


@pytest.mark.django_db(transaction=True)
def test_an_officer_asks_then_answers_with_a_file_the_requester_downloads(new_page, tmp_path):
    officer = get_user_model().objects.create_superuser("officer", "o@example.com", PASSWORD)
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    privacy_request = file_request(email="mario@example.it", full_name="Mario Rossi", country="IT")
    status_token = services.confirm_email(
        AccessLink.find(
            link_in_email(privacy_request, "confirm_address", "verify"),
            AccessLink.Purpose.VERIFY,
        )
    )
    change_url = f"/admin/requests_app/privacyrequest/{privacy_request.pk}/change/"
    admin = new_page("en")
    requester = new_page("it")
    journey = Journey("officer")

    # The admin's pages are not public: axe-core's findings there are reported here, not
    # asserted; test_browser_admin_accessibility asserts them on the log-in page, the request
    # list and a request's page.
    with journey.step(admin, "the admin asks for a password"):
        admin.goto("/admin/")
        axe_violations(admin, "admin: log in", public=False)
        admin.fill("input[name=username]", "officer")
        admin.fill("input[name=password]", PASSWORD)
        submit(admin, ADMIN_SUBMIT)
        assert admin.is_visible("select[name=otp_device]")

    with journey.step(admin, "then for the device and its code"):
        admin.select_option("select[name=otp_device]", device.persistent_id)
        admin.fill("input[name=password]", PASSWORD)
        admin.fill("input[name=otp_token]", totp_code(device))
        submit(admin, ADMIN_SUBMIT)
        assert admin.is_visible("#dashboard-title")
        axe_violations(admin, "admin: dashboard", public=False)

    with journey.step(admin, "the dashboard leads to today's new request"):
        navigate(admin, lambda: admin.click(".officer-dashboard a[href*='received=today']"))
        axe_violations(admin, "admin: requests", public=False)
        navigate(
            admin, lambda: admin.click(f"#result_list a:text-is('{privacy_request.reference}')")
        )
        assert change_url in admin.url
        axe_violations(admin, "admin: request", public=False)

    with journey.step(admin, "ask the requester"):
        navigate(admin, lambda: admin.click(".object-tools a[href$='/step/ask/']"))
        admin.select_option("select[name=reason]", "identity")
        admin.fill("textarea[name=question]", "Please tell us the customer number on an invoice.")
        axe_violations(admin, "admin: step", public=False)
        submit(admin, ADMIN_SUBMIT)
        assert change_url in admin.url
        assert admin.is_visible(".messagelist li")
    assert Wait.objects.filter(request=privacy_request, ended_at=None).count() == 1

    with journey.step(requester, "the requester answers on the status page"):
        requester.goto(f"/requests/status/{status_token}/")
        assert "customer number" in requester.text_content("article.message--team")
        requester.fill("textarea[name=body]", "Il numero cliente è 4711.")
        submit(requester)
        assert requester.url.endswith("#messages")
    assert not Wait.objects.filter(request=privacy_request, ended_at=None).exists()

    content = b"field,value\nname,Mario Rossi\nnewsletter,yes\n"
    with journey.step(admin, "the officer answers with a file"):
        admin.goto(change_url)
        assert "Il numero cliente è 4711." in admin.text_content("#content-main")
        navigate(admin, lambda: admin.click(".object-tools a[href$='/step/answer/']"))
        admin.fill("textarea[name=body]", "Here is the copy of the data we hold about you.")
        admin.set_input_files(
            "input[name=files]",
            [
                {"name": "your-data.csv", "mimeType": "text/csv", "buffer": content},
                {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"Nothing else.\n"},
            ],
        )
        submit(admin, ADMIN_SUBMIT)
        assert change_url in admin.url
        assert admin.is_visible(".messagelist li")
    privacy_request.refresh_from_db()
    assert privacy_request.status == Status.ANSWERED
    assert sorted(f.name for f in AnswerFile.objects.filter(request=privacy_request)) == [
        "notes.txt",
        "your-data.csv",
    ]

    with journey.step(requester, "the requester downloads the file"):
        requester.goto(f"/requests/status/{status_token}/")
        answer = requester.locator("article.message--team").last
        assert "Here is the copy" in answer.text_content()
        with requester.expect_download() as download_info:
            answer.locator("a[download]", has_text="your-data.csv").click()
        download = download_info.value
        assert download.suggested_filename == "your-data.csv"
        saved = tmp_path / "download.csv"
        download.save_as(saved)
        assert saved.read_bytes() == content


@pytest.mark.django_db(transaction=True)
def test_the_language_switcher_on_a_missing_page_comes_back_to_it(new_page):
    page = new_page("en")
    journey = Journey("not-found")

    with journey.step(page, "an address that does not exist"):
        response = page.goto("/requests/nothing-here/")
        assert response.status == 404
        assert page.text_content("h1") == "Page not found"

    with journey.step(page, "switch to Italian and stay on the page"):
        page.select_option("form.language-switcher select[name=language]", "it")
        submit(page, "form.language-switcher button[type=submit]", status=404)
        assert page.url.endswith("/requests/nothing-here/")
        assert page.text_content("h1") == "Pagina non trovata"

    with journey.step(page, "a private link with a wrong token"):
        response = page.goto("/requests/status/no-such-link/")
        assert response.status == 404
        assert response.headers["referrer-policy"] == "no-referrer"
        assert page.text_content("h1") == "Pagina non trovata"

    with journey.step(page, "switch to German: no Referer leaves the page, so home"):
        page.select_option("form.language-switcher select[name=language]", "de")
        submit(page, "form.language-switcher button[type=submit]")
        assert page.url.endswith("/")
        assert page.locator("html").get_attribute("lang") == "de"
