"""The reminders that were sent: one row per request, kind and day, never two."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    """A reminder that was sent: one per request, kind and deadline, never twice."""

    class Kind(models.TextChoices):
        CONFIRM_EMAIL = "confirm_email", _("requester: please confirm the e-mail address")
        WAITING = "waiting", _("requester: we wait for your answer")
        LATE = "late", _("requester: the answer is late")
        LAPSED = "lapsed", _("requester: the request lapsed")
        NEW_REQUEST = "new_request", _("officer: a new confirmed request")
        DUE_SOON = "due_soon", _("officer: the answer is due soon")
        DUE_TODAY = "due_today", _("officer: the answer is due today")
        OVERDUE = "overdue", _("officer: the answer is overdue")
        EXTENSION_DEADLINE = "extension_deadline", _("officer: last days to announce an extension")

    request = models.ForeignKey(
        "requests_app.PrivacyRequest", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # The day the reminder is for: with the kind, what makes it the same reminder.
    deadline = models.DateField(_("for the day"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "deadline"], name="one_reminder_per_kind_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.kind} {self.deadline}"
