"""The outbox row: an e-mail written in the transaction that caused it, sent afterwards."""

from __future__ import annotations

import uuid
from email.utils import make_msgid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_message_id() -> str:
    """Fixed when the row is written, so that a repeated send is recognisably the same mail."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return make_msgid(idstring=uuid.uuid4().hex, domain=domain)


class OutboxEmail(models.Model):
    """An e-mail written in the transaction that caused it, sent afterwards by Celery."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    request = models.ForeignKey(
        "requests_app.PrivacyRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
    )
    kind = models.CharField(_("kind"), max_length=40)
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=10)
    # What the templates need besides the request. Links in it carry secrets, so it is
    # emptied once the e-mail was sent, and the body is rendered only when sending.
    context = models.JSONField(default=dict, blank=True)
    # Files from the private storage: [{"path": …, "filename": …, "mimetype": …}].
    attachments = models.JSONField(default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    message_id = models.CharField(max_length=200, editable=False, default=new_message_id)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Pending: when to (re)try. Sending: when the claim lapses if the sender died.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox e-mail")
        verbose_name_plural = _("outbox e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state__in=["pending", "sending"]),
                name="outbox_due_idx",
            ),
        ]
        # A constraint, not `unique=True`: no pattern-matching index beside it (links.py).
        constraints = [models.UniqueConstraint(fields=["message_id"], name="outbox_message_id_key")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}"
