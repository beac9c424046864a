"""The organisation's own words: an e-mail's subject and text per language, written in the
admin, checked on save, previewed, logged, and sent instead of the files."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.template import Context, Engine
from django.utils import translation

from requests_app import email_kinds, outbox, services, text_engine
from requests_app.models import EmailText, EmailTextVersion, OutboxEmail, PrivacyRequest
from requests_app.models.email_texts import placeholder_request, sample_context
from tests.helpers import VALID_FILING, last_email, member_of

ADMIN = "/admin/requests_app/emailtext"
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


def form(**fields: str) -> dict[str, str]:
    return {
        "kind": "confirm_address",
        "language": "de",
        "subject": GERMAN_SUBJECT,
        "text": GERMAN_TEXT,
        **fields,
    }


@pytest.fixture
def officer(db):
    return member_of("Privacy officers")


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


# ------------------------------------------------------------------------------ the admin


@pytest.mark.django_db
def test_an_officer_writes_a_text_and_the_next_german_email_uses_it(officer):
    response = officer.post(f"{ADMIN}/add/", form())

    assert response.status_code == 302, response.content.decode()[:3000]
    erika = filed_in("de")
    assert outbox.render(last_email("confirm_address")).subject.startswith(
        f"[{erika.reference}] Ihre Adresse, bitte"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "source", "says"),
    [
        ("text", "Hallo {% if hours %}", "Unclosed tag"),
        ("text", "{{ hours|no_such_filter }}", "Invalid filter"),
        ("subject", "{% load i18n %}{% translate 'x' %}", "Invalid block tag"),
        ("text", '{% include "emails/base.html" %}', "Invalid block tag"),
        ("text", "{{ verify_link }}", "no variable {{ verify_link }}"),
        ("subject", "{{ request.email }}", "no variable {{ request.email }}"),
    ],
)
def test_a_text_that_does_not_render_or_uses_an_unknown_variable_is_refused_on_its_field(
    officer, field, source, says
):
    response = officer.post(f"{ADMIN}/add/", form(**{field: source}))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert says in errors[field][0]
    assert not EmailText.objects.exists()


@pytest.mark.django_db
def test_the_same_email_and_language_cannot_have_two_texts(officer):
    german_text()

    response = officer.post(f"{ADMIN}/add/", form(subject="Noch einer"))

    assert response.status_code == 200
    assert "has a text in this language already" in response.content.decode()
    assert EmailText.objects.count() == 1


@pytest.mark.django_db
def test_the_form_lists_the_variables_of_its_email_with_what_each_is(officer):
    text = german_text()

    page = officer.get(f"{ADMIN}/{text.pk}/change/").content.decode()

    assert "<code>{{ verify_url }}</code>: The link that confirms the e-mail address" in page
    assert "<code>{{ request.reference }}</code>" in page
    assert "{{ status_url }}" not in page


@pytest.mark.django_db
def test_the_preview_shows_the_text_for_the_latest_request_in_its_language(officer):
    filed_in("de", email="first@example.de")
    latest = filed_in("de")
    filed_in("en", email="john@example.com")
    text = german_text()

    page = officer.get(f"{ADMIN}/{text.pk}/change/").content.decode()

    preview = page.split('id="preview"')[1]
    assert f"As the e-mail would read for {latest.reference}" in preview
    assert f"[{latest.reference}] Ihre Adresse, bitte" in preview
    assert "Der Link gilt 72 Stunden." in preview
    assert "/requests/verify/SAMPLE/" in preview


@pytest.mark.django_db
def test_without_a_request_in_its_language_the_preview_uses_placeholder_data(officer):
    text = german_text()

    preview = text.preview()
    page = officer.get(f"{ADMIN}/{text.pk}/change/").content.decode()

    assert preview.request is None
    assert re.match(r"\[DSR-\d{4}-000123\] Ihre Adresse, bitte", preview.subject)
    assert "As the e-mail would read with placeholder data." in page
    assert preview.subject in page


@pytest.mark.django_db
def test_save_and_preview_saves_and_opens_the_preview(officer):
    response = officer.post(f"{ADMIN}/add/", {**form(), "_preview": "Save and preview"})

    text = EmailText.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}/{text.pk}/change/#preview"


@pytest.mark.django_db
def test_deleting_the_text_sends_the_files_again(officer):
    text = german_text()

    response = officer.post(f"{ADMIN}/{text.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    erika = filed_in("de")
    subject = outbox.render(OutboxEmail.objects.get(request=erika)).subject
    assert "Ihre Adresse, bitte" not in subject
    assert subject.startswith(f"[{erika.reference}]")


@pytest.mark.django_db
def test_a_change_is_logged_with_what_changed_and_the_previous_text_is_kept(officer):
    officer.post(f"{ADMIN}/add/", form())
    text = EmailText.objects.get()

    officer.post(
        f"{ADMIN}/{text.pk}/change/",
        {"subject": "Neu: {{ request.reference }}", "text": GERMAN_TEXT.replace("\n", "\r\n")},
    )
    officer.post(f"{ADMIN}/{text.pk}/delete/", {"post": "yes"})

    entry = LogEntry.objects.get(action_flag=CHANGE, object_id=str(text.pk))
    assert entry.get_change_message() == "Changed Subject."
    versions = EmailTextVersion.objects.filter(kind="confirm_address", language="de")
    assert [(v.change, v.subject) for v in versions] == [
        ("deleted", "Neu: {{ request.reference }}"),
        ("saved", "Neu: {{ request.reference }}"),
        ("saved", GERMAN_SUBJECT),
    ]
    assert {v.changed_by.username for v in versions} == {"Privacy-officers"}
    assert versions.last().text == GERMAN_TEXT


@pytest.mark.django_db
def test_saving_an_unchanged_text_adds_no_version(officer):
    officer.post(f"{ADMIN}/add/", form())
    text = EmailText.objects.get()

    officer.post(f"{ADMIN}/{text.pk}/change/", {"subject": GERMAN_SUBJECT, "text": GERMAN_TEXT})

    assert EmailTextVersion.objects.count() == 1


@pytest.mark.django_db
def test_a_version_cannot_be_changed_or_deleted(officer):
    officer.post(f"{ADMIN}/add/", form())
    version = EmailTextVersion.objects.get()

    version.subject = "rewritten"
    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        version.delete()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["view_only_client", "Privacy staff"])
def test_staff_who_may_only_view_see_a_text_and_cannot_change_or_add_one(request, who):
    staff = request.getfixturevalue(who) if who.endswith("client") else member_of(who)
    text = german_text()

    page = staff.get(f"{ADMIN}/{text.pk}/change/")
    change = staff.post(f"{ADMIN}/{text.pk}/change/", {"subject": "Geändert", "text": "x"})
    add = staff.post(f"{ADMIN}/add/", form(language="fr"))
    delete = staff.post(f"{ADMIN}/{text.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200
    assert "Save and preview" not in page.content.decode()
    assert (change.status_code, add.status_code, delete.status_code) == (403, 403, 403)
    assert list(EmailText.objects.values_list("subject", flat=True)) == [GERMAN_SUBJECT]


# ------------------------------------------------------------------------------ the registry


def test_the_registry_lists_every_email_in_the_templates_folder():
    folder = Path(settings.BASE_DIR) / "templates" / "emails"
    files = {path.name.removesuffix("_subject.txt") for path in folder.glob("*_subject.txt")}

    assert set(email_kinds.all_kinds()) == files


FILES = Engine(
    dirs=[Path(settings.BASE_DIR) / "templates"],
    libraries={"i18n": "django.templatetags.i18n", "portal": "core.templatetags.portal"},
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
