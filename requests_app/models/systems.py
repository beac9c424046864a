"""Where requesters' data may be held, the task each system gets, and identity checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.models.events import RequestEvent
from requests_app.models.states import RequestType, TransitionNotAllowed


class DataSystem(models.Model):
    """A system or subprocessor that may hold requesters' data, seeded from the notice."""

    class Kind(models.TextChoices):
        WEBSITE = "website", _("our website")
        SUBPROCESSOR = "subprocessor", _("subprocessor")
        INTERNAL = "internal", _("internal system")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    holds = models.TextField(_("what it holds"), blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("New requests get a task for active systems.")
    )

    class Meta:
        verbose_name = _("system or subprocessor")
        verbose_name_plural = _("systems and subprocessors")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


# Rights whose recipients must be told of the change (GDPR Art. 19).
TELL_RECIPIENTS = frozenset({RequestType.CORRECTION, RequestType.DELETION, RequestType.RESTRICTION})


class SystemTask(models.Model):
    """What one system or subprocessor has to do for one request."""

    request = models.ForeignKey(
        "requests_app.PrivacyRequest", on_delete=models.CASCADE, related_name="tasks"
    )
    system = models.ForeignKey(DataSystem, on_delete=models.PROTECT, related_name="tasks")
    outcome = models.TextField(_("what was done"), blank=True)
    recipient_told_at = models.DateTimeField(_("recipient told"), null=True, blank=True)
    not_told_reason = models.TextField(
        _("why the recipient was not told"),
        blank=True,
        help_text=_("Only where telling proves impossible or takes disproportionate effort."),
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks per system")
        constraints = [
            models.UniqueConstraint(fields=["request", "system"], name="one_task_per_system")
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.system}"

    @property
    def must_tell_recipient(self) -> bool:
        return self.request.request_type in TELL_RECIPIENTS

    def complete(
        self,
        outcome: str,
        staff_user: Any,
        *,
        recipient_told: bool = False,
        not_told_reason: str = "",
    ) -> None:
        """Close the task; for a correction, deletion or restriction, the recipient was told."""
        if self.must_tell_recipient and not recipient_told and not not_told_reason.strip():
            raise TransitionNotAllowed(
                gettext("Tell the recipient of the change, or say why that is impossible.")
            )
        with transaction.atomic():
            self.refresh_from_db(from_queryset=SystemTask.objects.select_for_update())
            if self.done_at is not None:
                raise TransitionNotAllowed(
                    gettext("The task for %(system)s was done already.") % {"system": self.system}
                )
            now = timezone.now()
            self.outcome, self.not_told_reason = outcome, not_told_reason.strip()
            self.recipient_told_at = now if recipient_told else None
            self.done_at, self.done_by = now, staff_user
            self.save(
                update_fields=[
                    "outcome",
                    "not_told_reason",
                    "recipient_told_at",
                    "done_at",
                    "done_by",
                ]
            )
            self.request.record(
                RequestEvent.Kind.TASK_DONE,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"system": self.system.name, "recipient_told": recipient_told},
            )


class IdentityCheck(models.Model):
    """The fact that identity was checked: how, the result, by whom. Never a copy of a document."""

    class Method(models.TextChoices):
        EMAIL_MATCH = "email_match", _("the e-mail address matches our records")
        ACCOUNT = "account", _("an account or customer number only the person has")
        KNOWLEDGE = "knowledge", _("details only the person can know")
        DOCUMENT_SEEN = "document_seen", _("an identity document was seen and not kept")
        OTHER = "other", _("other")

    request = models.ForeignKey(
        "requests_app.PrivacyRequest", on_delete=models.CASCADE, related_name="identity_checks"
    )
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    confirmed = models.BooleanField(_("identity confirmed"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("identity check")
        verbose_name_plural = _("identity checks")
        ordering = ["checked_at"]

    def __str__(self) -> str:
        return f"{self.request} {self.method}"
