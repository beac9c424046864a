"""`manage.py seed_demo --requests N`: N realistic requests, made by the portal's own use cases.

Each request is filed or logged, and then handled, by the functions the intake, the status
page and the admin call: `requests_app.services`, the model's transitions, the reminder
sweep and `disputes_app.services.escalate`. So the rows are the ones the portal writes
(events, messages, waits, tasks, identity checks, reminders, disputes, and the e-mails in
the outbox, which the beat's outbox sweep hands to a worker in batches, rather than one
Celery message each, and the worker sends to the console or wherever EMAIL_URL says).

The use cases stamp the moment they run. The demo reaches into the past only where the
portal's API takes a moment: an online filing is made `received_at` days ago
(`services.file_request`), a letter is logged with the day it arrived
(`services.log_request`), and the reminder sweep runs once a day at past moments
(`reminders.claim_due` with `now`) over the new filings, so that they get the reminders to
confirm and, unconfirmed for LAPSE_DAYS, lapse, as they would have. Everything else the
officer and the requesters do happens now, and the sweep runs once more at the end, as beat
would. The same --seed gives the same requests; dates are counted back from now.

The demo escalates some requests, so the command sits in the app at the top of the
dependency graph (docs/ARCHITECTURE.md): requests_app knows nothing of disputes.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from disputes_app import rules
from disputes_app import services as disputes
from disputes_app.models import Dispute
from requests_app import demo, localtime, outbox, reminders, services
from requests_app.demo_stories import FINISHED, Story, draw
from requests_app.models import (
    AccessLink,
    IdentityCheck,
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

# Requests per transaction: fewer commits, and still small ones.
CHUNK = 100
OPEN_TASKS_REASON = "The other systems hold no data about the requester."
# Rows the command reports, besides the requests.
RELATED = (RequestEvent, Message, Wait, SystemTask, IdentityCheck, Reminder, Dispute)


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


class Command(BaseCommand):
    help = "Fill the database with N realistic requests in every state, made by the real use cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=positive_int, required=True, help="how many")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        # Synthetic demo data, reproducible from --seed: nothing secret is drawn here.
        rng = random.Random(options["seed"])  # noqa: S311
        stories = draw(rng, options["requests"], timezone.now())
        officer = demo_officer()
        # Thousands of e-mails: the outbox's sweep hands them to the worker in batches.
        with outbox.left_for_the_sweep():
            requests = in_chunks(stories, lambda story: file(story, officer))
            first = min(request.pk for request in requests)
            online = [story.received_at for story in stories if story.online]
            past = sweep_the_past(first, min(online)) if online else 0
            in_chunks(list(zip(requests, stories, strict=True)), lambda pair: live(*pair, officer))
            now = len(reminders.sweep_all())
        elapsed = time.monotonic() - started
        self.stdout.write(summary(first, len(stories), past, now, elapsed))


def demo_officer() -> Any:
    """The staff member the demo's officer steps are recorded as; cannot sign in."""
    user, created = get_user_model().objects.get_or_create(
        username="demo-officer", defaults={"is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def in_chunks(items: list, step: Callable[[Any], Any]) -> list:
    """`step` on every item, a chunk of them per transaction; what it returned."""
    done = []
    for start in range(0, len(items), CHUNK):
        with transaction.atomic():
            done += [step(item) for item in items[start : start + CHUNK]]
    return done


def file(story: Story, officer: Any) -> PrivacyRequest:
    """Filed on the intake at its moment, or a letter logged with the day it arrived."""
    if story.online:
        request, _created = services.file_request(
            story.data,
            language=story.language,
            ip_address=story.ip_address,
            # Its own form, as log_request's key has its own moment: a second run with the
            # same seed files new requests rather than finding these.
            form_token=f"seed_demo {story.received_at.isoformat()}",
            received_at=story.received_at,
        )
        return request
    return services.log_request(story.data, story.received_at, officer)


def sweep_the_past(first: int, since: datetime) -> int:
    """The sweep, once a day from the first receipt until now, over the requests filed here.

    It finds only the online filings: the others wait for a reminder from the moment they
    were logged. Returns how many e-mails it queued.
    """
    rows = PrivacyRequest.objects.select_related("assignee").filter(pk__gte=first)
    day, today = localtime.local_date(since), localtime.today()
    queued = 0
    while day <= today:
        moment = reminders.at_reminder_hour(day) + timedelta(hours=1)
        if moment < timezone.now():
            queued += len(reminders.claim_due(rows, moment, reminders.send_due))
        day += timedelta(days=1)
    return queued


def live(request: PrivacyRequest, story: Story, officer: Any) -> None:
    """Everything after the filing, now, in the order it happens."""
    if story.state in {Status.UNCONFIRMED, Status.LAPSED}:
        return
    if story.online:
        link = request.links.filter(purpose=AccessLink.Purpose.VERIFY).order_by("pk").first()
        services.confirm_email(link)
        request.refresh_from_db()
    if story.extension:
        extend(request, *story.extension, officer)
    if story.started:
        request.start(officer)
        work_on(request, story.tasks_done, officer)
    if story.follow_up:
        services.post_requester_message(request, story.follow_up)
    if story.asked:
        services.ask_requester(request, story.asked, demo.QUESTIONS[story.asked], officer)
    if story.reply:
        services.post_requester_message(request, story.reply)
        if story.asked == WaitReason.IDENTITY:
            method = IdentityCheck.Method.ACCOUNT
            request.record_identity_check(method, confirmed=True, staff_user=officer)
    if story.state in FINISHED:
        finish(request, story, officer)
    elif story.state == Status.WITHDRAWN:
        services.withdraw(request)
    if story.escalation:
        escalate(request, story, officer)


def extend(request: PrivacyRequest, reason: str, days: int, officer: Any) -> None:
    """Where the rules still allow it: before the due date, once, not for a complaint."""
    extended_to = request.due_on + timedelta(days=days)
    if request.extension_refusal(extended_to, localtime.today()) is None:
        services.extend(request, reason, officer, extended_to)


def work_on(request: PrivacyRequest, done: int | None, officer: Any) -> None:
    """The first `done` of the systems' tasks are done (None: all of them)."""
    tasks = request.tasks.select_related("request", "system").order_by("pk")
    for turn, task in enumerate(tasks[:done]):
        outcome = demo.TASK_OUTCOMES[turn % len(demo.TASK_OUTCOMES)]
        task.complete(outcome, officer, recipient_told=task.must_tell_recipient)


def finish(request: PrivacyRequest, story: Story, officer: Any) -> None:
    if story.refusal:
        services.refuse(request, story.refusal, story.text, officer, in_part=story.in_part)
    else:
        services.answer(request, story.text, officer, open_tasks_reason=OPEN_TASKS_REASON)
    if story.state == Status.CLOSED:
        request.close(officer)


def escalate(request: PrivacyRequest, story: Story, officer: Any) -> None:
    """Taken to a recourse body where the rules allow it now, then as far as its path goes."""
    request.refresh_from_db()
    if not rules.may_escalate(request, localtime.today()).allowed:
        return
    reason, employment_data, days = story.escalation
    dispute, _created = disputes.escalate(request, reason, employment_data)
    for step in story.dispute_path:
        name, _, outcome = step.partition(":")
        if name == "request_answer":
            dispute.request_answer(officer, due_on=localtime.today() + timedelta(days=days))
        elif name == "decide":
            disputes.decide(dispute, outcome, officer)
        elif name == "remedy_done":
            disputes.remedy_done(dispute, officer)
        else:
            getattr(dispute, name)(officer)


def summary(first: int, count: int, past: int, now: int, elapsed: float) -> str:
    seeded = PrivacyRequest.objects.filter(pk__gte=first)
    by_state = Counter(dict(seeded.values_list("status").annotate(n=Count("pk"))))
    states = ", ".join(f"{by_state[state]} {state}" for state in Status.values)
    rows = ", ".join(
        f"{model.objects.filter(request_id__gte=first).count()} {model._meta.verbose_name_plural}"
        for model in RELATED
    )
    types = seeded.values("request_type").distinct().count()
    countries = seeded.values("country").distinct().count()
    return (
        f"seeded {count} requests: {states}; {rows}; {types} of {len(RequestType)} types, "
        f"{countries} countries; the sweep queued {past} e-mails at past moments and {now} "
        f"now; in {elapsed:.1f} s ({count / elapsed:,.0f} requests/s)"
    )
