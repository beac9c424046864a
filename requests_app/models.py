"""Data-subject requests, their events, messages, private links and the e-mail outbox."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
import zoneinfo
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from requests_app import deadlines


class RequestType(models.TextChoices):
    ACCESS = "access", _("Access: a copy of my data and how it is used")
    CORRECTION = "correction", _("Correction: correct or amend my data")
    DELETION = "deletion", _("Deletion: delete my data")
    PORTABILITY = "portability", _("Portability: my data in a machine-readable form")
    RESTRICTION = "restriction", _("Restriction: stop using my data for a while")
    OBJECTION = "objection", _("Objection: opt out of a use of my data")
    COMPLAINT = "complaint", _("Complaint: a concern about how my data was handled")
    QUESTION = "question", _("Question: anything else about the privacy notice")


class Status(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for the e-mail address to be confirmed")
    NEW = "new", _("Received")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = frozenset({Status.UNCONFIRMED, Status.NEW})

DUE_RULE_LABELS = {
    "gdpr_month": _("one month (GDPR Art. 12(3))"),
    "uk_gdpr_month": _("one month (UK GDPR Art. 12(3))"),
    "fadp_30_days": _("30 days (Swiss FADP Art. 25(7))"),
    "default_days": _("the organisation's time limit in days"),
    "dpf_complaint_45_days": _("45 days for a complaint (DPF Supplemental Principle 11)"),
    "complaint_days": _("the organisation's time limit for a complaint"),
    "promise": _("the shorter time the organisation promises"),
}


class TransitionNotAllowed(Exception):
    """A change of state that the request's current state does not allow."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ReferenceCounter(models.Model):
    """The last reference number handed out in a year; one row per year."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"

    @classmethod
    def next_reference(cls, year: int) -> str:
        """Allocate the next number of the year in one atomic statement (race-free)."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608
                f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
                [year],
            )
            (number,) = cursor.fetchone()
        return f"DSR-{year}-{number:06d}"


