"""The organisation's own words: an e-mail's subject and text per language, sent instead of
the files, and the registry of e-mails and variables they are written against."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine
from django.utils import translation

from requests_app import email_kinds, outbox, services, text_engine
from requests_app.models import EmailText, OutboxEmail, PrivacyRequest
from requests_app.models.email_texts import placeholder_request, sample_context
from tests.helpers import VALID_FILING

GERMAN_SUBJECT = "[{{ request.reference }}] Ihre Adresse, bitte"
GERMAN_TEXT = (
    "Guten Tag,\n\nbitte bestätigen Sie Ihre Adresse für {{ request.reference }}:\n\n"
    "{{ verify_url }}\n\nDer Link gilt {{ hours }} Stunden.\n\n{{ organisation_name }}"
)


def filed_in(language: str, email: str = "erika@example.de") -> PrivacyRequest:
    data = {**VALID_FILING, "email": email}
    data.pop("consent")
    request, _created = services.file_request(data, language=language, ip_address="192.0.2.1")
    return request


def german_text(**fields: str) -> EmailText:
    text = EmailText(
        kind="confirm_address", language="de", subject=GERMAN_SUBJECT, text=GERMAN_TEXT
    )
    for name, value in fields.items():
        setattr(text, name, value)
    text.save()
    return text


# ------------------------------------------------------------------------------ sending


@pytest.mark.django_db
def test_a_german_text_changes_the_german_email_and_leaves_the_english_one_on_the_files():
    german_text()
    erika = filed_in("de")
    john = filed_in("en", email="john@example.com")

    german = outbox.render(OutboxEmail.objects.get(request=erika))
    english = outbox.render(OutboxEmail.objects.get(request=john))

    assert german.subject == f"[{erika.reference}] Ihre Adresse, bitte"
    assert german.text.startswith(
        f"Guten Tag,\n\nbitte bestätigen Sie Ihre Adresse für {erika.reference}:"
    )
    assert "/requests/verify/" in german.text
    assert "Der Link gilt 72 Stunden." in german.text
    assert english.subject == f"[{john.reference}] Please confirm your e-mail address"
    assert "We received your privacy request" in english.text


@pytest.mark.django_db
def test_the_html_part_is_the_texts_words_escaped_in_the_email_layout_with_links_clickable():
    german_text(text="Für {{ request.reference }} <bitte> hier:\n{{ verify_url }}\n\nDanke & Gruß")
    erika = filed_in("de")

    html = outbox.render(OutboxEmail.objects.get(request=erika)).html

    link = re.search(r'<a href="([^"]+/requests/verify/[^"]+/)"', html)
    assert link, html
    assert f"<p>Für {erika.reference} &lt;bitte&gt; hier:<br>" in html
    assert "<p>Danke &amp; Gruß</p>" in html
    assert html.startswith('<!DOCTYPE html>\n<html lang="de">')  # the e-mails' layout
    assert f"<title>{settings.ORGANISATION_NAME}</title>" in html


@pytest.mark.django_db
def test_the_sent_email_has_the_texts_subject_and_both_parts(mailoutbox):
    german_text()
    erika = filed_in("de")

    outbox.send(OutboxEmail.objects.get(request=erika).pk)

    (message,) = mailoutbox
    assert message.subject == f"[{erika.reference}] Ihre Adresse, bitte"
    assert message.body.startswith("Guten Tag,")
    html, mimetype = message.alternatives[0]
    assert (mimetype, "Guten Tag," in html) == ("text/html", True)


@pytest.mark.django_db
def test_a_text_that_breaks_after_it_was_saved_sends_the_files_and_logs_a_warning(caplog):
    german_text()
    EmailText.objects.update(text="{% if %}")  # past the check, as no form would let it
    erika = filed_in("de")

    with caplog.at_level(logging.WARNING, logger="requests_app.outbox"):
        rendered = outbox.render(OutboxEmail.objects.get(request=erika))

    assert rendered.subject.startswith(f"[{erika.reference}]")
    assert "/requests/verify/" in rendered.text
    assert "/requests/verify/" in rendered.html
    assert any("does not render" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_an_officers_text_reaches_only_the_listed_fields_of_the_request():
    german_text()
    EmailText.objects.update(text="{{ request.email }}{{ request.full_name }}|{{ request.type }}")
    erika = filed_in("de")

    rendered = outbox.render(OutboxEmail.objects.get(request=erika))

    with translation.override("de"):
        assert rendered.text == f"|{erika.get_request_type_display()}"


@pytest.mark.django_db
def test_the_model_refuses_a_text_that_does_not_compile_whoever_saves_it():
    text = EmailText(kind="asked", language="fr", subject="{{ status_url }}", text="{% for %}")

    with pytest.raises(ValidationError) as refused:
        text.full_clean()

    assert list(refused.value.message_dict) == ["text"]


# ------------------------------------------------------------------------------ the registry


def test_the_registry_lists_every_email_in_the_templates_folder():
    folder = Path(settings.BASE_DIR) / "templates" / "emails"
    files = {path.name.removesuffix("_subject.txt") for path in folder.glob("*_subject.txt")}

    assert set(email_kinds.all_kinds()) == files


FILES = Engine(
    dirs=[Path(settings.BASE_DIR) / "templates"],
    libraries={"i18n": "django.templatetags.i18n"},
    string_if_invalid="\x00%s\x00",
)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(email_kinds.all_kinds()))
def test_the_registry_lists_every_variable_the_files_of_an_email_use(kind):
    email_kind = email_kinds.find(kind)
    context = {
        "site_url": settings.SITE_URL,
        "organisation_name": settings.ORGANISATION_NAME,
        **email_kind.sample_values(),
    }
    if email_kind.about_a_request:
        context["request"] = placeholder_request("en")

    unknown = set()
    for suffix in ("_subject.txt", ".txt", ".html"):
        output = FILES.get_template(f"emails/{kind}{suffix}").render(Context(context))
        unknown |= set(re.findall("\x00(.*?)\x00", output))

    assert unknown == set()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(email_kinds.all_kinds()))
def test_every_variable_the_registry_lists_has_a_value_in_a_sample(kind):
    email_kind = email_kinds.find(kind)
    context = sample_context(email_kind, placeholder_request("en"))

    values = {
        variable.name: text_engine.render(variable.tag, context)
        for variable in email_kind.all_variables
    }

    assert [name for name, value in values.items() if not value] == []
