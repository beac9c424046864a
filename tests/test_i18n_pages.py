"""Pages and e-mails in the requester's language, with no English left (Django's own i18n)."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from requests_app import email_kinds, outbox, services
from requests_app.models import AccessLink, AnswerFile, OutboxEmail
from requests_app.models.email_texts import placeholder_request
from tests.helpers import VALID_FILING
from tests.languages import LETTER, TRANSLATED, english_left, visible_text


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


FILED_AT = datetime.fromisoformat("2026-03-02T10:00:00+00:00")
ESCALATION_OPEN = datetime.fromisoformat("2026-04-10T10:00:00+00:00")
REASON = "Nobody answered my request in time."


def requesters_pages(client, language: str) -> dict[str, str]:
    """A requester's own pages as they go: the status page, the escalation page before and
    once it is open, with a mistake, and the status page once escalated."""
    with time_machine.travel(FILED_AT, tick=False):
        request, _created = services.file_request(
            dict(VALID_FILING), language=language, ip_address="192.0.2.1", form_token=language
        )
        request._confirm_email()
        token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
        status = reverse("requests:status", args=[token])
        escalate = reverse("disputes:escalate", args=[token])
        pages = {"status": get_page(client, status, language)}
        pages["escalation not open"] = get_page(client, escalate, language)
    with time_machine.travel(ESCALATION_OPEN, tick=False):
        pages["escalation open"] = get_page(client, escalate, language)
        pages["escalation with errors"] = get_page(client, escalate, language, {"reason": " "})
        assert client.post(escalate, {"reason": REASON}).status_code == 302
        pages["status once escalated"] = get_page(client, status, language)
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_a_requesters_own_pages_read_in_their_language_with_no_english_left(client, language):
    english = requesters_pages(client, "en")
    translated = requesters_pages(client, language)
    theirs = (VALID_FILING["details"], VALID_FILING["full_name"], REASON)

    for name, page in translated.items():
        assert f'<html lang="{language}">' in page, name
        assert english_left(visible_text(english[name]), visible_text(page), theirs) == set(), name


def page_as(client, path: str, language: str, status: int, data: dict | None = None) -> str:
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    response = client.post(path, data, **headers) if data else client.get(path, **headers)
    assert response.status_code == status, path
    return response.content.decode()


def the_other_pages(client, language: str) -> dict[str, str]:
    """The rest of the public pages: filed, confirming the address, a link that does not
    work, fresh links sent, withdrawing, an expired download, a page that does not exist."""
    client.cookies.clear()
    filing = {**VALID_FILING, "email": f"{language}@example.org"}
    posted = client.post("/requests/new/", filing, HTTP_ACCEPT_LANGUAGE=language)
    request = services.PrivacyRequest.objects.get(email=filing["email"])
    verify = AccessLink.issue(request, AccessLink.Purpose.VERIFY)
    pages = {
        "filed": page_as(client, posted["Location"], language, 200),
        "confirm the address": page_as(client, f"/requests/verify/{verify}/", language, 200),
        "a link that does not work": page_as(client, "/requests/verify/nothing/", language, 404),
        "fresh links sent": page_as(
            client, reverse("requests:lost_link"), language, 200, {"email": filing["email"]}
        ),
    }
    request._confirm_email()
    token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
    officer, _created = get_user_model().objects.get_or_create(username="officer")
    answer_file = AnswerFile.objects.create(
        request=request,
        file=ContentFile(b"data", name="data.csv"),
        name="data.csv",
        size=4,
        uploaded_by=officer,
    )
    pages["withdraw"] = page_as(client, f"/requests/status/{token}/withdraw/", language, 200)
    pages["download expired"] = page_as(
        client, f"/requests/status/{token}/files/{answer_file.pk}/?s=old", language, 410
    )
    pages["not found"] = page_as(client, "/no-such-page/", language, 404)
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_the_other_public_pages_read_in_the_browsers_language_with_no_english_left(
    client, language
):
    english = the_other_pages(client, "en")
    translated = the_other_pages(client, language)
    theirs = (VALID_FILING["full_name"], "data.csv")

    for name, page in translated.items():
        assert f'<html lang="{language}">' in page, name
        assert english_left(visible_text(english[name]), visible_text(page), theirs) == set(), name


@pytest.mark.django_db
def test_the_german_home_page_reads_german(client):
    page = get_page(client, "/", "de")

    assert "Ihre Datenschutzrechte" in page
    assert "Antrag stellen" in page
    assert "Aufsichtsbehörde" in page
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
    assert options == {
        "bg": "Български",
        "cs": "Čeština",
        "da": "Dansk",
        "de": "Deutsch",
        "el": "Ελληνικά",
        "en": "English",
        "es": "Español",
        "et": "Eesti",
        "fi": "Suomi",
        "fr": "Français",
        "ga": "Gaeilge",
        "hr": "Hrvatski",
        "hu": "Magyar",
        "is": "Íslenska",
        "it": "Italiano",
        "lt": "Lietuvių",
        "lv": "Latviešu",
        "mt": "Malti",
        "nb": "Norsk (bokmål)",
        "nl": "Nederlands",
        "pl": "Polski",
        "pt": "Português",
        "ro": "Română",
        "sk": "Slovenčina",
        "sl": "Slovenščina",
        "sv": "Svenska",
    }
    assert re.search(r'<option value="de" lang="de" selected>', form)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "language"),
    [
        ("pl-PL,pl;q=0.9,en;q=0.5", "pl"),
        ("pt-BR,pt;q=0.9", "pt"),
        ("nb-NO,nb;q=0.9", "nb"),
        ("no", "nb"),
        ("nn-NO,nn;q=0.9", "nb"),
        ("ga-IE", "ga"),
        ("mt", "mt"),
        ("ja-JP,zh;q=0.8", "en"),
    ],
)
def test_the_browsers_preference_chooses_the_language(client, accept_language, language):
    page = get_page(client, "/", accept_language)

    assert f'<html lang="{language}">' in page


def test_the_browser_tests_cover_every_language():
    from tests.e2e.browser import LOCALES

    assert list(LOCALES) == [code for code, _name in settings.LANGUAGES]


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


def rendered_files(kind: str, language: str) -> outbox.Rendered:
    """An e-mail's files rendered with its sample values, as the outbox renders them."""
    email_kind = email_kinds.find(kind)
    with translation.override(language):
        context = {
            "site_url": settings.SITE_URL,
            "organisation_name": settings.ORGANISATION_NAME,
            "request": placeholder_request(language),
            **email_kind.sample_values(),
        }
        return outbox.from_files(OutboxEmail(kind=kind, language=language), context)