class PrivacyRequest(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    request_type = models.CharField(_("type"), max_length=20, choices=RequestType.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.UNCONFIRMED,
        editable=False,
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    country = CountryField(_("country of residence"))
    details = models.TextField(_("details"), max_length=5000)
    language = models.CharField(_("language"), max_length=10, default="en", editable=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_on = models.DateField(_("answer due"))
    due_rule = models.CharField(_("rule that set the due date"), max_length=40)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Kept for abuse handling only (the privacy notice names the IP address as collected).
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Makes a form posted twice one request: a hash of the form instance and its content.
    submission_key = models.CharField(max_length=64, unique=True, editable=False)
    updated_at = models.DateTimeField(_("last activity"), auto_now=True)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["-received_at"]
        indexes = [
            models.Index(Lower("email"), name="request_email_ci_idx"),
            models.Index(fields=["status", "due_on"], name="request_status_due_idx"),
            models.Index(fields=["received_at"], name="request_received_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def due_rule_label(self) -> str:
        return DUE_RULE_LABELS.get(self.due_rule, self.due_rule)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @staticmethod
    def deadline_for(received_at: datetime, request_type: str, country: str) -> deadlines.Deadline:
        """The due date of an answer under RULES.md section 2, from the organisation's settings."""
        zone = zoneinfo.ZoneInfo(settings.ORGANISATION_TIME_ZONE)
        return deadlines.answer_due(
            received_at.astimezone(zone).date(),
            request_type,
            country,
            default_days=settings.DEADLINE_DEFAULT_DAYS,
            complaint_days=settings.DEADLINE_COMPLAINT_DAYS,
            promised_days=settings.DEADLINE_PROMISED_DAYS,
            holiday_country=settings.DEADLINE_HOLIDAY_COUNTRY or None,
        )

    def set_deadline(self) -> None:
        deadline = self.deadline_for(self.received_at, self.request_type, str(self.country))
        self.due_on, self.due_rule = deadline.due_on, deadline.rule

    def _locked(self) -> PrivacyRequest:
        return PrivacyRequest.objects.select_for_update().get(pk=self.pk)

    def _move(self, allowed_from: set[str], to: str, **fields: Any) -> None:
        """Lock the row, check the move, save the new state. Call inside a transaction."""
        current = self._locked()
        if current.status not in allowed_from:
            raise TransitionNotAllowed(
                f"{self.reference}: cannot go from {current.status!r} to {to!r}"
            )
        self.status = to
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=["status", "updated_at", *fields])

    def confirm_email(self) -> None:
        with transaction.atomic():
            self._move({Status.UNCONFIRMED}, Status.NEW, email_confirmed_at=timezone.now())
            self.record(RequestEvent.Kind.EMAIL_CONFIRMED, actor=RequestEvent.Actor.REQUESTER)

    def withdraw(self) -> None:
        with transaction.atomic():
            self._move(OPEN_STATUSES, Status.WITHDRAWN, closed_at=timezone.now())
            self.record(RequestEvent.Kind.WITHDRAWN, actor=RequestEvent.Actor.REQUESTER)

    def record(
        self,
        kind: str,
        *,
        actor: str = "system",
        staff_user: Any = None,
        data: dict[str, Any] | None = None,
    ) -> RequestEvent:
        return RequestEvent.objects.create(
            request=self, kind=kind, actor=actor, staff_user=staff_user, data=data or {}
        )


class RequestEvent(models.Model):
    """What happened to a request: append-only, never edited or deleted."""

    class Kind(models.TextChoices):
        FILED = "filed", _("Request received")
        EMAIL_CONFIRMED = "email_confirmed", _("E-mail address confirmed")
        MESSAGE_FROM_REQUESTER = "message_from_requester", _("Message from the requester")
        MESSAGE_FROM_TEAM = "message_from_team", _("Message from the privacy team")
        LINKS_SENT = "links_sent", _("New private links sent by e-mail")
        WITHDRAWN = "withdrawn", _("Request withdrawn by the requester")

    class Actor(models.TextChoices):
        REQUESTER = "requester", _("requester")
        STAFF = "staff", _("privacy team")
        SYSTEM = "system", _("system")

    request = models.ForeignKey(PrivacyRequest, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("what"), max_length=40, choices=Kind.choices)
    actor = models.CharField(_("by"), max_length=20, choices=Actor.choices, default=Actor.SYSTEM)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="event_request_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Events are append-only: an event cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Events are append-only: an event cannot be deleted.")


class Message(models.Model):
    class Author(models.TextChoices):
        REQUESTER = "requester", _("You")
        TEAM = "team", _("Privacy team")

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(_("from"), max_length=20, choices=Author.choices)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="message_request_time_idx")]

    def __str__(self) -> str:
        return f"{self.request} {self.get_author_display()} {self.created_at:%Y-%m-%d %H:%M}"


class AccessLink(models.Model):
    """A private link sent by e-mail. Only the hash of its token is stored."""

    class Purpose(models.TextChoices):
        VERIFY = "verify", _("confirm the e-mail address")
        STATUS = "status", _("status page")

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("private link")
        verbose_name_plural = _("private links")

    def __str__(self) -> str:
        return f"{self.request} {self.purpose}"

    @classmethod
    def issue(cls, request: PrivacyRequest, purpose: str) -> str:
        """Create a link and return its token (256 bits); the token itself is never stored."""
        token = secrets.token_urlsafe(32)
        expires_at = None
        if purpose == cls.Purpose.VERIFY:
            expires_at = timezone.now() + timedelta(hours=settings.VERIFY_LINK_HOURS)
        cls.objects.create(
            request=request, purpose=purpose, token_hash=hash_token(token), expires_at=expires_at
        )
        return token

    @classmethod
    def find(cls, token: str, purpose: str) -> AccessLink | None:
        if not 32 <= len(token) <= 64:
            return None
        wanted = hash_token(token)
        link = (
            cls.objects.select_related("request").filter(token_hash=wanted, purpose=purpose).first()
        )
        if link is None or not hmac.compare_digest(link.token_hash, wanted):
            return None
        return link

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def use(self) -> bool:
        """Spend a single-use link; False when it was spent already (also by a parallel POST)."""
        spent = AccessLink.objects.filter(pk=self.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        return spent == 1


class OutboxEmail(models.Model):
    """An e-mail written in the transaction that caused it, sent afterwards by Celery."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    request = models.ForeignKey(
        PrivacyRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="emails"
    )
    kind = models.CharField(_("kind"), max_length=40)
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=10)
    # What the templates need besides the request. Links in it carry secrets, so it is
    # emptied once the e-mail was sent, and the body is rendered only when sending.
    context = models.JSONField(default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    message_id = models.CharField(max_length=200, unique=True, editable=False)
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

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.message_id:
            domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
            self.message_id = make_msgid(idstring=uuid.uuid4().hex, domain=domain)
        super().save(*args, **kwargs)
