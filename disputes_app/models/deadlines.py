"""The dates a recourse body sets: the organisation is reminded of each (RULES.md section 3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BodyDeadline(models.Model):
    """A date the body set, as the body set it: for our answer, a hearing, its decision, or
    carrying out a remedy. Met when the step it waits for is recorded (or by the officer)."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("the organisation's answer to the body")
        HEARING = "hearing", _("a hearing")
        DECISION = "decision", _("the body's decision")
        REMEDY = "remedy", _("carrying out the remedy")
        OTHER = "other", _("another date the body set")

    dispute = models.ForeignKey(
        "disputes_app.Dispute", on_delete=models.CASCADE, related_name="deadlines"
    )
    kind = models.CharField(_("for"), max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    set_on = models.DateField(_("set by the body on"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    met_on = models.DateField(_("met on"), null=True, blank=True)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline set by the body")
        verbose_name_plural = _("deadlines set by the body")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.due_on}"

    @property
    def reminds_while_overdue(self) -> bool:
        """A hearing's day passes by itself; every other date waits for what it asks."""
        return self.kind != self.Kind.HEARING
