"""bench/fill.py, the benchmarks' fast path, writes what the portal's own methods write.

The fast path writes a few dozen requests as of NOW. Each is then played again through the
real use cases (services, the model's transitions, the reminder sweep) at the moments the
fast path chose, with time-machine, into the same test database, and a sweep runs at NOW.
Their rows, without ids and keys, must be equal: state, dates, due date and rule, waits,
tasks, messages (author and time), events (kind, actor, time and data, in order) and
reminders.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from bench import fill
from requests_app import reminders, services
from requests_app.demo import QUESTIONS
from requests_app.models import (
    AccessLink,
    PrivacyRequest,
    RequestEvent,
    Status,
    WaitReason,
)

NOW = datetime.fromisoformat("2026-03-02T10:00:00+00:00")
INTAKE_FIELDS = ["request_type", "full_name", "email", "country", "details"]
REQUEST_FIELDS = [
    "status",
    "request_type",
    "country",
    "language",
    "received_at",
    "due_on",
    "due_rule",
    "email_confirmed_at",
    "answered_at",
    "refusal_reason",
    "refused_in_part",
    "closed_at",
    "clock_stopped",
    "waiting_since",
    "extended_at",
    "extension_reason",
    "extended_to",
    "next_reminder_at",
]
Step = tuple[datetime, Callable[[PrivacyRequest], Any]]


def steps_of(fast: PrivacyRequest) -> list[Step]:
    """What happened to a fast-path request after its filing, as calls of the real methods."""
    steps: list[Step] = []
    if fast.email_confirmed_at:
        steps.append((fast.email_confirmed_at, confirm))
    for event in fast.events.filter(kind=RequestEvent.Kind.STARTED):
        steps.append((event.created_at, lambda real: real.start()))
    for task in fast.tasks.filter(done_at__isnull=False):
        steps.append((task.done_at, complete(task.system_id, task.outcome)))
    if fast.extended_at:
        steps.append((fast.extended_at, extend(fast.extension_reason, fast.extended_to)))
    for wait in fast.waits.exclude(reason=WaitReason.EMAIL):
        steps.append((wait.started_at, ask(wait.reason)))
    if fast.answered_at:
        steps.append((fast.answered_at, finish(fast)))
    if fast.status == Status.CLOSED:
        steps.append((fast.closed_at, lambda real: real.close()))
    elif fast.status == Status.WITHDRAWN:
        steps.append((fast.closed_at, services.withdraw))
    elif fast.status == Status.LAPSED:
        steps.append((fast.closed_at, sweep_one))
    return sorted(steps, key=lambda step: step[0])


def confirm(real: PrivacyRequest) -> None:
    services.confirm_email(real.links.get(purpose=AccessLink.Purpose.VERIFY))


def complete(system_id: int, outcome: str) -> Callable[[PrivacyRequest], None]:
    def step(real: PrivacyRequest) -> None:
        task = real.tasks.select_related("request", "system").get(system_id=system_id)
        task.complete(outcome, None, recipient_told=task.must_tell_recipient)

    return step


def extend(reason: str, extended_to: date | None) -> Callable[[PrivacyRequest], None]:
    return lambda real: services.extend(real, reason, None, extended_to)


def ask(reason: str) -> Callable[[PrivacyRequest], None]:
    return lambda real: services.ask_requester(real, reason, QUESTIONS[reason], None)


def finish(fast: PrivacyRequest) -> Callable[[PrivacyRequest], None]:
    body = fast.messages.order_by("created_at", "pk").last().body
    if fast.refusal_reason:
        reason, in_part = fast.refusal_reason, fast.refused_in_part
        return lambda real: services.refuse(real, reason, body, None, in_part=in_part)
    return lambda real: services.answer(real, body, None)


def sweep_one(real: PrivacyRequest) -> None:
    """The reminder sweep, at this moment, over this request alone."""
    rows = PrivacyRequest.objects.select_related("assignee").filter(pk=real.pk)
    reminders.claim_due(rows, timezone.now(), reminders.send_due)


def play(fast: PrivacyRequest) -> PrivacyRequest:
    """A new request, filed and handled as the fast-path request was, at the same moments."""
    data = {name: getattr(fast, name) for name in INTAKE_FIELDS}
    data["country"] = str(data["country"])
    with time_machine.travel(fast.received_at, tick=False) as clock:
        real, _created = services.file_request(
            data, language=fast.language, ip_address=fast.ip_address
        )
        for moment, step in steps_of(fast):
            clock.move_to(moment)
            step(real)
            real.refresh_from_db()
    return real


def normalised(request: PrivacyRequest) -> dict[str, Any]:
    request.refresh_from_db()
    messages = list(request.messages.order_by("created_at", "pk"))
    number = {message.pk: index for index, message in enumerate(messages)}
    events = []
    for event in request.events.order_by("created_at", "pk"):
        data = dict(event.data)
        if "message" in data:
            data["message"] = number[data["message"]]
        events.append((event.kind, event.actor, event.created_at, data))
    return {
        **{name: getattr(request, name) for name in REQUEST_FIELDS},
        "waits": list(
            request.waits.order_by("started_at", "pk").values_list(
                "reason", "started_at", "ended_at", "resumes_to"
            )
        ),
        "tasks": list(
            request.tasks.order_by("system_id").values_list(
                "system_id", "outcome", "done_at", "recipient_told_at"
            )
        ),
        "messages": [(message.author, message.created_at) for message in messages],
        "events": events,
        "reminders": sorted(request.reminders.values_list("kind", "deadline", "created_at")),
    }


@pytest.mark.django_db
def test_the_fast_path_writes_what_the_real_methods_write():
    fill.fill(count=60, seed=5, due_now=0, now=NOW)
    fast = list(PrivacyRequest.objects.order_by("pk"))
    played = [play(request) for request in fast]
    with time_machine.travel(NOW, tick=False):
        reminders.sweep(NOW)

    assert {request.status for request in fast} == set(Status.values)
    for fast_request, real_request in zip(fast, played, strict=True):
        assert normalised(real_request) == normalised(fast_request), fast_request.reference


@pytest.mark.django_db
def test_the_backlog_is_what_the_sweep_finds_due_and_it_sends_what_the_real_methods_send():
    fill.fill(count=60, seed=5, due_now=3, now=NOW)
    backlog = list(PrivacyRequest.objects.filter(next_reminder_at__lte=NOW).order_by("pk"))
    with time_machine.travel(NOW, tick=False):
        lines = reminders.sweep(NOW)
        again = reminders.sweep(NOW)
    played = [play(request) for request in backlog]
    with time_machine.travel(NOW, tick=False):
        reminders.sweep(NOW)

    assert len(backlog) == 3
    assert {line.reference for line in lines} == {request.reference for request in backlog}
    assert again == []
    for fast_request, real_request in zip(backlog, played, strict=True):
        fast, real = normalised(fast_request), normalised(real_request)
        assert fast["reminders"] == real["reminders"]
        assert fast["next_reminder_at"] == real["next_reminder_at"]


@pytest.mark.django_db
def test_without_a_backlog_nothing_is_due_at_the_moment_filled():
    fill.fill(count=200, seed=1, due_now=0, now=NOW)

    assert not PrivacyRequest.objects.filter(next_reminder_at__lte=NOW).exists()
