"""Outbound webhooks: the endpoints the officer configures, and each event's delivery to one.

A delivery is an outbox row of its own: written in the transaction of the change it tells
of, claimed with a conditional UPDATE before it is sent, retried with backoff, kept as the
endpoint's delivery log.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.claims import claim_row


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_message_id() -> str:
    """The `webhook-id` of a delivery, the same on each attempt: receivers deduplicate by it."""
    return f"msg_{uuid.uuid4().hex}"


class WebhookEvent(models.TextChoices):
    FILED = "request.filed", _("a request was filed")
    CONFIRMED = "request.confirmed", _("a requester confirmed the e-mail address")
    DUE_SOON = "request.due_soon", _("an answer is due soon")
    OVERDUE = "request.overdue", _("an answer is overdue")
    ANSWERED = "request.answered", _("a request was answered")
    REFUSED = "request.refused", _("a request was refused")
    ESCALATED = "request.escalated", _("a request was escalated to a recourse body")
    DISPUTE_CLOSED = "dispute.closed", _("a dispute was closed")


class WebhookEndpoint(models.Model):
    """Where the portal tells another system of what happened, signed with the secret."""

    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(
        _("events"), default=list, help_text=_("What this endpoint is told of.")
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_secret,
        editable=False,
        help_text=_("The receiver verifies each delivery's signature with it."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["url"]

    def __str__(self) -> str:
        return self.description or self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: sent once, retried while it fails, logged."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField()
    message_id = models.CharField(max_length=40, default=new_message_id)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Pending: when to (re)try. Sending: when the claim lapses if the sender died.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    response_status = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_due_idx",
                condition=Q(state__in=["pending", "sending"]),
            )
        ]
        # A constraint, not `unique=True`: no pattern-matching index beside it (links.py).
        constraints = [
            models.UniqueConstraint(fields=["message_id"], name="webhook_message_id_key")
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"

    def claim(self, lease: timedelta) -> bool:
        """Take the delivery for this sender: once, or again after the last claim lapsed."""
        ready = [self.State.PENDING, self.State.SENDING]
        claimed = claim_row(
            WebhookDelivery, self.pk, ready=ready, taken=self.State.SENDING, lease=lease
        )
        if claimed:
            self.refresh_from_db()
        return claimed
