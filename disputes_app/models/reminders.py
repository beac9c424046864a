"""Reminders of a dispute's deadlines, sent once per kind, deadline and day."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DisputeReminder(models.Model):
    """A reminder of the organisation's answer to the body, or of another date the body set
    (`body_deadline`): once per kind and day."""

    class Kind(models.TextChoices):
        ANSWER_SOON = "dispute_answer_soon", _("officer: the answer to the body is due soon")
        ANSWER_LATE = "dispute_answer_late", _("officer: the answer to the body is late")
        DEADLINE_SOON = "dispute_deadline_soon", _("officer: a date the body set is near")
        DEADLINE_LATE = "dispute_deadline_late", _("officer: a date the body set has passed")

    dispute = models.ForeignKey(
        "disputes_app.Dispute", on_delete=models.CASCADE, related_name="reminders"
    )
    body_deadline = models.ForeignKey(
        "disputes_app.BodyDeadline",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    deadline = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "kind", "deadline"],
                condition=models.Q(body_deadline__isnull=True),
                name="one_dispute_reminder_per_day",
            ),
            models.UniqueConstraint(
                fields=["body_deadline", "kind", "deadline"],
                condition=models.Q(body_deadline__isnull=False),
                name="one_body_deadline_reminder_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispute} {self.kind} {self.deadline}"
