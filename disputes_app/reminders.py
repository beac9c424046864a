"""Reminders of the organisation's answer to a recourse body: before it is due and while late.

The same mechanism as the request reminders: a stored next time, rows claimed with
SKIP LOCKED, one reminder row per kind and day, e-mails through the outbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from disputes_app.models import Dispute, DisputeReminder
from requests_app import emails, outbox, reminders
from requests_app.reminders import Queued, Step, on_day, overdue_steps

Kind = DisputeReminder.Kind
BATCH = 500


def ladder(dispute: Dispute, now: datetime) -> list[Step]:
    if not dispute.awaits_organisation:
        return []
    due = dispute.answer_due_on
    return [
        *(
            on_day(due - timedelta(days=days), Kind.ANSWER_SOON, "answer")
            for days in reminders.DUE_BEFORE_DAYS
        ),
        *overdue_steps(due + timedelta(days=1), now, Kind.ANSWER_LATE, "answer"),
    ]


def plan(dispute: Dispute, now: datetime) -> tuple[list[Step], datetime | None]:
    steps = ladder(dispute, now)
    due = [step for step in steps if step.at <= now]
    upcoming = [step.at for step in steps if step.at > now]
    # Only the latest step that is due: an overdue reminder replaces a "due soon" one.
    return due[-1:], min(upcoming, default=None)


def sweep(now: datetime) -> list[Queued]:
    rows = Dispute.objects.select_related("request", "body")
    return reminders.claim_due(rows, now, send_due, BATCH)


def send_due(rows: list[Dispute], now: datetime) -> list[Queued]:
    sent = set(
        DisputeReminder.objects.filter(dispute__in=rows).values_list(
            "dispute_id", "kind", "deadline"
        )
    )
    mails = []
    for dispute in rows:
        due, dispute.next_reminder_at = plan(dispute, now)
        for step in due:
            if (dispute.pk, step.kind, step.deadline) in sent:
                continue
            DisputeReminder.objects.create(dispute=dispute, kind=step.kind, deadline=step.deadline)
            mails += [(step.kind, mail) for mail in officer_mails(dispute, step)]
    outbox.queue_all([mail for _kind, mail in mails])
    Dispute.objects.bulk_update(rows, ["next_reminder_at"])
    return [Queued(mail.request.reference, kind, mail.to) for kind, mail in mails]


def officer_mails(dispute: Dispute, step: Step) -> list:
    context = {
        "reminder": step.kind,
        "body": dispute.body.name,
        "answer_due_on": dispute.answer_due_on.isoformat(),
        "admin_url": emails.absolute(f"/admin/disputes_app/dispute/{dispute.pk}/change/"),
    }
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