def english_lines(text: str) -> set[str]:
    lines = {" ".join(line.split()) for line in text.splitlines()}
    return {line for line in lines if len(LETTER.findall(line)) >= 4 and " " in line}


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_email_renders_in_every_language_with_no_english_left(language):
    for kind in sorted(email_kinds.all_kinds()):
        english = rendered_files(kind, "en")
        translated = rendered_files(kind, language)

        assert translated.subject != english.subject, kind
        assert f'<html lang="{language}">' in translated.html, kind
        theirs = tuple(
            value
            for value in email_kinds.find(kind).sample_values().values()
            if isinstance(value, str)
        )
        same_text = english_left(
            english_lines(english.text), english_lines(translated.text), theirs
        )
        same_html = english_left(visible_text(english.html), visible_text(translated.html), theirs)
        assert same_text == set(), kind
        assert same_html == set(), kind


# 2 March and 6 December 2026 as each language writes a date: the month in the case a date
# takes (Polish "marca", Greek "Μαρτίου"), in lower case where the language writes it so.
DATES = {
    "bg": ("2 март 2026 г.", "6 декември 2026 г."),
    "cs": ("2. března 2026", "6. prosince 2026"),
    "da": ("2. marts 2026", "6. december 2026"),
    "de": ("2. März 2026", "6. Dezember 2026"),
    "el": ("2 Μαρτίου 2026", "6 Δεκεμβρίου 2026"),
    "en": ("March 2, 2026", "Dec. 6, 2026"),
    "es": ("2 de marzo de 2026", "6 de diciembre de 2026"),
    "et": ("2. märts 2026", "6. detsember 2026"),
    "fi": ("2. maaliskuuta 2026", "6. joulukuuta 2026"),
    "fr": ("2 mars 2026", "6 décembre 2026"),
    "ga": ("2 Márta 2026", "6 Nollaig 2026"),
    "hr": ("2. ožujka 2026.", "6. prosinca 2026."),
    "hu": ("2026. március 2.", "2026. december 6."),
    "is": ("2. mars 2026", "6. desember 2026"),
    "it": ("2 marzo 2026", "6 dicembre 2026"),
    "lt": ("2026 m. kovo 2 d.", "2026 m. gruodžio 6 d."),
    "lv": ("2026. gada 2. marts", "2026. gada 6. decembris"),
    "mt": ("2 ta' Marzu 2026", "6 ta' Diċembru 2026"),
    "nb": ("2. mars 2026", "6. desember 2026"),
    "nl": ("2 maart 2026", "6 december 2026"),
    "pl": ("2 marca 2026", "6 grudnia 2026"),
    "pt": ("2 de março de 2026", "6 de dezembro de 2026"),
    "ro": ("2 martie 2026", "6 decembrie 2026"),
    "sk": ("2. marca 2026", "6. decembra 2026"),
    "sl": ("2. marca 2026", "6. decembra 2026"),
    "sv": ("2 mars 2026", "6 december 2026"),
}


@pytest.mark.parametrize("language", list(DATES))
def test_every_language_writes_a_date_as_it_does_in_running_text(language):
    day = Template('{% include "includes/date.html" %}')

    with translation.override(language):
        written = [
            html.unescape(day.render(Context({"value": value})))
            for value in (date(2026, 3, 2), date(2026, 12, 6))
        ]

    assert written == [
        f'<time datetime="2026-03-02">{DATES[language][0]}</time>',
        f'<time datetime="2026-12-06">{DATES[language][1]}</time>',
    ]


def test_the_date_table_covers_every_language():
    assert list(DATES) == [code for code, _name in settings.LANGUAGES]
