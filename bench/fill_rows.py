"""The fast path's rows of one request: what the portal's methods write on its way to a state.

bench/fill.py draws the requests and writes these rows with COPY; this module builds them as
plain dicts, one state at a time, asking the model's own logic for every date (the clock,
the reminder ladder, the refusal deadline), so that they are what `services.file_request`,
the model's transitions and the reminder sweep write. tests/bench/test_fill.py checks that:
it plays the same requests through the real methods and compares the rows.
"""

from __future__ import annotations

import hashlib
import random
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models

from requests_app import addresses, deadlines, reminders
from requests_app.demo import (
    ANSWERS,
    EXTENSION_REASONS,
    QUESTIONS,
    REFUSAL_REASONS,
    REFUSALS,
    TASK_OUTCOMES,
    WAIT_REASONS,
    ip_address,
    language,
    number,
    pick,
    requester,
)
from requests_app.models import (
    TELL_RECIPIENTS,
    Message,
    PrivacyRequest,
    Reminder,
    RequestEvent,
    RequestType,
    Status,
    SystemTask,
    Wait,
    WaitReason,
)

# A sweep runs every few minutes: what it did happened a little after the step's time.
SWEEP_LAG = timedelta(minutes=5)
ONE_DAY = timedelta(days=1)

Event = RequestEvent.Kind
Actor = RequestEvent.Actor
Tables = dict[type[models.Model], list[dict[str, Any]]]
# In the order of their foreign keys.
TABLES = (PrivacyRequest, Wait, Message, RequestEvent, Reminder, SystemTask)


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random() if end > start else start


