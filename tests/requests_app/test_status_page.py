import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from requests_app import outbox
from requests_app.models import (
    AccessLink,
    Message,
    OutboxEmail,
    PrivacyRequest,
    RequestEvent,
    Status,
)
from tests.helpers import file_request


def status_url(token: str, suffix: str = "") -> str:
    return f"/requests/status/{token}/{suffix}"


@pytest.mark.django_db
def test_status_page_shows_reference_type_status_and_dates(client):
    with time_machine.travel("2026-03-02 10:00Z"):
        request = file_request()
        token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
        page = client.get(status_url(token)).content.decode()

    assert request.reference in page
    assert "Access: a copy of my data and how it is used" in page
    assert "Waiting for the e-mail address to be confirmed" in page
    assert '<time datetime="2026-03-02">' in page
    assert '<time datetime="2026-04-02" id="due-date">' in page
    assert "one month (GDPR Art. 12(3))" in page


@pytest.mark.django_db
def test_status_page_shows_the_timeline(client, status_token):
    page = client.get(status_url(status_token)).content.decode()

    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S).group(1)
    assert "Request received" in timeline
    assert "E-mail address confirmed" in timeline


@pytest.mark.django_db
def test_status_page_is_private(client, status_token):
    response = client.get(status_url(status_token))

    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "withdraw/"])
def test_unknown_or_tampered_tokens_get_a_plain_404(client, status_token, suffix):
    tampered = status_token[:-2] + ("AA" if not status_token.endswith("AA") else "BB")

    assert client.get(status_url(tampered, suffix)).status_code == 404
    assert client.get(status_url("x" * 43, suffix)).status_code == 404


@pytest.mark.django_db
def test_a_confirmation_token_does_not_open_the_status_page(client, verify_token):
    assert client.get(status_url(verify_token)).status_code == 404


@pytest.mark.django_db
def test_requester_writes_a_message_and_the_officer_is_told(client, status_token, settings):
    response = client.post(status_url(status_token, "messages/"), {"body": "Any news?"})

    request = PrivacyRequest.objects.get()
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.author, message.body) == (Message.Author.REQUESTER, "Any news?")
    assert request.events.filter(kind=RequestEvent.Kind.MESSAGE_FROM_REQUESTER).exists()
    notice = OutboxEmail.objects.get(kind="officer_message")
    assert notice.to == settings.PRIVACY_OFFICER_EMAIL
    assert request.reference in outbox.render(notice).subject
    assert "Any news?" in client.get(status_url(status_token)).content.decode()


@pytest.mark.django_db
def test_officer_notice_carries_no_personal_data(client, status_token):
    client.post(status_url(status_token, "messages/"), {"body": "My new address is Main St 1"})

    notice = outbox.render(OutboxEmail.objects.get(kind="officer_message"))
    for personal in ["Erika", "Mustermann", "erika@example.de", "Main St 1"]:
        assert personal not in notice.subject + notice.text + notice.html


@pytest.mark.django_db
def test_an_empty_message_is_refused_by_the_field(client, status_token):
    response = client.post(status_url(status_token, "messages/"), {"body": "   "})

    assert response.status_code == 200
    assert 'id="id_body_error"' in response.content.decode()
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_withdraw_asks_for_confirmation_first(client, status_token):
    response = client.get(status_url(status_token, "withdraw/"))

    assert "Yes, withdraw my request" in response.content.decode()
    assert PrivacyRequest.objects.get().status == Status.NEW


@pytest.mark.django_db
def test_withdrawing_closes_the_request_and_tells_the_officer(client, status_token):
    response = client.post(status_url(status_token, "withdraw/"))

    request = PrivacyRequest.objects.get()
    assert response.status_code == 302
    assert request.status == Status.WITHDRAWN
    assert request.closed_at is not None
    assert request.events.filter(kind=RequestEvent.Kind.WITHDRAWN).count() == 1
    assert OutboxEmail.objects.filter(kind="officer_withdrawn").count() == 1
    page = client.get(status_url(status_token)).content.decode()
    assert "Withdrawn" in page
    assert "Send the message" not in page


@pytest.mark.django_db
def test_withdrawing_twice_changes_nothing_more(client, status_token):
    client.post(status_url(status_token, "withdraw/"))
    client.post(status_url(status_token, "withdraw/"))

    request = PrivacyRequest.objects.get()
    assert request.events.filter(kind=RequestEvent.Kind.WITHDRAWN).count() == 1


@pytest.mark.django_db
def test_a_withdrawn_request_takes_no_messages(client, status_token):
    client.post(status_url(status_token, "withdraw/"))

    response = client.post(status_url(status_token, "messages/"), {"body": "Hello?"})

    assert response.status_code == 200
    assert "it takes no more messages" in response.content.decode()
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_private_forms_work_when_the_browser_sends_a_null_origin(status_token):
    """no-referrer pages make browsers post with `Origin: null`; the token is the secret."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="null")

    sent = browser.post(status_url(status_token, "messages/"), {"body": "Hello"})
    switched = browser.post("/i18n/setlang/", {"language": "de", "next": "/"})

    assert sent.status_code == 302
    assert Message.objects.filter(body="Hello").exists()
    assert switched.status_code == 302
    assert switched.cookies["django_language"].value == "de"


@pytest.mark.django_db
def test_public_forms_keep_their_csrf_check(filing):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)

    assert browser.post("/requests/new/", filing).status_code == 403


@pytest.mark.django_db
def test_the_status_page_speaks_the_language_the_request_was_filed_in(client):
    request = file_request()
    PrivacyRequest.objects.filter(pk=request.pk).update(language="de")
    token = AccessLink.issue(request, AccessLink.Purpose.STATUS)

    german = client.get(status_url(token), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies["django_language"] = "fr"
    french = client.get(status_url(token)).content.decode()

    assert '<html lang="de">' in german
    assert '<html lang="fr">' in french


@pytest.mark.django_db
def test_a_private_link_stops_working_a_set_time_after_the_request_closed(client, settings):
    settings.STATUS_LINK_DAYS_AFTER_CLOSE = 90
    request = file_request()
    request._confirm_email()
    token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
    request._answer()
    request.close()

    with time_machine.travel(timezone.now() + timedelta(days=89)):
        still_open = client.get(f"/requests/status/{token}/")
    with time_machine.travel(timezone.now() + timedelta(days=90, minutes=1)):
        closed = client.get(f"/requests/status/{token}/")
        message = client.post(f"/requests/status/{token}/messages/", {"body": "Hello?"})
        escalate = client.get(f"/requests/status/{token}/escalate/")

    assert still_open.status_code == 200
    assert closed.status_code == message.status_code == escalate.status_code == 410
    page = closed.content.decode()
    assert request.reference in page and "90 days" in page
    assert closed["Referrer-Policy"] == "no-referrer"
    assert not request.messages.exists()


@pytest.mark.django_db
def test_the_lost_link_page_sends_no_link_that_would_not_open(client, settings):
    settings.STATUS_LINK_DAYS_AFTER_CLOSE = 90
    old = file_request(details="old")
    old._confirm_email()
    old._withdraw()
    recent = file_request(details="recent")

    with time_machine.travel(timezone.now() + timedelta(days=91)):
        client.post("/requests/status/", {"email": "erika@example.de"})
        email = OutboxEmail.objects.get(kind="lost_links")
        text = outbox.render(email).text

    assert recent.reference in text
    assert old.reference not in text
    assert not old.events.filter(kind="links_sent").exists()
