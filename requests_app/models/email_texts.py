"""The organisation's own words: an e-mail's subject and text in one language, written in the
admin in place of the files in templates/emails/, and every version of it kept.

A text is Django's template language with the variables its e-mail lists (email_kinds.py),
rendered by text_engine.py. It is refused when it does not render with a sample of them, or
uses one its e-mail does not have; the outbox sends the files when there is no text for an
e-mail's kind and language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from requests_app import email_kinds, localtime, text_engine
from requests_app.email_kinds import EmailKind
from requests_app.models.events import AppendOnly
from requests_app.models.request import PrivacyRequest
from requests_app.models.states import RequestType

# A preview shows the latest request in the text's language among this many of the latest.
PREVIEW_WINDOW = 1000


def languages() -> list[tuple[str, str]]:
    return settings.LANGUAGES


@dataclass(frozen=True)
class Preview:
    subject: str
    text: str
    request: PrivacyRequest | None  # a real one, or None for the placeholder
    error: str = ""


class EmailText(models.Model):
    """An e-mail's subject and text in one language, sent instead of its files."""

    kind = models.CharField(_("e-mail"), max_length=40, choices=email_kinds.choices)
    language = models.CharField(_("language"), max_length=10, choices=languages)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"), max_length=20000)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail text")
        verbose_name_plural = _("e-mail texts")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language"],
                name="email_text_kind_language_key",
                violation_error_message=_(
                    "This e-mail has a text in this language already: change that one."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"

    @property
    def email_kind(self) -> EmailKind | None:
        return email_kinds.find(self.kind)

    def clean(self) -> None:
        """Refuse a subject or text that does not render, or uses a variable it does not get."""
        kind = self.email_kind
        if kind is None or not self.language:
            return
        # The sample in the e-mail's language; what is wrong, in the officer's.
        officers = translation.get_language()
        with translation.override(self.language):
            context = sample_context(kind, placeholder_request(self.language))
            with translation.override(officers):
                errors = {
                    field: problem
                    for field in ("subject", "text")
                    if (problem := template_problem(getattr(self, field), context, kind))
                }
        if errors:
            raise ValidationError(errors)

    def render(self, context: dict[str, Any]) -> tuple[str, str]:
        """Subject (on one line) and text; call it in the e-mail's language."""
        subject = text_engine.render(self.subject, context)
        return " ".join(subject.split()), text_engine.render(self.text, context)

    def preview(self) -> Preview:
        """As the e-mail would read for the latest request in its language, or a placeholder."""
        kind = self.email_kind
        request = latest_request(self.language) if kind and kind.about_a_request else None
        with translation.override(self.language):
            sample = request or placeholder_request(self.language)
            context = sample_context(kind, sample) if kind else {}
            try:
                subject, text = self.render(context)
            except Exception as error:  # saved before a check it would fail, or a kind gone
                return Preview("", "", request, error=f"{type(error).__name__}: {error}")
        return Preview(subject, text, request)

    def save_by(self, user: Any) -> None:
        """Save, and keep this version in the history unless it is the latest one there."""
        with transaction.atomic():
            self.save()
            latest = self.history().first()
            kept = (
                latest is not None
                and latest.change == EmailTextVersion.Change.SAVED
                and (latest.subject, latest.text) == (self.subject, self.text)
            )
            if not kept:
                EmailTextVersion.keep(self, user, EmailTextVersion.Change.SAVED)

    def delete_by(self, user: Any) -> None:
        """Delete: the files are sent again. The text stays in the history."""
        with transaction.atomic():
            EmailTextVersion.keep(self, user, EmailTextVersion.Change.DELETED)
            self.delete()

    def history(self) -> models.QuerySet[EmailTextVersion]:
        return EmailTextVersion.objects.filter(kind=self.kind, language=self.language)


class EmailTextVersion(AppendOnly):
    """A text as it was saved, or as it was when it was deleted: never changed or deleted."""

    class Change(models.TextChoices):
        SAVED = "saved", _("saved")
        DELETED = "deleted", _("deleted: the files were sent again")

    kind = models.CharField(_("e-mail"), max_length=40)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    change = models.CharField(_("change"), max_length=10, choices=Change.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("version of an e-mail text")
        verbose_name_plural = _("versions of e-mail texts")
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "language", "-changed_at"], name="email_text_version_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language}) {self.changed_at:%Y-%m-%d %H:%M}"

    @classmethod
    def keep(cls, text: EmailText, user: Any, change: str) -> EmailTextVersion:
        return cls.objects.create(
            kind=text.kind,
            language=text.language,
            subject=text.subject,
            text=text.text,
            change=change,
            changed_by=user,
        )


def template_problem(source: str, context: dict[str, Any], kind: EmailKind) -> str | None:
    """Why `source` cannot be sent as this e-mail's subject or text, if it cannot."""
    if not source:
        return None
    try:
        unknown = text_engine.unknown_variables(source, context)
    except Exception as error:  # TemplateSyntaxError, or a filter that fails on its value
        return gettext("This does not work as a template: %(error)s") % {"error": error}
    if not unknown:
        return None
    return ngettext(
        "This e-mail has no variable %(names)s. It may use: %(known)s.",
        "This e-mail has no variables %(names)s. It may use: %(known)s.",
        len(unknown),
    ) % {
        "names": ", ".join(f"{{{{ {name} }}}}" for name in unknown),
        "known": ", ".join(variable.name for variable in kind.all_variables),
    }


def sample_context(kind: EmailKind, request: PrivacyRequest | None) -> dict[str, Any]:
    """A context of this e-mail with sample values and, if it is about one, this request."""
    return email_kinds.text_context(kind.sample_values(), request if kind.about_a_request else None)


def placeholder_request(language: str) -> PrivacyRequest:
    """An unsaved request with placeholder data, for checks and for a preview without one."""
    today = localtime.today()
    return PrivacyRequest(
        reference=f"DSR-{today.year}-000123",
        request_type=RequestType.ACCESS,
        language=language,
        received_at=timezone.now(),
        due_on=today + timedelta(days=30),
        extension_reason=gettext("The data is spread over several systems."),
    )


def latest_request(language: str) -> PrivacyRequest | None:
    """The latest request in this language, looked for among the latest PREVIEW_WINDOW only
    (the received_at index is read backwards; a language nobody files in costs no scan)."""
    latest = PrivacyRequest.objects.order_by("-received_at", "-id").values("pk")[:PREVIEW_WINDOW]
    return (
        PrivacyRequest.objects.filter(pk__in=latest, language=language)
        .order_by("-received_at", "-id")
        .first()
    )
