"""The data-subject request: what was asked, by whom, its clock and its state."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from requests_app import addresses, deadlines, localtime
from requests_app.models.duplicates import RequestDuplicates
from requests_app.models.events import RequestEvent
from requests_app.models.moves import RequestMoves
from requests_app.models.references import ReferenceCounter
from requests_app.models.states import (
    DUE_RULE_LABELS,
    MOVES,
    OPEN_STATUSES,
    PENDING_ANSWER,
    Move,
    RefusalReason,
    RequestType,
    Status,
    TransitionNotAllowed,
)

# The officer hears of a request's new messages at most once in this many minutes: a
# requester's few messages in a row make one e-mail, not one each.
MESSAGE_NOTICE_MINUTES = 15


class PrivacyRequest(RequestMoves, RequestDuplicates, models.Model):
    # `reference` and `submission_key` are unique by constraints (Meta), not `unique=True`:
    # on PostgreSQL that would add a pattern-matching index beside each, which no query
    # uses and every filing writes.
    reference = models.CharField(_("reference"), max_length=20, editable=False)
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
    submission_key = models.CharField(max_length=64, editable=False)
    updated_at = models.DateTimeField(_("last activity"), auto_now=True)
    purged_at = models.DateTimeField(_("personal data purged"), null=True, blank=True)
    # The request this one was closed as a duplicate of, which goes on (models/duplicates.py).
    # Indexed only where set (Meta): a filing writes no entry.
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="duplicates",
        db_index=False,
        verbose_name=_("closed as a duplicate of"),
    )

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["-received_at"]
        indexes = [
            models.Index(Lower("email"), name="request_email_ci_idx"),
            models.Index(fields=["email_key"], name="request_email_key_idx"),
            models.Index(fields=["status", "due_on"], name="request_status_due_idx"),
            # By receipt, and the API's list in that order (keyset pages on received_at, id).
            models.Index(fields=["received_at", "id"], name="request_received_id_idx"),
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
            # Possible duplicates (models/duplicates.py): the requests awaiting an answer by
            # address and type. A filing (unconfirmed) writes no entry.
            models.Index(
                fields=["email_key", "request_type"],
                condition=models.Q(status__in=["new", "in_progress", "waiting"]),
                name="request_pending_key_idx",
            ),
            models.Index(
                fields=["duplicate_of"],
                condition=models.Q(duplicate_of__isnull=False),
                name="request_duplicate_of_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="request_reference_key"),
            models.UniqueConstraint(fields=["submission_key"], name="request_submission_key"),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "email" in update_fields:
            self.derive_email_key()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "email_key"}
        super().save(*args, **kwargs)

    def derive_email_key(self) -> None:
        """The key follows the address however it is saved; a purged address leaves none."""
        self.email_key = addresses.key(self.email) if self.email else ""

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
        self.reference = ReferenceCounter.number(self, year)

    def claim_message_notice(self) -> bool:
        """Whether to tell the officer of a new message now: at most once per request in
        MESSAGE_NOTICE_MINUTES.

        Decided by one conditional UPDATE, so that messages arriving at once through several
        web processes take the notice once between them.
        """
        now = timezone.now()
        quiet_since = now - timedelta(minutes=MESSAGE_NOTICE_MINUTES)
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

    def lock_with(self, other: PrivacyRequest) -> None:
        """Lock this row and `other`'s, in primary-key order, so that two steps that lock the
        same two requests (each from its own side) wait for each other, never deadlock."""
        for request in sorted([self, other], key=lambda request: request.pk):
            request.lock()

    def may(self, move: Move) -> bool:
        """Whether the state in memory allows `move`; the move itself checks the locked row."""
        return self.status in MOVES[move]

    def _check(self, move: Move) -> None:
        """Lock the row and check that its stored state allows `move`."""
        self.lock()
        self._check_locked(move)

    def _check_locked(self, move: Move) -> None:
        """Check that the state of the row, locked already, allows `move`."""
        if not self.may(move):
            raise TransitionNotAllowed(
                gettext(
                    "%(reference)s is now “%(status)s”: this step is no longer possible. "
                    "Someone may have changed it a moment ago."
                )
                % {"reference": self.reference, "status": self.get_status_display()}
            )

    def _save(self, *fields: str) -> None:
        self.save(update_fields=["status", "updated_at", *fields])

    @property
    def is_overdue(self) -> bool:
        """Awaits its answer and the day it was due has passed (in the organisation's zone)."""
        return self.awaits_answer and localtime.today() > self.due_on

    def extension_closed(self, today: date) -> str | None:
        """Why no extension is possible now, whatever date were asked; None while one is."""
        if self.request_type == RequestType.COMPLAINT:
            return gettext("A complaint has 45 days and no extension.")
        if self.extended_at is not None:
            return gettext("This request was extended already: an extension is possible once.")
        if not self.may(Move.EXTEND):
            return gettext("Only a confirmed request that awaits its answer can be extended.")
        if today > self.due_on:
            return gettext(
                "An extension must be announced before the answer is due (%(date)s)."
            ) % {"date": self.due_on.isoformat()}
        return None

    def extension_refusal(self, extended_to: date | None, today: date) -> str | None:
        """Why this request may not be extended now to `extended_to`, or None when it may."""
        closed = self.extension_closed(today)
        if closed:
            return closed
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

    def record(self, kind: str, **fields: Any) -> RequestEvent:
        """Record an event now (`new_event`'s fields: actor, staff_user, data)."""
        event = self.new_event(kind, **fields)
        event.save()
        return event

    def new_event(
        self,
        kind: str,
        *,
        actor: str = "system",
        staff_user: Any = None,
        data: dict[str, Any] | None = None,
    ) -> RequestEvent:
        """An unsaved event, for a caller that writes it with other rows (`record` saves it)."""
        return RequestEvent(
            request=self, kind=kind, actor=actor, staff_user=staff_user, data=data or {}
        )
