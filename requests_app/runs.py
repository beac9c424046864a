"""Runs of the connectors: start one, run each system's part as its own task, sweep the lost.

`start` is the use case the admin and `manage.py run_systems` call: it checks the request may
be searched, makes one part per connected system and hands each to Celery after commit.
`run_part` (the task) claims its part, runs the system's connector and settles the part,
recording the outcome as an event: the counts of an erasure are its evidence. A worker
killed mid-part loses nothing: the message is delivered again (acks_late) and, should it be
lost, the sweep hands the part out again once its lease ran out. An erasure that had
committed before the crash finds nothing left to change the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from requests_app import emails, outbox
from requests_app.connectors import database_part, processor, webhook
from requests_app.connectors.base import ConnectorError, Outcome
from requests_app.models import (
    DataSystem,
    PrivacyRequest,
    RequestEvent,
    TransitionNotAllowed,
)
from requests_app.models.runs import RunPart, SystemRun

logger = logging.getLogger(__name__)

# Attempts before a part is marked failed; the backoff between them doubles from a minute.
MAX_ATTEMPTS = 5
Kind = RequestEvent.Kind

# Each connector kind's part: (part) -> Outcome, raising ConnectorError.
CONNECTORS: dict[str, Callable[[RunPart], Outcome]] = {
    DataSystem.Connector.DATABASE: database_part.run,
    DataSystem.Connector.WEBHOOK: webhook.run,
    DataSystem.Connector.PROCESSOR: processor.run,
}
# A processor cannot count what erasure would change: it is asked once the erasure is approved.
NOT_IN_DRY_RUNS = {DataSystem.Connector.PROCESSOR}


def connected_systems(*, dry_run: bool = False) -> list[DataSystem]:
    kinds = [kind for kind in CONNECTORS if not (dry_run and kind in NOT_IN_DRY_RUNS)]
    return list(DataSystem.objects.filter(active=True, connector__in=kinds).order_by("name"))


def start(
    privacy_request: PrivacyRequest, action: str, staff_user: Any, *, dry_run: bool = False
) -> SystemRun:
    """An access or erasure run over every connected system; its parts start after commit.

    An erasure run that is not a dry run is the officer's approval: it changes the systems.
    """
    if dry_run and action != SystemRun.Action.ERASURE:
        raise ValueError("only an erasure has a dry run")
    with transaction.atomic():
        privacy_request.lock()
        if privacy_request.email_confirmed_at is None:
            raise TransitionNotAllowed(
                gettext(
                    "%(reference)s: the requester has not confirmed the e-mail address the "
                    "systems are searched by."
                )
                % {"reference": privacy_request.reference}
            )
        systems = connected_systems(dry_run=dry_run)
        if not systems and dry_run and connected_systems():
            raise TransitionNotAllowed(
                gettext("Only processors are connected: they are asked once erasure is approved.")
            )
        if not systems:
            raise TransitionNotAllowed(gettext("No active system has a connector."))
        run = SystemRun.objects.create(
            request=privacy_request, action=action, dry_run=dry_run, started_by=staff_user
        )
        parts = RunPart.objects.bulk_create(RunPart(run=run, system=system) for system in systems)
        privacy_request.record(
            Kind.RUN_STARTED,
            actor=RequestEvent.Actor.STAFF,
            staff_user=staff_user,
            data={
                "run": run.pk,
                "action": action,
                "dry_run": dry_run,
                "systems": [system.name for system in systems],
            },
        )
        ids = [part.pk for part in parts]
        transaction.on_commit(lambda: hand_out(ids))
    return run


def hand_out(part_ids: list[int]) -> None:
    """One Celery task per part; a broker that is away leaves them to the sweep."""
    for part_id in part_ids:
        try:
            run_part.delay(part_id)
        except Exception:
            logger.warning("run part %s: broker unavailable, left for the sweep", part_id)


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def run_part(part_id: int) -> str:
    """Run one system's part once (the Celery task); returns the state it left it in."""
    part = RunPart.objects.select_related("run__request", "system").get(pk=part_id)
    if not part.claim():
        return part.state
    if part.system.require_identity_check and not identity_confirmed(part.run.request):
        part.settle(RunPart.State.WAITING, waiting_for=RunPart.WaitingFor.IDENTITY)
        return part.state
    try:
        outcome = CONNECTORS[part.system.connector](part)
    except ConnectorError as error:
        return failed(part, error)
    except Exception as error:  # a connector's bug must not leave the part running
        logger.exception("run part %s: the connector raised", part.pk)
        return failed(part, ConnectorError(f"{type(error).__name__}: {error}", retry=True))
    return settled(part, outcome)


def identity_confirmed(privacy_request: PrivacyRequest) -> bool:
    return privacy_request.identity_checks.filter(confirmed=True).exists()


