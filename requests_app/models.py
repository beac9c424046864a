"""Data-subject requests, their events, messages, private links and the e-mail outbox."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import date, datetime, timedelta
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from requests_app import addresses, append_only, deadlines, localtime


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
    IN_PROGRESS = "in_progress", _("Being worked on")
    WAITING = "waiting", _("Waiting for information from the requester")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed: the e-mail address was never confirmed")


# Confirmed and not yet answered: the organisation owes an answer.
PENDING_ANSWER = frozenset({Status.NEW, Status.IN_PROGRESS, Status.WAITING})
OPEN_STATUSES = PENDING_ANSWER | {Status.UNCONFIRMED}
FINAL_ANSWERS = frozenset({Status.ANSWERED, Status.REFUSED})


class RefusalReason(models.TextChoices):
    """The reasons docs/RULES.md section 1 allows; every refusal names one."""

    IDENTITY = "identity_not_confirmed", _("The requester's identity could not be confirmed")
    UNFOUNDED = "manifestly_unfounded", _("Manifestly unfounded or excessive (GDPR Art. 12(5))")
    DISPROPORTIONATE = (
        "disproportionate",
        _(
            "The burden or expense would be disproportionate to the risk to the person's privacy, "
            "or another person's rights would be violated"
        ),
    )
    NO_DATA = "no_data", _("No data about the requester was found")
    NOT_COVERED = "not_covered", _("Not covered by the privacy notice")
    OTHER = "other", _("Other")


class WaitReason(models.TextChoices):
    EMAIL = deadlines.EMAIL, _("confirmation of the e-mail address")
    IDENTITY = deadlines.IDENTITY, _("information to confirm the requester's identity")
    FEE = deadlines.FEE, _("a fee")
    CLARIFICATION = deadlines.CLARIFICATION, _("a clarification of the request")


class TasksStillOpen(Exception):
    """A request answered while systems are not done, without the officer saying why."""


class ExtensionNotAllowed(Exception):
    """An extension the rules do not allow; the message says why."""


DUE_RULE_LABELS = {
    "gdpr_month": _("one month (GDPR Art. 12(3))"),
    "uk_gdpr_month": _("one month (UK GDPR Art. 12(3))"),
    "gibraltar_gdpr_month": _("one month (Gibraltar GDPR Art. 12(3))"),
    "fadp_30_days": _("30 days (Swiss FADP Art. 25(7))"),
    "default_days": _("the organisation's time limit in days"),
    "dpf_complaint_45_days": _("45 days for a complaint (DPF Supplemental Principle 11)"),
    "complaint_days": _("the organisation's time limit for a complaint"),
    "promise": _("the shorter time the organisation promises"),
    "gdpr_month_extended": _("three months, extended (GDPR Art. 12(3))"),
    "uk_gdpr_month_extended": _("three months, extended (UK GDPR Art. 12(3))"),
    "gibraltar_gdpr_month_extended": _("three months, extended (Gibraltar GDPR Art. 12(3))"),
    "extended": _("the later date the organisation announced"),
}


class TransitionNotAllowed(Exception):
    """A change of state that the request's current state does not allow."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ReferenceCounter(models.Model):
    """The last reference number handed out in a year; one row per year."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField()

    # The year's row is created by its first filing; later ones count on (one statement).
    ALLOCATE_SQL = (
        "INSERT INTO {table} (year, last) VALUES (%s, 1) "
        "ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"

    @classmethod
    def next_reference(cls, year: int) -> str:
        """Allocate the next number of the year in one atomic statement (race-free)."""
        with connection.cursor() as cursor:
            cursor.execute(cls.ALLOCATE_SQL.format(table=cls.table()), [year])
            (number,) = cursor.fetchone()
        return f"DSR-{year}-{number:06d}"

    @classmethod
    def number(cls, request_id: int, year: int) -> str:
        """Allocate the next number of the year and write it on the request; the reference.

        On PostgreSQL one statement does both (one round trip less, and the counter row is
        locked for no more than that statement and the COMMIT).
        """
        if connection.vendor != "postgresql":
            reference = cls.next_reference(year)
            PrivacyRequest.objects.filter(pk=request_id).update(reference=reference)
            return reference
        allocate = cls.ALLOCATE_SQL.format(table=cls.table())
        requests = connection.ops.quote_name(PrivacyRequest._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH allocated AS ({allocate}) "  # noqa: S608
                f"UPDATE {requests} SET reference = "
                "'DSR-' || %s::text || '-' || "
                "lpad(allocated.last::text, greatest(6, length(allocated.last::text)), '0') "
                "FROM allocated WHERE id = %s RETURNING reference",
                [year, year, request_id],
            )
            (reference,) = cursor.fetchone()
        return reference

    @classmethod
    def table(cls) -> str:
        return connection.ops.quote_name(cls._meta.db_table)


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
    # addresses.key(email), set by save(): the lost-link lookup and its task use it, not the
    # address. The column's own default lets the previous release file during an upgrade.
    email_key = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
    country = CountryField(_("country of residence"))
    details = models.TextField(_("details"), max_length=5000)
    language = models.CharField(_("language"), max_length=10, default="en", editable=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_on = models.DateField(_("answer due"))
    due_rule = models.CharField(_("rule that set the due date"), max_length=40)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    refusal_reason = models.CharField(
        _("refusal reason"), max_length=30, choices=RefusalReason.choices, blank=True
    )
    refused_in_part = models.BooleanField(_("refused in part"), default=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The clock (docs/DEADLINES.md): what the due date and the reminder sweep need.
    clock_stopped = models.BooleanField(_("clock stopped"), default=False, editable=False)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the officer was last told of a message from the requester (claim_message_notice).
    message_notice_at = models.DateTimeField(null=True, blank=True, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
        verbose_name=_("assignee"),
    )
    # Kept for abuse handling only (the privacy notice names the IP address as collected).
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Makes a form posted twice one request: a hash of the form instance and its content.
    submission_key = models.CharField(max_length=64, unique=True, editable=False)
    updated_at = models.DateTimeField(_("last activity"), auto_now=True)
    purged_at = models.DateTimeField(_("personal data purged"), null=True, blank=True)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["-received_at"]
        indexes = [
            models.Index(Lower("email"), name="request_email_ci_idx"),
            models.Index(fields=["email_key"], name="request_email_key_idx"),
            models.Index(fields=["status", "due_on"], name="request_status_due_idx"),
            models.Index(fields=["received_at"], name="request_received_idx"),
            # The officer's list in its order: the open queue (its default), and all of it.
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(status__in=["unconfirmed", "new", "in_progress", "waiting"]),
                name="request_open_due_id_idx",
            ),
            models.Index(fields=["due_on", "id"], name="request_due_id_idx"),
            models.Index(
                fields=["next_reminder_at"],
                condition=models.Q(next_reminder_at__isnull=False),
                name="request_next_reminder_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "email" in update_fields:
            # The key follows the address however it is saved; a purged address leaves none.
            self.email_key = addresses.key(self.email) if self.email else ""
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "email_key"}
        super().save(*args, **kwargs)

    @property
    def due_rule_label(self) -> str:
        return DUE_RULE_LABELS.get(self.due_rule, self.due_rule)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaits_answer(self) -> bool:
        return self.status in PENDING_ANSWER

    @property
    def status_page_closes_at(self) -> datetime | None:
        """When the private links stop opening: STATUS_LINK_DAYS_AFTER_CLOSE after closing."""
        if self.closed_at is None:
            return None
        return self.closed_at + timedelta(days=settings.STATUS_LINK_DAYS_AFTER_CLOSE)

    @property
    def status_page_open(self) -> bool:
        closes_at = self.status_page_closes_at
        return closes_at is None or timezone.now() < closes_at

    @staticmethod
    def with_status_page_open() -> models.Q:
        """The requests whose private links still open (the lost-link page issues no others)."""
        since = timezone.now() - timedelta(days=settings.STATUS_LINK_DAYS_AFTER_CLOSE)
        return models.Q(closed_at__isnull=True) | models.Q(closed_at__gt=since)

    local_date = staticmethod(localtime.local_date)

    def clock(self, waits: list[deadlines.Wait] | None = None) -> deadlines.Clock:
        """The due date recomputed from receipt, the waits and the extension (docs/DEADLINES.md)."""
        if waits is None:
            waits = self.wait_spans()
        return deadlines.current_due(
            self.local_date(self.received_at),
            self.request_type,
            str(self.country),
            waits=waits,
            extended=self.extended_at is not None,
            extended_to=self.extended_to,
            pauses=settings.DEADLINE_PAUSES,
            default_days=settings.DEADLINE_DEFAULT_DAYS,
            complaint_days=settings.DEADLINE_COMPLAINT_DAYS,
            promised_days=settings.DEADLINE_PROMISED_DAYS,
            holiday_country=settings.DEADLINE_HOLIDAY_COUNTRY or None,
        )

    def wait_spans(self) -> list[deadlines.Wait]:
        return [wait.span() for wait in self.waits.all()]

    def set_deadline(self) -> None:
        """The due date of a request that has just been received."""
        clock = self.clock(waits=[])
        self.due_on, self.due_rule = clock.due_on, clock.rule

    def _recompute_due(self) -> list[str]:
        """Recompute after a wait or an extension; record it when the date moves."""
        before = self.due_on
        clock = self.clock()
        self.due_on, self.due_rule, self.clock_stopped = clock.due_on, clock.rule, clock.stopped
        if before != self.due_on:
            self.record(
                RequestEvent.Kind.DUE_DATE_MOVED,
                data={
                    "from": before.isoformat(),
                    "to": self.due_on.isoformat(),
                    "rule": clock.rule,
                },
            )
        return ["due_on", "due_rule", "clock_stopped"]

    def take_reference(self) -> None:
        """Number the request in the year of its receipt, last thing in its transaction.

        The year's counter row stays locked from here until the commit, so every statement
        done before it is time other filings need not wait.
        """
        year = self.local_date(self.received_at).year
        self.reference = ReferenceCounter.number(self.pk, year)

    def claim_message_notice(self) -> bool:
        """Whether to tell the officer of a new message now: at most once per request in
        OFFICER_MESSAGE_NOTICE_MINUTES.

        Decided by one conditional UPDATE, so that messages arriving at once through several
        web processes take the notice once between them.
        """
        now = timezone.now()
        quiet_since = now - timedelta(minutes=settings.OFFICER_MESSAGE_NOTICE_MINUTES)
        claimed = (
            PrivacyRequest.objects.filter(pk=self.pk)
            .filter(
                models.Q(message_notice_at__isnull=True)
                | models.Q(message_notice_at__lte=quiet_since)
            )
            .update(message_notice_at=now)
        )
        if claimed:
            self.message_notice_at = now
        return claimed == 1

    def lock(self) -> None:
        """Re-read the row and hold it until the transaction ends.

        Every change decides from the row as it is now, never from this object, which may
        be minutes old or stale after another officer's step.
        """
        self.refresh_from_db(from_queryset=PrivacyRequest.objects.select_for_update())

    def _check(self, allowed_from: frozenset[str] | set[str]) -> None:
        """Lock the row and check that its stored state allows the move."""
        self.lock()
        if self.status not in allowed_from:
            raise TransitionNotAllowed(
                gettext(
                    "%(reference)s is now “%(status)s”: this step is no longer possible. "
                    "Someone may have changed it a moment ago."
                )
                % {"reference": self.reference, "status": self.get_status_display()}
            )

    def _save(self, *fields: str) -> None:
        self.save(update_fields=["status", "updated_at", *fields])

    def confirm_email(self) -> None:
        """The requester showed they read the address."""
        with transaction.atomic():
            self._check({Status.UNCONFIRMED})
            self.status = Status.NEW
            self.email_confirmed_at = timezone.now()
            self.waits.filter(reason=WaitReason.EMAIL, ended_at__isnull=True).update(
                ended_at=self.email_confirmed_at
            )
            # The officer hears of the new request from the next sweep.
            self.next_reminder_at = self.email_confirmed_at
            self._save("email_confirmed_at", "next_reminder_at")
            self.record(RequestEvent.Kind.EMAIL_CONFIRMED, actor=RequestEvent.Actor.REQUESTER)

    @property
    def is_overdue(self) -> bool:
        """Awaits its answer and the day it was due has passed (in the organisation's zone)."""
        return self.awaits_answer and localtime.today() > self.due_on

    def ask_requester(self, reason: str, staff_user: Any = None) -> Wait:
        """Wait for identity information, a fee or a clarification the officer asked for.

        Asked after the answer was due, the wait is recorded but moves no date: the answer
        was late already (the event says so).
        """
        if reason == WaitReason.EMAIL:
            raise ValueError("The e-mail confirmation wait starts only on filing.")
        with transaction.atomic():
            self._check({Status.NEW, Status.IN_PROGRESS})
            after_due = self.is_overdue
            wait = Wait.objects.create(
                request=self, reason=reason, staff_user=staff_user, resumes_to=self.status
            )
            self.status = Status.WAITING
            self.waiting_since = wait.started_at
            self.next_reminder_at = wait.started_at
            self._save("waiting_since", "next_reminder_at", *self._recompute_due())
            self.record(
                RequestEvent.Kind.WAIT_STARTED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"reason": reason, **({"after_due": True} if after_due else {})},
            )
        return wait

    def end_wait(self) -> Wait:
        """The requester answered what the officer asked: the clock goes on."""
        with transaction.atomic():
            self._check({Status.WAITING})
            wait = self.waits.select_for_update().get(ended_at__isnull=True)
            wait.ended_at = timezone.now()
            wait.save(update_fields=["ended_at"])
            self.status = wait.resumes_to
            self.waiting_since = None
            self.next_reminder_at = wait.ended_at
            self._save("waiting_since", "next_reminder_at", *self._recompute_due())
            self.record(
                RequestEvent.Kind.WAIT_ENDED,
                actor=RequestEvent.Actor.REQUESTER,
                data={"reason": wait.reason},
            )
        return wait

    def extension_refusal(self, extended_to: date | None, today: date) -> str | None:
        """Why this request may not be extended now, or None when it may."""
        if self.request_type == RequestType.COMPLAINT:
            return gettext("A complaint has 45 days and no extension.")
        if self.extended_at is not None:
            return gettext("This request was extended already: an extension is possible once.")
        if self.status not in PENDING_ANSWER:
            return gettext("Only a confirmed request that awaits its answer can be extended.")
        if today > self.due_on:
            return gettext(
                "An extension must be announced before the answer is due (%(date)s)."
            ) % {"date": self.due_on.isoformat()}
        if deadlines.extends_by_months(str(self.country)):
            return None
        latest = self.due_on + timedelta(days=deadlines.EXTENSION_MAX_DAYS)
        if extended_to is None:
            return gettext("Give the date by which the answer will come.")
        if not self.due_on < extended_to <= latest:
            return gettext(
                "The new date must be after %(due)s and at most 60 days later (%(latest)s)."
            ) % {"due": self.due_on.isoformat(), "latest": latest.isoformat()}
        return None

    def extend(self, reason: str, staff_user: Any = None, extended_to: date | None = None) -> None:
        """Extend once, with a reason, while it may still be announced (docs/DEADLINES.md)."""
        if not reason.strip():
            raise ExtensionNotAllowed(gettext("Give the reason for the extension."))
        with transaction.atomic():
            self.lock()
            refusal = self.extension_refusal(extended_to, localtime.today())
            if refusal:
                raise ExtensionNotAllowed(refusal)
            self.extended_at = timezone.now()
            self.extension_reason = reason.strip()
            self.extended_to = (
                None if deadlines.extends_by_months(str(self.country)) else extended_to
            )
            self.next_reminder_at = self.extended_at
            fields = self._recompute_due()
            self.save(
                update_fields=[
                    "extended_at",
                    "extension_reason",
                    "extended_to",
                    "next_reminder_at",
                    "updated_at",
                    *fields,
                ]
            )
            self.record(
                RequestEvent.Kind.EXTENDED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"reason": self.extension_reason, "due_on": self.due_on.isoformat()},
            )

    def start(self, staff_user: Any = None) -> None:
        """Work begins: one task per system or subprocessor that may hold the data."""
        with transaction.atomic():
            self._check({Status.NEW})
            self.status = Status.IN_PROGRESS
            if self.assignee_id is None and staff_user is not None:
                self.assignee = staff_user
            self._save("assignee")
            SystemTask.objects.bulk_create(
                SystemTask(request=self, system=system)
                for system in DataSystem.objects.filter(active=True)
            )
            self.record(
                RequestEvent.Kind.STARTED, actor=RequestEvent.Actor.STAFF, staff_user=staff_user
            )

    def assign(self, assignee: Any, staff_user: Any = None) -> None:
        with transaction.atomic():
            self._check(OPEN_STATUSES)
            self.assignee = assignee
            self.save(update_fields=["assignee", "updated_at"])
            self.record(
                RequestEvent.Kind.ASSIGNED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"to": assignee.get_username() if assignee else None},
            )

    def answer(self, staff_user: Any = None, open_tasks_reason: str = "") -> None:
        """The final answer was given: the officer's reminders stop.

        While a task for a system is open, only with the officer's reason why.
        """
        with transaction.atomic():
            self._check(PENDING_ANSWER)
            open_tasks = list(
                self.tasks.filter(done_at__isnull=True).values_list("system__name", flat=True)
            )
            if open_tasks and not open_tasks_reason.strip():
                raise TasksStillOpen(
                    gettext("These systems are not done yet: %(systems)s. Say why you answer now.")
                    % {"systems": ", ".join(open_tasks)}
                )
            self.status = Status.ANSWERED
            self._finish()
            self._save("answered_at", "waiting_since", "next_reminder_at")
            data = (
                {"open_tasks": open_tasks, "why": open_tasks_reason.strip()} if open_tasks else {}
            )
            self.record(
                RequestEvent.Kind.ANSWERED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data=data,
            )

    def record_identity_check(
        self, method: str, confirmed: bool, staff_user: Any, note: str = ""
    ) -> IdentityCheck:
        """Store the fact that identity was checked (how, result, by whom), never a document."""
        with transaction.atomic():
            self._check(OPEN_STATUSES)
            check = IdentityCheck.objects.create(
                request=self, method=method, confirmed=confirmed, checked_by=staff_user, note=note
            )
            self.record(
                RequestEvent.Kind.IDENTITY_CHECKED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"method": method, "confirmed": confirmed},
            )
        return check

    def refusal_deadline(self, waits: list[deadlines.Wait] | None = None) -> date:
        """A refusal is due within one month, in CH and elsewhere within 30 days (docs/RULES.md 1).

        It holds even where the answer itself was extended, and runs from the same start as
        the answer (in the UK, the month begun again when identity information arrived).
        """
        return deadlines.refusal_due(
            self.local_date(self.received_at),
            self.request_type,
            str(self.country),
            waits=self.wait_spans() if waits is None else waits,
            pauses=settings.DEADLINE_PAUSES,
            complaint_days=settings.DEADLINE_COMPLAINT_DAYS,
            holiday_country=settings.DEADLINE_HOLIDAY_COUNTRY or None,
        )

    def refuse(self, reason: str, staff_user: Any = None, *, in_part: bool = False) -> None:
        """Refuse fully (status refused) or in part (the rest is answered), with a reason."""
        if reason not in RefusalReason.values:
            raise ValueError(f"Unknown refusal reason {reason!r}")
        with transaction.atomic():
            self._check(PENDING_ANSWER)
            self.status = Status.ANSWERED if in_part else Status.REFUSED
            self._finish()
            self.refusal_reason, self.refused_in_part = reason, in_part
            self._save(
                "answered_at",
                "waiting_since",
                "next_reminder_at",
                "refusal_reason",
                "refused_in_part",
            )
            late = self.local_date(self.answered_at) > self.refusal_deadline()
            self.record(
                RequestEvent.Kind.REFUSED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"reason": reason, "in_part": in_part, "late": late},
            )

    def close(self, staff_user: Any = None) -> None:
        with transaction.atomic():
            self._check(FINAL_ANSWERS)
            self.status = Status.CLOSED
            self.closed_at = timezone.now()
            self._save("closed_at")
            self.record(
                RequestEvent.Kind.CLOSED, actor=RequestEvent.Actor.STAFF, staff_user=staff_user
            )

    def _finish(self) -> None:
        self._close_waits()
        self.answered_at = timezone.now()
        self.next_reminder_at = None

    def withdraw(self) -> None:
        with transaction.atomic():
            self._check(OPEN_STATUSES)
            self.status = Status.WITHDRAWN
            self._close_waits()
            self.closed_at = timezone.now()
            self.next_reminder_at = None
            self._save("closed_at", "waiting_since", "next_reminder_at")
            self.record(RequestEvent.Kind.WITHDRAWN, actor=RequestEvent.Actor.REQUESTER)

    def lapse(self) -> None:
        """The address was never confirmed: nothing else of the request is processed."""
        with transaction.atomic():
            self._check({Status.UNCONFIRMED})
            self.status = Status.LAPSED
            self._close_waits()
            self.closed_at = timezone.now()
            self.next_reminder_at = None
            self._save("closed_at", "waiting_since", "next_reminder_at")
            self.record(RequestEvent.Kind.LAPSED)

    def purge(self) -> None:
        """Remove the personal data of a closed request; keep what the figures need."""
        with transaction.atomic():
            self.lock()
            if self.closed_at is None or self.purged_at is not None:
                raise TransitionNotAllowed(f"{self.reference}: not closed, or purged already")
            for answer_file in self.files.all():
                answer_file.file.delete(save=False)
            self.files.all().delete()
            self.messages.all().delete()
            self.links.all().delete()
            self.emails.all().delete()
            self.identity_checks.update(note="")
            self.tasks.update(outcome="", not_told_reason="")
            self.full_name, self.email, self.details = "", "", ""
            self.ip_address, self.extension_reason = None, ""
            self.submission_key = f"purged-{self.pk}"
            self.purged_at = timezone.now()
            self.save(
                update_fields=[
                    "full_name",
                    "email",
                    "details",
                    "ip_address",
                    "extension_reason",
                    "submission_key",
                    "purged_at",
                    "updated_at",
                ]
            )
            self.record(RequestEvent.Kind.PURGED, data={"events_scrubbed": self._scrub_events()})

    def _scrub_events(self) -> int:
        """Take the free text written about the requester out of the events; how many.

        The one change events ever undergo, through the purge's own way past the database's
        append-only trigger.
        """
        scrubbed = 0
        with append_only.retention_purge():
            for event in self.events.filter(kind__in=EVENT_FREE_TEXT):
                key = EVENT_FREE_TEXT[event.kind]
                if key in event.data:
                    data = {name: value for name, value in event.data.items() if name != key}
                    RequestEvent.objects.filter(pk=event.pk).update(data=data)
                    scrubbed += 1
        return scrubbed

    def _close_waits(self) -> None:
        self.waits.filter(ended_at__isnull=True).update(ended_at=timezone.now())
        self.waiting_since = None

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


