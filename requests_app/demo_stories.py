"""What happens to each request of the demo data (`manage.py seed_demo`), drawn in advance.

A story names the state a request ends in, when it was received, whether it was filed
online or logged by the officer, and every choice on its way: work on the systems, a
question and its answer, an extension, the answer or refusal, an escalation. The command
then plays each story through the portal's use cases.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from requests_app import demo
from requests_app.models import PENDING_ANSWER, RequestType, Status

# How the states spread (per mille); the first requests are one of each, so few cover all.
STATES = demo.Weighted(
    {
        Status.UNCONFIRMED: 50,
        Status.LAPSED: 50,
        Status.NEW: 110,
        Status.IN_PROGRESS: 130,
        Status.WAITING: 80,
        Status.ANSWERED: 200,
        Status.REFUSED: 50,
        Status.CLOSED: 260,
        Status.WITHDRAWN: 70,
    }
)
# The first request of each state comes from one of these: even a few show the rules of
# the EU, the UK, Gibraltar, Switzerland, the US and territories of member states.
SHOWCASE_COUNTRIES = ("DE", "GB", "CH", "US", "RE", "GI", "AX", "IT", "FR")
FINISHED = {Status.ANSWERED, Status.REFUSED, Status.CLOSED}
# What happens to a dispute after its filing, in turn: together they reach every state.
DISPUTE_PATHS = (
    (),
    ("acknowledge",),
    ("acknowledge", "request_answer"),
    ("acknowledge", "request_answer", "answer"),
    ("answer", "decide:not_upheld", "close"),
    ("acknowledge", "decide:upheld", "remedy_done"),
    ("request_answer", "answer", "decide:settled", "remedy_done", "close"),
    ("decide:withdrawn",),
)
# Each writes its case file (a PDF), a tenth of a second or more: one of each path.
MAX_DISPUTES = len(DISPUTE_PATHS)
EXPLANATIONS = (
    "We looked into your request carefully.",
    "We checked every system that could hold your data.",
)


@dataclass
class Story:
    """What happens to one request, all drawn before anything is written."""

    state: str
    received_at: datetime
    online: bool  # filed on the intake and confirmed by e-mail, or logged by the officer
    data: dict[str, str]
    language: str  # of the intake's page, for an online filing
    ip_address: str
    started: bool = False
    tasks_done: int | None = None  # of the systems' tasks, how many are done; None: all
    follow_up: str = ""  # a message from the requester before the officer asks anything
    asked: str = ""  # the wait reason of the officer's question
    reply: str = ""  # the requester's answer to it
    extension: tuple[str, int] | None = None  # reason, days added where not by months
    refusal: str = ""
    in_part: bool = False
    text: str = ""  # the answer, or the refusal's explanation
    escalation: tuple[str, bool, int] | None = None  # reason, employment data, days
    dispute_path: tuple[str, ...] = ()  # what happens to the dispute then

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


def draw(rng: random.Random, count: int, now: datetime) -> list[Story]:
    """Every story, in order of receipt; some of the finished or overdue ones escalate."""
    showcase = list(zip(Status.values, SHOWCASE_COUNTRIES, strict=True))[:count]
    showcase += [(STATES.draw(rng), None) for _ in range(count - len(showcase))]
    stories = sorted((story_of(rng, *pair, now) for pair in showcase), key=received)
    eligible = [story for story in stories if story.finished or overdue(story, now)]
    escalating = rng.sample(eligible, min(len(eligible), MAX_DISPUTES, count // 50 + 1))
    for turn, story in enumerate(escalating):
        reason = demo.pick(rng, demo.ESCALATION_REASONS)
        story.escalation = (reason, rng.random() < 0.25, demo.number(rng, 1, 15))
        story.dispute_path = DISPUTE_PATHS[turn % len(DISPUTE_PATHS)]
    return stories


def received(story: Story) -> datetime:
    return story.received_at


def overdue(story: Story, now: datetime) -> bool:
    """Awaits its answer long after any first period (at most 45 days) ran out."""
    late = now - story.received_at > timedelta(days=50)
    return late and story.state in PENDING_ANSWER and not (story.asked or story.extension)


def story_of(rng: random.Random, state: str, country: str | None, now: datetime) -> Story:
    """A request that ends in `state`, received at a fitting moment."""
    lapse = settings.LAPSE_DAYS
    # Filed online, it is confirmed now: it must be younger than the lapse.
    online = state in {Status.UNCONFIRMED, Status.LAPSED} or rng.random() < 0.4
    if state == Status.LAPSED:
        days = lapse + 0.5 + rng.random() * 45
    elif online:
        days = rng.random() * (lapse - 0.5)
    else:
        days = rng.random() * (75 if state in PENDING_ANSWER else 50)
    received_at = now - timedelta(days=days)
    data = demo.requester(rng, received_at.year)
    data["country"] = country or data["country"]
    ip_address = demo.ip_address(rng) if online else ""
    story = Story(state, received_at, online, data, demo.language(data["country"]), ip_address)
    if state in {Status.UNCONFIRMED, Status.LAPSED}:
        return story
    # Work on the systems for the rights that need it: every task of a finished request is
    # done, a few of one still open.
    needs_systems = data["request_type"] not in {RequestType.QUESTION, RequestType.COMPLAINT}
    story.started = state == Status.IN_PROGRESS or (needs_systems and rng.random() < 0.1)
    if story.started and not story.finished:
        story.tasks_done = demo.number(rng, 0, 3)
    if rng.random() < 0.08:
        story.follow_up = demo.pick(rng, demo.FOLLOW_UPS)
    if state == Status.WAITING or (story.finished and rng.random() < 0.1):
        story.asked = demo.pick(rng, demo.WAIT_REASONS)
        story.reply = demo.reply(rng, story.asked) if state != Status.WAITING else ""
    if state != Status.WITHDRAWN and rng.random() < 0.15:
        story.extension = (demo.pick(rng, demo.EXTENSION_REASONS), demo.number(rng, 10, 61))
    if story.finished:
        refused = state == Status.REFUSED or (state == Status.CLOSED and rng.random() < 0.15)
        story.in_part = not refused and rng.random() < 0.1
        if refused or story.in_part:
            story.refusal = demo.pick(rng, demo.REFUSAL_REASONS)
            story.text = demo.pick(rng, EXPLANATIONS)
        else:
            story.text = demo.pick(rng, demo.ANSWERS)
    return story
