"""Waiting for the requester: spans with a reason, which the clock reads (docs/DEADLINES.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app import deadlines, localtime
from requests_app.models.states import Status


class WaitReason(models.TextChoices):
    EMAIL = deadlines.EMAIL, _("confirmation of the e-mail address")
    IDENTITY = deadlines.IDENTITY, _("information to confirm the requester's identity")
    FEE = deadlines.FEE, _("a fee")
    CLARIFICATION = deadlines.CLARIFICATION, _("a clarification of the request")


class Wait(models.Model):
    """A span in which the request waits for the requester (docs/DEADLINES.md)."""

    request = models.ForeignKey(
        "requests_app.PrivacyRequest", on_delete=models.CASCADE, related_name="waits"
    )
    reason = models.CharField(_("waiting for"), max_length=20, choices=WaitReason.choices)
    started_at = models.DateTimeField(_("since"), default=timezone.now)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    # The status the request goes back to when the requester answers.
    resumes_to = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    # Indexed only where set (below): the e-mail wait of every filing has none.
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("wait for the requester")
        verbose_name_plural = _("waits for the requester")
        ordering = ["started_at", "id"]
        indexes = [
            models.Index(
                fields=["staff_user"],
                condition=models.Q(staff_user__isnull=False),
                name="wait_staff_user_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_wait_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.reason}"

    def span(self) -> deadlines.Wait:
        return deadlines.Wait(
            self.reason,
            localtime.local_date(self.started_at),
            localtime.local_date(self.ended_at) if self.ended_at else None,
        )