class Builder:
    """Builds the rows of one chunk of requests, state by state."""

    def __init__(self, rng: random.Random, now: datetime, systems: list[tuple[int, str]]) -> None:
        self.rng = rng
        self.now = now
        self.systems = systems
        self.zone = zoneinfo.ZoneInfo(settings.ORGANISATION_TIME_ZONE)
        self.tables: Tables = defaultdict(list)
        self.message_ids: Iterator[int] = iter(())
        self.email_wait: dict[str, Any] = {}
        self.due_now = False
        # Computed once per (day, type, country, …): there are only so many combinations.
        self.clocks: dict[tuple, deadlines.Clock] = {}
        self.due_moments: dict[date, datetime] = {}
        self.refusal_deadlines: dict[tuple, date] = {}
        # One model instance, refilled from a row, to ask the model's own logic (clock,
        # ladder, refusal deadline): a new model per row would cost more than the row.
        self.scratch = PrivacyRequest()
        self.defaults = {f.attname: f.get_default() for f in PrivacyRequest._meta.concrete_fields}

    def start_chunk(self, message_ids: list[int]) -> Tables:
        self.tables = defaultdict(list)
        self.message_ids = iter(message_ids)
        return self.tables

    def as_model(self, request: dict[str, Any]) -> PrivacyRequest:
        # Straight into __dict__, where the fields' descriptors read: setting the country
        # through its descriptor alone would cost more than the rest of the row.
        state = self.scratch.__dict__
        state.update(self.defaults)
        state.update(request)
        return self.scratch

    def local_date(self, moment: datetime) -> date:
        """PrivacyRequest.local_date, without looking the zone up every time."""
        return moment.astimezone(self.zone).date()

    def clock(self, request: dict[str, Any], waits: tuple[deadlines.Wait, ...] = ()) -> Any:
        """The model's own clock for the request and its waits (cached)."""
        key = (
            self.local_date(request["received_at"]),
            request["request_type"],
            request["country"],
            waits,
            request.get("extended_at") is not None,
            request.get("extended_to"),
        )
        if key not in self.clocks:
            self.clocks[key] = self.as_model(request).clock(waits=list(waits))
        return self.clocks[key]

    def due_moment(self, request: dict[str, Any]) -> datetime:
        due_on = request["due_on"]
        if due_on not in self.due_moments:
            self.due_moments[due_on] = reminders.at_reminder_hour(due_on)
        return self.due_moments[due_on]

    def build(
        self, pk: int, reference: str, received_at: datetime, status: str, *, due_now: bool
    ) -> dict[str, Any]:
        self.due_now = due_now
        request = self.filed(pk, reference, received_at)
        request["status"] = status
        STATE_BUILDERS[status](self, request)
        self.tables[PrivacyRequest].append(request)
        return request

    # The filing: what services.file_request writes.
    def filed(self, pk: int, reference: str, received_at: datetime) -> dict[str, Any]:
        request = requester(self.rng, received_at.year)
        request |= {
            "id": pk,
            "reference": reference,
            "email_key": addresses.key(request["email"]),
            "language": language(request["country"]),
            "received_at": received_at,
            "ip_address": ip_address(self.rng),
            # Unique for good: the reference is never handed out twice.
            "submission_key": hashlib.sha256(f"bench fill {reference}".encode()).hexdigest(),
            "updated_at": received_at,
            "next_reminder_at": None,
        }
        clock = self.clock(request)
        request["due_on"], request["due_rule"] = clock.due_on, clock.rule
        data = {"due_on": clock.due_on.isoformat(), "rule": clock.rule}
        self.event(request, Event.FILED, received_at, Actor.REQUESTER, data)
        self.email_wait = {"request_id": pk, "reason": WaitReason.EMAIL, "started_at": received_at}
        self.tables[Wait].append(self.email_wait)
        return request

    def event(
        self,
        request: dict[str, Any],
        kind: str,
        at: datetime,
        actor: str = Actor.SYSTEM,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.tables[RequestEvent].append(
            {
                "request_id": request["id"],
                "kind": kind,
                "actor": actor,
                "created_at": at,
                "data": data or {},
            }
        )
        if at > request["updated_at"]:
            request["updated_at"] = at

    def email_wait_ends(self, at: datetime) -> None:
        self.email_wait["ended_at"] = at

    def later(self, start: datetime, share: float = 0.5) -> datetime:
        """A moment after `start`, within `share` of the time left until now."""
        return between(self.rng, start, start + (self.now - start) * share)

    # --- States --------------------------------------------------------------------------

    def unconfirmed(self, request: dict[str, Any]) -> None:
        self.schedule(request)

    def lapsed(self, request: dict[str, Any]) -> None:
        """The sweep after the lapse found it unconfirmed: it lapsed it and sent its e-mails."""
        closed = request["received_at"] + timedelta(days=settings.LAPSE_DAYS) + SWEEP_LAG
        closed = min(closed, self.now)
        request["status"] = Status.UNCONFIRMED
        due, _upcoming = reminders.plan(self.as_model(request), closed)
        request["status"] = Status.LAPSED
        request["closed_at"] = closed
        self.email_wait_ends(closed)
        self.event(request, Event.LAPSED, closed)
        self.send(request, due, closed)

    def confirmed(self, request: dict[str, Any]) -> datetime:
        """Most confirm within hours, a few after days; always before the lapse."""
        received = request["received_at"]
        delay = timedelta(seconds=min(self.rng.expovariate(1 / 10_800), 5 * 86_400))
        confirmed = min(received + delay, self.later(received, 0.3))
        request["email_confirmed_at"] = confirmed
        self.email_wait_ends(confirmed)
        self.event(request, Event.EMAIL_CONFIRMED, confirmed, Actor.REQUESTER)
        return confirmed

    def new(self, request: dict[str, Any]) -> None:
        self.confirmed(request)
        self.maybe_extend(request)
        self.schedule(request)

    def in_progress(self, request: dict[str, Any]) -> None:
        self.start(request, self.confirmed(request))
        self.maybe_extend(request)
        self.schedule(request)

    def waiting(self, request: dict[str, Any]) -> None:
        moment = self.confirmed(request)
        resumes_to = Status.NEW
        if self.rng.random() < 0.5:
            moment = self.start(request, moment)
            resumes_to = Status.IN_PROGRESS
        self.maybe_extend(request)
        self.ask(request, self.later(moment), str(resumes_to))
        self.schedule(request)

    def answered(self, request: dict[str, Any]) -> None:
        answered = self.finish(request, self.confirmed(request))
        if self.rng.random() < 0.1:
            self.refusal(request, answered, in_part=True)
        else:
            self.event(request, Event.ANSWERED, answered, Actor.STAFF)
            self.team_message(request, answered, pick(self.rng, ANSWERS))

    def refused(self, request: dict[str, Any]) -> None:
        self.refusal(request, self.finish(request, self.confirmed(request)), in_part=False)

    def closed(self, request: dict[str, Any]) -> None:
        if self.rng.random() < 0.85:
            self.answered(request)
        else:
            self.refused(request)
        answered = request["answered_at"]
        request["closed_at"] = between(self.rng, answered, min(self.now, answered + 14 * ONE_DAY))
        self.event(request, Event.CLOSED, request["closed_at"], Actor.STAFF)

    def withdrawn(self, request: dict[str, Any]) -> None:
        confirmed = self.confirmed(request)
        request["closed_at"] = between(self.rng, confirmed, min(self.now, self.due_moment(request)))
        self.event(request, Event.WITHDRAWN, request["closed_at"], Actor.REQUESTER)

    # --- Steps of the states ---------------------------------------------------------------

    def start(self, request: dict[str, Any], after: datetime) -> datetime:
        """Work began: one task per active system, some of them done already."""
        started = self.later(after, 0.2)
        self.event(request, Event.STARTED, started, Actor.STAFF)
        tell = request["request_type"] in TELL_RECIPIENTS
        for system, name in self.systems:
            task: dict[str, Any] = {"request_id": request["id"], "system_id": system}
            if self.rng.random() < 0.5:
                done = self.later(started)
                task.update(done_at=done, outcome=pick(self.rng, TASK_OUTCOMES))
                task["recipient_told_at"] = done if tell else None
                data = {"system": name, "recipient_told": tell}
                self.event(request, Event.TASK_DONE, done, Actor.STAFF, data)
            self.tables[SystemTask].append(task)
        return started

    def maybe_extend(self, request: dict[str, Any]) -> None:
        """Some older open requests were extended, announced before the first due date."""
        received = request["received_at"]
        if request["request_type"] == RequestType.COMPLAINT or self.now - received < ONE_DAY * 30:
            return
        if self.rng.random() >= 0.4:
            return
        # Every first period is at least 28 days: by day 25 the extension was in time.
        earliest = max(request["email_confirmed_at"], received + ONE_DAY * 10)
        extended = between(self.rng, earliest, received + ONE_DAY * 25)
        before = request["due_on"]
        request["extended_at"] = extended
        request["extension_reason"] = pick(self.rng, EXTENSION_REASONS)
        if not deadlines.extends_by_months(request["country"]):
            request["extended_to"] = before + timedelta(days=number(self.rng, 10, 61))
        clock = self.clock(request)
        request["due_on"], request["due_rule"] = clock.due_on, clock.rule
        moved = {"from": before.isoformat(), "to": clock.due_on.isoformat(), "rule": clock.rule}
        self.event(request, Event.DUE_DATE_MOVED, extended, data=moved)
        data = {"reason": request["extension_reason"], "due_on": clock.due_on.isoformat()}
        self.event(request, Event.EXTENDED, extended, Actor.STAFF, data)

    def ask(self, request: dict[str, Any], at: datetime, resumes_to: str) -> None:
        """The officer asked for something: an open wait, which may stop the clock."""
        reason = pick(self.rng, WAIT_REASONS)
        self.tables[Wait].append(
            {"request_id": request["id"], "reason": reason, "started_at": at}
            | {"resumes_to": resumes_to}
        )
        due_on = request["due_on"]
        # The e-mail wait never moves the date (docs/DEADLINES.md): only this one can.
        span = deadlines.Wait(reason, self.local_date(at), None)
        clock = self.clock(request, (span,))
        request["due_on"], request["due_rule"] = clock.due_on, clock.rule
        request["clock_stopped"] = clock.stopped
        request["waiting_since"] = at
        data = {"reason": reason}
        if self.local_date(at) > due_on:
            data["after_due"] = True  # as PrivacyRequest.ask_requester records it
        self.event(request, Event.WAIT_STARTED, at, Actor.STAFF, data)
        self.team_message(request, at, QUESTIONS[reason])

    def finish(self, request: dict[str, Any], after: datetime) -> datetime:
        """Answered or refused: mostly before the due date, some a little late."""
        last = min(self.now, self.due_moment(request) + ONE_DAY * 7)
        answered = between(self.rng, after, last)
        request["answered_at"] = answered
        return answered

    def refusal(self, request: dict[str, Any], at: datetime, *, in_part: bool) -> None:
        reason = pick(self.rng, REFUSAL_REASONS)
        request["refusal_reason"], request["refused_in_part"] = reason, in_part
        key = (self.local_date(request["received_at"]), request["country"])
        if key not in self.refusal_deadlines:
            self.refusal_deadlines[key] = self.as_model(request).refusal_deadline()
        late = self.local_date(at) > self.refusal_deadlines[key]
        data = {"reason": reason, "in_part": in_part, "late": late}
        self.event(request, Event.REFUSED, at, Actor.STAFF, data)
        self.team_message(request, at, REFUSALS)

    def team_message(self, request: dict[str, Any], at: datetime, body: str) -> None:
        """What services.post_team_message writes: the message and its event."""
        message_id = next(self.message_ids)
        self.tables[Message].append(
            {
                "id": message_id,
                "request_id": request["id"],
                "author": Message.Author.TEAM.value,
                "body": body,
                "created_at": at,
            }
        )
        self.event(request, Event.MESSAGE_FROM_TEAM, at, Actor.STAFF, {"message": message_id})

    # --- Reminders -------------------------------------------------------------------------

    def schedule(self, request: dict[str, Any]) -> None:
        """What a sweep at `now` sent, and when the next one looks again.

        For a request built `due_now`, the latest step due is left unsent and
        next_reminder_at points at it: the backlog a sweep finds after the beat was down.
        """
        due, upcoming = reminders.plan(self.as_model(request), self.now)
        request["next_reminder_at"] = upcoming
        if self.due_now:
            if not due:
                raise ValueError(f"{request['reference']} has no reminder due to leave unsent")
            latest = max(due, key=lambda step: step.at)
            due.remove(latest)
            request["next_reminder_at"] = latest.at
        self.send(request, due, self.now)

    def send(self, request: dict[str, Any], due: list[reminders.Step], at: datetime) -> None:
        """What reminders.send_due records for the steps a sweep at `at` sends."""
        for step in due:
            self.tables[Reminder].append(
                {
                    "request_id": request["id"],
                    "kind": step.kind,
                    "deadline": step.deadline,
                    "created_at": at,
                }
            )
            data = {"kind": step.kind, "deadline": step.deadline.isoformat()}
            self.event(request, Event.REMINDER_SENT, at, data=data)


STATE_BUILDERS = {
    Status.UNCONFIRMED: Builder.unconfirmed,
    Status.NEW: Builder.new,
    Status.IN_PROGRESS: Builder.in_progress,
    Status.WAITING: Builder.waiting,
    Status.ANSWERED: Builder.answered,
    Status.REFUSED: Builder.refused,
    Status.CLOSED: Builder.closed,
    Status.WITHDRAWN: Builder.withdrawn,
    Status.LAPSED: Builder.lapsed,
}
# States that write a team message (its id is reserved with the chunk).
MESSAGES_OF = {Status.WAITING: 1, Status.ANSWERED: 1, Status.REFUSED: 1, Status.CLOSED: 1}
