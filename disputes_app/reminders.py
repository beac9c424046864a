"""Reminders of a dispute's deadlines: the organisation's answer to the body and every other
date the body set (a hearing, its decision, carrying out a remedy), before each is due and,
but for a hearing, while it is passed and not met (docs/RULES.md section 3).

The same mechanism as the request reminders: a stored next time, rows claimed with
SKIP LOCKED, one reminder row per kind, deadline and day, e-mails through the outbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import translation

from disputes_app.models import BodyDeadline, Dispute, DisputeReminder
from requests_app import emails, outbox, reminders
from requests_app.reminders import Queued, Step, on_day, overdue_steps

Kind = DisputeReminder.Kind
BATCH = 500
ANSWER = "answer"
DEADLINE = "deadline:"


def deadline_steps(deadline: BodyDeadline, now: datetime) -> list[Step]:
    family = f"{DEADLINE}{deadline.pk}"
    due = deadline.due_on
    steps = [
        *(
            on_day(due - timedelta(days=days), Kind.DEADLINE_SOON, family)
            for days in reminders.DUE_BEFORE_DAYS
        ),
        on_day(due, Kind.DEADLINE_SOON, family),
    ]
    if deadline.reminds_while_overdue:
        steps += overdue_steps(due + timedelta(days=1), now, Kind.DEADLINE_LATE, family)
    return steps


def ladder(dispute: Dispute, deadlines: list[BodyDeadline], now: datetime) -> list[Step]:
    """Every step that applies to the dispute as it is: none once it was withdrawn or closed."""
    if dispute.status == Dispute.Status.CLOSED or dispute.withdrawn_at is not None:
        return []
    steps: list[Step] = []
    if dispute.awaits_organisation:
        due = dispute.answer_due_on
        steps += [
            *(
                on_day(due - timedelta(days=days), Kind.ANSWER_SOON, ANSWER)
                for days in reminders.DUE_BEFORE_DAYS
            ),
            on_day(due, Kind.ANSWER_SOON, ANSWER),
            *overdue_steps(due + timedelta(days=1), now, Kind.ANSWER_LATE, ANSWER),
        ]
    for deadline in deadlines:
        if deadline.met_on is None and deadline.kind != BodyDeadline.Kind.ANSWER:
            steps += deadline_steps(deadline, now)
    return steps


def plan(
    dispute: Dispute, deadlines: list[BodyDeadline], now: datetime
) -> tuple[list[Step], datetime | None]:
    """The steps to send now, the latest due one of each family (an overdue reminder
    replaces a "due soon" one), and when the next one comes."""
    steps = ladder(dispute, deadlines, now)
    latest: dict[str, Step] = {}
    for step in steps:
        if step.at <= now:
            latest[step.family] = step
    upcoming = [step.at for step in steps if step.at > now]
    return list(latest.values()), min(upcoming, default=None)


def sweep(now: datetime) -> list[Queued]:
    rows = Dispute.objects.select_related("request", "body")
    return reminders.claim_due(rows, now, send_due, BATCH)


def send_due(rows: list[Dispute], now: datetime) -> list[Queued]:
    sent = set(
        DisputeReminder.objects.filter(dispute__in=rows).values_list(
            "dispute_id", "body_deadline_id", "kind", "deadline"
        )
    )
    deadlines: dict[int, list[BodyDeadline]] = {}
    for deadline in BodyDeadline.objects.filter(dispute__in=rows, met_on__isnull=True):
        deadlines.setdefault(deadline.dispute_id, []).append(deadline)
    mails = []
    for dispute in rows:
        own = deadlines.get(dispute.pk, [])
        due, dispute.next_reminder_at = plan(dispute, own, now)
        for step in due:
            deadline = next((d for d in own if step.family == f"{DEADLINE}{d.pk}"), None)
            key = (dispute.pk, deadline.pk if deadline else None, step.kind, step.deadline)
            if key in sent:
                continue
            DisputeReminder.objects.create(
                dispute=dispute, body_deadline=deadline, kind=step.kind, deadline=step.deadline
            )
            mails += [(step.kind, mail) for mail in officer_mails(dispute, step, deadline)]
    outbox.queue_all([mail for _kind, mail in mails])
    Dispute.objects.bulk_update(rows, ["next_reminder_at"])
    return [Queued(mail.request.reference, kind, mail.to) for kind, mail in mails]


def officer_mails(dispute: Dispute, step: Step, deadline: BodyDeadline | None) -> list:
    context = {
        "reminder": step.kind,
        "body": dispute.body.name,
        "answer_due_on": dispute.answer_due_on.isoformat(),
        "admin_url": emails.absolute(f"/admin/disputes_app/dispute/{dispute.pk}/change/"),
        "what": "",
        "due_on": (deadline.due_on if deadline else dispute.answer_due_on).isoformat(),
    }
    if deadline is not None:
        with translation.override(settings.LANGUAGE_CODE):
            context["what"] = str(deadline.get_kind_display())
    return [
        outbox.build_email(
            "officer_dispute_reminder",
            to,
            context,
            request=dispute.request,
            language=settings.LANGUAGE_CODE,
        )
        for to in reminders.officer_recipients(dispute.request)
    ]
