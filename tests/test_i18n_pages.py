"""Pages and e-mails in the requester's language, with no English left (Django's own i18n)."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse

from requests_app import outbox, services
from requests_app.models import AccessLink, OutboxEmail
from tests.helpers import VALID_FILING

TRANSLATED = ["de", "fr", "it"]
HTML_TAG = re.compile(r"<[^>]*>")
LETTER = re.compile(r"[^\W\d_]")


SKIPPED_ELEMENTS = re.compile(r"<(script|style|select)\b.*?</\1>", re.S)


def visible_text(page: str) -> set[str]:
    """The text pieces of a page with at least two words (form controls' options left out)."""
    page = SKIPPED_ELEMENTS.sub(" ", page)
    pieces = set()
    for piece in HTML_TAG.split(page):
        text = " ".join(html.unescape(piece).split())
        if len(LETTER.findall(text)) >= 4 and " " in text:
            pieces.add(text)
    return pieces


def organisation_data() -> list[str]:
    return [
        settings.ORGANISATION_NAME,
        settings.ORGANISATION_EMAIL,
        *settings.ORGANISATION_ADDRESS.splitlines(),
        *settings.ORGANISATION_WEBSITES,
        *settings.ORGANISATION_SUBPROCESSORS,
    ]


def english_left(english: set[str], translated: set[str]) -> set[str]:
    """Pieces of the English page that the translated page repeats, the organisation's own
    name, address and so on aside."""
    left = set()
    for piece in english & translated:
        rest = piece
        for value in organisation_data():
            rest = rest.replace(value.strip(), " ")
        if len(LETTER.findall(rest)) >= 4:
            left.add(piece)
    return left


def get_page(client, path: str, language: str, data: dict | None = None) -> str:
    if data is None:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    else:
        response = client.post(path, data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, path
    return response.content.decode()


PAGES = {
    "home": ("/", None),
    "new": ("/requests/new/", None),
    "new with errors": ("/requests/new/", {"request_type": "", "full_name": " ", "email": "x"}),
    "lost link": ("lost_link", None),
    "lost link with errors": ("lost_link", {"email": "not an address"}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("page_name", PAGES)
def test_public_pages_render_in_the_browsers_language_with_no_english_left(
    client, language, page_name
):
    path, data = PAGES[page_name]
    if not path.startswith("/"):
        path = reverse(f"requests:{path}")

    english = get_page(client, path, "en", data)
    translated = get_page(client, path, language, data)

    assert '<html lang="en">' in english
    assert f'<html lang="{language}">' in translated
    assert ('class="error-summary"' in translated) == (data is not None)
    assert len(visible_text(english)) >= 5
    assert english_left(visible_text(english), visible_text(translated)) == set()


@pytest.mark.django_db
def test_the_german_home_page_reads_german(client):
    page = get_page(client, "/", "de")

    assert "Ihre Datenschutzrechte" in page
    assert "Antrag stellen" in page
    assert "Datenschutzbehörde" in page
    assert "Data Privacy Framework" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "month"), [("en", "March"), ("de", "März"), ("fr", "mars"), ("it", "marzo")]
)
def test_dates_are_written_for_the_language_and_stay_machine_readable(client, language, month):
    request, _created = services.file_request(
        dict(VALID_FILING), language=language, ip_address="192.0.2.1", form_token=""
    )
    token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
    request.received_at = request.received_at.replace(year=2026, month=3, day=2, hour=10)
    request.save(update_fields=["received_at"])

    page = get_page(client, reverse("requests:status", args=[token]), language)

    received = re.search(r'<time datetime="2026-03-02">([^<]*)</time>', page)
    assert received, "the machine-readable date stays YYYY-MM-DD"
    assert month in received[1]
    assert f'<time datetime="{request.due_on:%Y-%m-%d}" id="due-date">' in page
    if language != "en":
        assert "March" not in page


@pytest.mark.django_db
def test_every_page_offers_a_language_switcher_that_works_without_javascript(client):
    page = get_page(client, "/requests/new/", "de")

    form = re.search(r'<form class="language-switcher"[^>]*>.*?</form>', page, re.S)
    assert form, "base.html has the language switcher"
    form = form[0]
    assert f'action="{reverse("set_language")}"' in form
    assert 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="next" value="/requests/new/">' in form
    select = re.search(r'<select id="([^"]+)" name="language">', form)
    assert select and f'<label for="{select[1]}">Sprache</label>' in form
    assert re.search(r'<button type="submit">[^<]+</button>', form)
    options = dict(re.findall(r'<option value="(\w+)" lang="\1"[^>]*>([^<]+)</option>', form))
    assert options == {"en": "English", "de": "Deutsch", "fr": "Français", "it": "Italiano"}
    assert re.search(r'<option value="de" lang="de" selected>', form)


@pytest.mark.django_db
def test_choosing_a_language_keeps_the_page_and_changes_its_language(client):
    response = client.post(
        reverse("set_language"),
        {"language": "fr", "next": "/requests/new/"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 302
    assert response["Location"] == "/requests/new/"
    page = get_page(client, "/requests/new/", "de")
    assert '<html lang="fr">' in page
    assert "Déposer une demande" in page


@pytest.mark.django_db
def test_the_switcher_will_not_send_anyone_to_another_site(client):
    response = client.post(
        reverse("set_language"), {"language": "it", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.django_db
def test_a_request_remembers_the_language_it_was_filed_in(client):
    client.post("/requests/new/", VALID_FILING, HTTP_ACCEPT_LANGUAGE="it")

    email = OutboxEmail.objects.get(kind="confirm_address")
    assert email.request.language == "it"
    assert email.language == "it"
    assert "Confermi il Suo indirizzo e-mail" in outbox.render(email).subject


def rendered_email(language: str) -> outbox.Rendered:
    request, _created = services.file_request(
        dict(VALID_FILING), language=language, ip_address="192.0.2.1", form_token=language
    )
    email = OutboxEmail.objects.get(request=request, kind="confirm_address")
    assert email.language == language
    return outbox.render(email)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("de", "Bitte bestätigen Sie Ihre E-Mail-Adresse"),
        ("fr", "Veuillez confirmer votre adresse e-mail"),
        ("it", "Confermi il Suo indirizzo e-mail"),
    ],
)
def test_an_email_is_written_in_the_requesters_language(language, subject):
    english = rendered_email("en")
    translated = rendered_email(language)

    assert subject in translated.subject
    assert "Please confirm" not in translated.subject
    assert f'<html lang="{language}">' in translated.html
    english_text = {" ".join(line.split()) for line in english.text.splitlines()}
    english_text = {line for line in english_text if len(LETTER.findall(line)) >= 4}
    assert english_text
    for line in translated.text.splitlines():
        assert " ".join(line.split()) not in english_text - {""}, line
    assert english_left(visible_text(english.html), visible_text(translated.html)) == set()