class Wait(models.Model):
    """A span in which the request waits for the requester (docs/DEADLINES.md)."""

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="waits")
    reason = models.CharField(_("waiting for"), max_length=20, choices=WaitReason.choices)
    started_at = models.DateTimeField(_("since"), default=timezone.now)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    # The status the request goes back to when the requester answers.
    resumes_to = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("wait for the requester")
        verbose_name_plural = _("waits for the requester")
        ordering = ["started_at", "id"]
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
            PrivacyRequest.local_date(self.started_at),
            PrivacyRequest.local_date(self.ended_at) if self.ended_at else None,
        )


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

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="tasks")
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
        PrivacyRequest, on_delete=models.CASCADE, related_name="identity_checks"
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

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="reminders")
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


class AppendOnly(models.Model):
    """A record that is written once: never changed, never deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} is append-only: it cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{type(self).__name__} is append-only: it cannot be deleted.")


class RequestEvent(AppendOnly):
    """What happened to a request: append-only, never edited or deleted."""

    class Kind(models.TextChoices):
        FILED = "filed", _("Request received")
        EMAIL_CONFIRMED = "email_confirmed", _("E-mail address confirmed")
        MESSAGE_FROM_REQUESTER = "message_from_requester", _("Message from the requester")
        MESSAGE_FROM_TEAM = "message_from_team", _("Message from the privacy team")
        LINKS_SENT = "links_sent", _("New private links sent by e-mail")
        WITHDRAWN = "withdrawn", _("Request withdrawn by the requester")
        WAIT_STARTED = "wait_started", _("The privacy team asked the requester for information")
        WAIT_ENDED = "wait_ended", _("The requester answered")
        EXTENDED = "extended", _("Time to answer extended")
        DUE_DATE_MOVED = "due_date_moved", _("Due date moved")
        ANSWERED = "answered", _("Answered")
        STARTED = "started", _("Work on the request started")
        ASSIGNED = "assigned", _("Assigned")
        REFUSED = "refused", _("Refused")
        CLOSED = "closed", _("Closed")
        VIEWED = "viewed", _("Viewed by staff")
        IDENTITY_CHECKED = "identity_checked", _("Identity checked")
        TASK_DONE = "task_done", _("A system's task was done")
        FILE_DOWNLOADED = "file_downloaded", _("A file of the answer was downloaded")
        PURGED = "purged", _("Personal data removed after the retention period")
        ESCALATED = "escalated", _("Escalated to a recourse body")
        LAPSED = "lapsed", _("Lapsed: the e-mail address was not confirmed in time")
        REMINDER_SENT = "reminder_sent", _("Reminder sent")

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


# Free text that events carry, written about the requester: the purge removes it.
EVENT_FREE_TEXT = {
    RequestEvent.Kind.EXTENDED: "reason",
    RequestEvent.Kind.ANSWERED: "why",
}


class Message(models.Model):
    class Author(models.TextChoices):
        REQUESTER = "requester", _("Requester")
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


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class AnswerFile(models.Model):
    """A file that comes with an answer: downloaded from the status page, never e-mailed."""

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="files")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    file = models.FileField(storage=private_storage, upload_to="answers/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("file of an answer")
        verbose_name_plural = _("files of answers")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


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

    @property
    def gives_files(self) -> bool:
        """Whether the answer's files can be downloaded through this link: ANSWER_FILE_DAYS
        after it was sent, a fresh link from the lost-link page is needed."""
        return timezone.now() < self.created_at + timedelta(days=settings.ANSWER_FILE_DAYS)

    def use(self) -> bool:
        """Spend a single-use link; False when it was spent already (also by a parallel POST)."""
        spent = AccessLink.objects.filter(pk=self.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        return spent == 1


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
        PrivacyRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="emails"
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
    message_id = models.CharField(
        max_length=200, unique=True, editable=False, default=new_message_id
    )
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
