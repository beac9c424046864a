"""The reminder ladder (docs/RULES.md section 3) and the one sweep that sends it.

Each request stores `next_reminder_at`. The sweep claims the rows whose time has come
with SELECT … FOR UPDATE SKIP LOCKED, so that sweeps on several workers never take the
same row; it records each reminder as a row unique on (request, kind, deadline), writes
its e-mails to the outbox in the same transaction, and moves the time on.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone

from requests_app import emails, hooks, outbox, webhooks
from requests_app.models import (
    PENDING_ANSWER,
    OfficerPreference,
    OutboxEmail,
    PrivacyRequest,
    Reminder,
    RequestEvent,
    RequestType,
    Status,
)
from requests_app.models.webhooks import WebhookEvent

M = TypeVar("M", bound=models.Model)

Kind = Reminder.Kind
REQUESTER_KINDS = frozenset({Kind.CONFIRM_EMAIL, Kind.WAITING, Kind.LATE, Kind.LAPSED})
SWEEP_BATCH = 500
# The officer's reminders that other systems are told of too (outbound webhooks).
WEBHOOK_EVENTS = {
    Kind.DUE_SOON: WebhookEvent.DUE_SOON,
    Kind.DUE_TODAY: WebhookEvent.DUE_SOON,
    Kind.OVERDUE: WebhookEvent.OVERDUE,
}

# The ladder (docs/RULES.md section 3): how the portal works, not an organisation's legal
# choice, so named here rather than read from the environment.
# Requester, days after filing while unconfirmed: two catches a confirmation e-mail that went
# to spam; a week is the last nudge well before the request lapses (LAPSE_DAYS).
CONFIRM_DAYS = (2, 7)
# Requester, days after the officer asked something: a week to find it, then one more nudge.
WAITING_DAYS = (7, 14)
# Officer, days before the due date: a week to gather the answer, then a last warning.
DUE_BEFORE_DAYS = (7, 2)
# Officer, every this many days after the due date while the answer is late: often enough that
# it is not forgotten, seldom enough that the reminders are still read.
OVERDUE_EVERY_DAYS = 3
# Officer, days before the last day to announce an extension (it is the due day itself,
# GDPR Art. 12(3)): a working week to decide and to write the reason.
EXTENSION_BEFORE_DAYS = 5
# Requester, days after a due date passed without an answer: we are late, and how to escalate.
LATE_NOTICE_AFTER_DAYS = 1
# Reminders tied to a date go out from this hour of that day, in the organisation's zone: the
# start of a working day there, not the middle of the night.
HOUR = 8


@dataclass(frozen=True)
class Step:
    """One rung of the ladder: what to send, for which day, from when."""

    kind: str
    deadline: date
    at: datetime
    # Of the steps of one family that are due, only the latest is sent: after an outage
    # the officer gets "overdue", not also the "due in 7 days" it replaces.
    family: str


@dataclass(frozen=True)
class Queued:
    reference: str
    kind: str
    recipient: str

    def __str__(self) -> str:
        return f"{self.reference} {self.kind} {self.recipient}"


def at_reminder_hour(day: date) -> datetime:
    zone = zoneinfo.ZoneInfo(settings.ORGANISATION_TIME_ZONE)
    return datetime.combine(day, time(HOUR), tzinfo=zone)


def after(moment: datetime, days: int, kind: str, family: str) -> Step:
    at = moment + timedelta(days=days)
    return Step(kind, PrivacyRequest.local_date(at), at, family)


def on_day(day: date, kind: str, family: str) -> Step:
    return Step(kind, day, at_reminder_hour(day), family)


def ladder(request: PrivacyRequest, now: datetime) -> list[Step]:
    """Every step that applies to the request in its present state, past and next."""
    if request.status == Status.UNCONFIRMED:
        return [
            *(
                after(request.received_at, days, Kind.CONFIRM_EMAIL, "confirm")
                for days in CONFIRM_DAYS
            ),
            after(request.received_at, settings.LAPSE_DAYS, Kind.LAPSED, "lapse"),
        ]
    if request.status not in PENDING_ANSWER:
        return []
    steps = []
    if request.email_confirmed_at:
        steps.append(after(request.email_confirmed_at, 0, Kind.NEW_REQUEST, "new"))
    if request.status == Status.WAITING and request.waiting_since:
        steps += [
            after(request.waiting_since, days, Kind.WAITING, "waiting") for days in WAITING_DAYS
        ]
    if not request.clock_stopped:
        steps += due_date_steps(request, now)
    return steps


def due_date_steps(request: PrivacyRequest, now: datetime) -> list[Step]:
    due = request.due_on
    steps = [
        *(on_day(due - timedelta(days=d), Kind.DUE_SOON, "due") for d in DUE_BEFORE_DAYS),
        on_day(due, Kind.DUE_TODAY, "due"),
        *overdue_steps(due + timedelta(days=OVERDUE_EVERY_DAYS), now, Kind.OVERDUE, "due"),
        on_day(due + timedelta(days=LATE_NOTICE_AFTER_DAYS), Kind.LATE, "late"),
    ]
    if may_still_extend(request):
        # The last day to announce an extension is the day the answer is due.
        days_before = timedelta(days=EXTENSION_BEFORE_DAYS)
        steps.append(on_day(due - days_before, Kind.EXTENSION_DEADLINE, "extension"))
    return steps


def may_still_extend(request: PrivacyRequest) -> bool:
    """Whether the officer may still announce an extension (by the due date): once, and
    never for a complaint."""
    return request.request_type != RequestType.COMPLAINT and request.extended_at is None


def overdue_steps(first: date, now: datetime, kind: str, family: str) -> Iterator[Step]:
    """On `first` and every OVERDUE_EVERY_DAYS after: the ones past, and the next one.

    The request and the dispute reminders both repeat this way while an answer is late.
    """
    every = timedelta(days=OVERDUE_EVERY_DAYS)
    day = first
    while True:
        step = on_day(day, kind, family)
        yield step
        if step.at > now:
            return
        day += every


def plan(request: PrivacyRequest, now: datetime) -> tuple[list[Step], datetime | None]:
    """The steps to send now (the latest due one of each family) and when to look again."""
    steps = ladder(request, now)
    latest: dict[str, Step] = {}
    for step in steps:
        if step.at <= now and (step.family not in latest or step.at > latest[step.family].at):
            latest[step.family] = step
    upcoming = [step.at for step in steps if step.at > now]
    return list(latest.values()), min(upcoming, default=None)


def sweep(now: datetime | None = None, batch: int = SWEEP_BATCH) -> list[Queued]:
    """Send every reminder whose time has come; returns one line per e-mail queued."""
    rows = PrivacyRequest.objects.select_related("assignee")
    return claim_due(rows, now or timezone.now(), send_due, batch)


def sweep_all(now: datetime | None = None) -> list[Queued]:
    """The requests' sweep and every sweep other apps registered (requests_app.hooks), as
    beat and `manage.py send_reminders` run them."""
    now = now or timezone.now()
    lines = sweep(now)
    for other in hooks.sweeps:
        lines += other(now)
    return lines


def claim_due(
    queryset: QuerySet[M],
    now: datetime,
    send_due: Callable[[list[M], datetime], list[Queued]],
    batch: int = SWEEP_BATCH,
) -> list[Queued]:
    """Hand `send_due` the rows whose `next_reminder_at` has come, a batch at a time.

    Each batch is claimed with FOR UPDATE SKIP LOCKED and handled in its own transaction,
    so that sweeps on several workers share the rows and never take the same one.
    """
    queued: list[Queued] = []
    while True:
        with transaction.atomic():
            rows = list(
                queryset.select_for_update(skip_locked=True, of=("self",))
                .filter(next_reminder_at__lte=now)
                .order_by("next_reminder_at")[:batch]
            )
            queued += send_due(rows, now)
        if len(rows) < batch:
            return queued


def send_due(rows: list[PrivacyRequest], now: datetime) -> list[Queued]:
    """Within the sweep's transaction, with `rows` locked."""
    # Whether each assignee takes the digest: one query for the batch.
    prefetch_related_objects(rows, "assignee__officer_preference")
    sent = set(
        Reminder.objects.filter(request__in=rows).values_list("request_id", "kind", "deadline")
    )
    reminders, events, mails = [], [], []
    for request in rows:
        due, _next = plan(request, now)
        for step in due:
            if (request.pk, step.kind, step.deadline) in sent:
                continue
            reminders.append(Reminder(request=request, kind=step.kind, deadline=step.deadline))
            events.append(reminder_event(request, step))
            mails += [(step.kind, mail) for mail in deliver(request, step)]
        _due, request.next_reminder_at = plan(request, now)
    Reminder.objects.bulk_create(reminders)
    RequestEvent.objects.bulk_create(events)
    outbox.queue_all([mail for _kind, mail in mails])
    for kind, event in WEBHOOK_EVENTS.items():
        told = [reminder.request for reminder in reminders if reminder.kind == kind]
        if told:
            webhooks.emit_many(event, told, reminder=kind)
    PrivacyRequest.objects.bulk_update(rows, ["next_reminder_at"])
    return [Queued(mail.request.reference, kind, mail.to) for kind, mail in mails]