def settled(part: RunPart, outcome: Outcome) -> str:
    """Write the outcome and its event, if this attempt still holds the part."""
    with transaction.atomic():
        if outcome.waiting_for:
            fields = {"waiting_for": outcome.waiting_for, "callback_hash": outcome.callback_hash}
            if part.settle(RunPart.State.WAITING, error="", **fields):
                outbox.queue_all(outcome.emails)
        elif part.settle(RunPart.State.DONE, **outcome.fields()):
            outbox.queue_all(outcome.emails)
            record_outcome(part)
    return part.state


def answered(part: RunPart, waiting_for: str, outcome: Outcome, staff_user: Any = None) -> bool:
    """The answer a waiting part waited for (a webhook's callback, a processor's reply, recorded
    by the officer): the part is done, once. False when it was no longer waiting."""
    with transaction.atomic():
        if not part.settle_waiting(waiting_for, RunPart.State.DONE, **outcome.fields()):
            return False
        record_outcome(part, staff_user)
    return True


def waiting_failed(part: RunPart, waiting_for: str, message: str) -> bool:
    """A waiting part's system reported that it failed: the part fails, once."""
    with transaction.atomic():
        if not part.settle_waiting(waiting_for, RunPart.State.FAILED, error=message[:2000]):
            return False
        record_failure(part, message)
    return True


def record_outcome(part: RunPart, staff_user: Any = None) -> None:
    run = part.run
    if run.action == SystemRun.Action.ACCESS:
        kind = Kind.DATA_COLLECTED
    else:
        kind = Kind.ERASURE_COUNTED if run.dry_run else Kind.DATA_ERASED
    run.request.record(
        kind,
        actor=RequestEvent.Actor.STAFF if staff_user else RequestEvent.Actor.SYSTEM,
        staff_user=staff_user,
        data={
            "run": run.pk,
            "system": part.system.name,
            "rows": part.rows,
            "tables": part.counts,
            **({"reply": True} if part.reply else {}),
        },
    )


def failed(part: RunPart, error: ConnectorError) -> str:
    """Again later with backoff while attempts remain and a retry may help; else failed."""
    message = str(error)[:2000]
    logger.warning(
        "run part %s (%s): attempt %s failed: %s",
        part.pk,
        part.system.name,
        part.attempts,
        message,
        extra={"run_part": part.pk},
    )
    if error.retry and part.attempts < MAX_ATTEMPTS:
        later = timezone.now() + retry_delay(part.attempts)
        part.settle(RunPart.State.PENDING, next_attempt_at=later, error=message)
        return part.state
    with transaction.atomic():
        if part.settle(RunPart.State.FAILED, error=message):
            record_failure(part, message)
    return part.state


def record_failure(part: RunPart, message: str) -> None:
    part.run.request.record(
        Kind.SYSTEM_FAILED,
        data={"run": part.run_id, "system": part.system.name, "error": message},
    )


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def sweep(now: datetime | None = None) -> list[int]:
    """Hand out again the parts that are due: a retry's time came, a worker died (its lease
    ran out) or the task was never queued; and the parts whose identity check is now recorded.
    Returns the parts handed out."""
    now = now or timezone.now()
    RunPart.objects.filter(
        state=RunPart.State.WAITING,
        waiting_for=RunPart.WaitingFor.IDENTITY,
        run__request__identity_checks__confirmed=True,
    ).update(state=RunPart.State.PENDING, waiting_for="", next_attempt_at=now)
    due = RunPart.objects.filter(
        Q(state=RunPart.State.PENDING) | Q(state=RunPart.State.RUNNING),
        next_attempt_at__lte=now,
    ).values_list("pk", flat=True)
    ids = list(due[:500])
    hand_out(ids)
    remind_waiting(now)
    return ids


def remind_waiting(now: datetime) -> int:
    """Remind the officer, once every CONNECTOR_PROCESSOR_REMINDER_DAYS, of each part still
    waiting for a processor's reply or a webhook's callback. Returns how many were reminded."""
    period = timedelta(days=settings.CONNECTOR_PROCESSOR_REMINDER_DAYS)
    waiting = RunPart.objects.select_related("run__request", "system").filter(
        Q(reminded_at__lte=now - period)
        | Q(reminded_at__isnull=True, started_at__lte=now - period),
        state=RunPart.State.WAITING,
        waiting_for__in=[RunPart.WaitingFor.REPLY, RunPart.WaitingFor.CALLBACK],
    )
    reminded = 0
    for part in waiting[:500]:
        with transaction.atomic():
            # Claimed by the reminder's own moment: two sweeps at once remind once.
            if RunPart.objects.filter(pk=part.pk, reminded_at=part.reminded_at).update(
                reminded_at=now
            ):
                emails.officer_system_waiting(part, (now - part.started_at).days)
                reminded += 1
    return reminded