def reminder_event(request: PrivacyRequest, step: Step) -> RequestEvent:
    return RequestEvent(
        request=request,
        kind=RequestEvent.Kind.REMINDER_SENT,
        data={"kind": step.kind, "deadline": step.deadline.isoformat()},
    )


def deliver(request: PrivacyRequest, step: Step) -> list[OutboxEmail]:
    """The unsaved outbox e-mails of one step (a lapse also closes the request)."""
    if step.kind == Kind.LAPSED:
        request.lapse()
    if step.kind in REQUESTER_KINDS:
        return [emails.requester_reminder(request, step.kind, step.deadline)]
    return [
        emails.officer_reminder(request, step.kind, step.deadline, to)
        for to in reminder_recipients(request)
    ]


def reminder_recipients(request: PrivacyRequest) -> list[str]:
    """Who gets the officer's reminder of a request: the shared address, and the assignee
    unless they take the daily digest (requests_app.digests), which lists it for them."""
    assignee = request.assignee
    if assignee is not None and OfficerPreference.takes_digest(assignee):
        return [settings.PRIVACY_OFFICER_EMAIL]
    return officer_recipients(request)


def officer_recipients(request: PrivacyRequest) -> list[str]:
    recipients = [settings.PRIVACY_OFFICER_EMAIL]
    assignee = request.assignee
    if assignee is not None and assignee.email and assignee.email not in recipients:
        recipients.append(assignee.email)
    return recipients
