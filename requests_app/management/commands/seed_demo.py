"""`manage.py seed_demo --requests N`: N realistic synthetic requests in every state, fast.

For demos and benchmarks (docs/BENCHMARKS.md). Each request gets what the portal itself
would have written on its way to its state: the `filed` event and the e-mail wait, the
confirmation, the start and its tasks per system, waits, extensions, the answer or refusal
and its message, the close, the withdrawal or the lapse. Open requests also get the
reminders the sweep would have sent up to now (rows and `reminder_sent` events), and
`next_reminder_at` is the next rung of the ladder, so the real sweep carries on from there.
Not seeded: private links, outbox history, staff users and assignees.

Rows are built as plain dicts and written per chunk of requests, one transaction each:
with COPY on PostgreSQL, with bulk_create elsewhere (SQLite, for demos). Ids and
references are reserved per chunk, so real filings during seeding stay consistent.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import random
import time
import unicodedata
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

from requests_app import addresses, deadlines, reminders
from requests_app.models import (
    PENDING_ANSWER,
    TELL_RECIPIENTS,
    DataSystem,
    Message,
    PrivacyRequest,
    ReferenceCounter,
    RefusalReason,
    Reminder,
    RequestEvent,
    RequestType,
    Status,
    SystemTask,
    Wait,
    WaitReason,
)

CHUNK = 20_000
HISTORY_DAYS = 400
# A sweep runs every few minutes: what it sent went out a little after the step's time.
SWEEP_LAG = timedelta(minutes=5)
ONE_DAY = timedelta(days=1)

Event = RequestEvent.Kind
Actor = RequestEvent.Actor

# --- Synthetic text: small word lists, no Faker --------------------------------------------

FIRST_NAMES = (
    "Anna Lukas Marie Jonas Sofia Mateo Emma Noah Julia Luca Léa Hugo Chloé Giulia "
    "Alessandro Lucía Pablo Sanne Daan Zofia Jakub Elin Oskar Aoife Seán Inês João Freja "
    "Mads Aino Eliška Nikos Réka Ioana Mia Oliver Charlotte James Léon Emily Björn Zoë"
).split()
LAST_NAMES = (
    "Müller Schmidt Schneider Fischer Weber Martin Bernard Dubois Rossi Russo Bianchi "
    "García Fernández López Jansen Kowalski Nowak Andersson Johansson Murphy Kelly Silva "
    "Santos Nielsen Jensen Korhonen Novák Papadopoulos Nagy Popescu Smith Jones Taylor "
    "Brown Meier Keller Johnson Williams Peeters Østergaard"
).split()
MAIL_DOMAINS = ("example.com", "example.org", "example.net")
# Documentation address blocks (RFC 5737): never a real person's address.
IP_PREFIXES = ("192.0.2", "198.51.100", "203.0.113")

TYPE_WEIGHTS = {
    RequestType.ACCESS: 35,
    RequestType.DELETION: 24,
    RequestType.OBJECTION: 10,
    RequestType.CORRECTION: 8,
    RequestType.QUESTION: 7,
    RequestType.COMPLAINT: 6,
    RequestType.PORTABILITY: 6,
    RequestType.RESTRICTION: 4,
}
# Mostly EU member states, some UK, Switzerland, the US and a few others.
COUNTRY_WEIGHTS = {
    "DE": 18, "FR": 12, "IT": 8, "ES": 7, "NL": 6, "PL": 5, "BE": 3, "AT": 3, "SE": 3,
    "IE": 2, "PT": 2, "DK": 2, "FI": 2, "CZ": 2, "GR": 1, "HU": 1, "RO": 1, "BG": 1,
    "HR": 1, "SK": 1, "SI": 1, "LT": 1, "LV": 1, "EE": 1, "LU": 1, "CY": 1, "MT": 1,
    "NO": 1, "IS": 1, "LI": 1, "GB": 8, "CH": 5, "US": 5, "CA": 1, "AU": 1,
}  # fmt: skip
LANGUAGE_OF = {"DE": "de", "AT": "de", "LI": "de", "CH": "de", "FR": "fr", "LU": "fr", "IT": "it"}

OPENINGS = {
    RequestType.ACCESS: (
        "Please send me a copy of all personal data you hold about me.",
        "I would like to know which data you have about me and how you use it.",
    ),
    RequestType.CORRECTION: (
        "My {field} in your records is wrong; please correct it.",
        "Please update my {field}, it changed last year.",
    ),
    RequestType.DELETION: (
        "Please delete my account and all data linked to it.",
        "I no longer use your products: please erase my data.",
    ),
    RequestType.PORTABILITY: (
        "Please send me my data in a machine-readable format (CSV or JSON).",
    ),
    RequestType.RESTRICTION: ("Please stop using my data while you check my {field}.",),
    RequestType.OBJECTION: (
        "I object to the use of my data for direct marketing.",
        "Please stop sending me newsletters and product offers.",
    ),
    RequestType.COMPLAINT: (
        "I keep receiving marketing e-mails although I unsubscribed twice.",
        "Your support shared my {field} with a reseller without asking me.",
    ),
    RequestType.QUESTION: (
        "Which subprocessors receive my data, and in which countries?",
        "How long do you keep the data of former customers?",
    ),
}
CONTEXTS = (
    "I used {product} from {since} to {until}.",
    "My customer number is KZ-{number}.",
    "I wrote to your support before but got no answer.",
    "I bought a licence for {product} in {since}.",
    "",
)
PRODUCTS = ("Kaizen Assets", "Training Manager", "the web shop", "the mobile app", "the newsletter")
FIELDS = ("postal address", "surname", "date of birth", "phone number", "e-mail address")
QUESTIONS = {
    WaitReason.IDENTITY: "To confirm it is you, please tell us the customer number on your "
    "last invoice.",
    WaitReason.FEE: "Your request repeats the last three; we ask a reasonable fee before we "
    "answer it. Please reply to agree.",
    WaitReason.CLARIFICATION: "Which of our products or websites does your request concern?",
}
ANSWERS = (
    "We have answered your request: the export of your data is on this page.",
    "We made the change you asked for in every system that holds your data.",
    "We found no further data about you beyond what is listed on this page.",
)
REFUSALS = "We cannot fulfil your request, for the reason shown on this page. You may complain "
REFUSALS += "to your data protection authority or go to court."
EXTENSION_REASONS = (
    "The data is held in several systems and must be collected from a subprocessor.",
    "We received many requests from you at once.",
)
TASK_OUTCOMES = ("No data found.", "Data exported.", "Record changed as asked.")

# How the states spread over the age of a request (weights in per mille).
RECENT_DAYS = 40
RECENT_STATES = {
    Status.NEW: 250,
    Status.IN_PROGRESS: 300,
    Status.WAITING: 120,
    Status.ANSWERED: 180,
    Status.REFUSED: 40,
    Status.CLOSED: 70,
    Status.WITHDRAWN: 40,
}
OLD_STATES = {
    Status.NEW: 5,
    Status.IN_PROGRESS: 10,
    Status.WAITING: 5,
    Status.ANSWERED: 300,
    Status.REFUSED: 50,
    Status.CLOSED: 570,
    Status.WITHDRAWN: 60,
}
# One request of each state first, of a fitting age (days), so that even a few cover all.
SHOWCASE_AGES = {
    Status.UNCONFIRMED: 1.5,
    Status.NEW: 3,
    Status.IN_PROGRESS: 8,
    Status.WAITING: 12,
    Status.WITHDRAWN: 20,
    Status.ANSWERED: 30,
    Status.REFUSED: 50,
    Status.LAPSED: 60,
    Status.CLOSED: 120,
}


class Weighted:
    """Draws from a table of weights with one random number and a bisection."""

    def __init__(self, weights: dict[Any, float]) -> None:
        # Plain strings: the rows go to COPY and JSON as they are.
        self.values = [str(value) for value in weights]
        self.cumulative = list(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


TYPES = Weighted(TYPE_WEIGHTS)
COUNTRIES = Weighted(COUNTRY_WEIGHTS)
RECENT = Weighted(RECENT_STATES)
OLD = Weighted(OLD_STATES)
WAIT_REASONS = [str(reason) for reason in QUESTIONS]
REFUSAL_REASONS = RefusalReason.values


def ascii_name(name: str) -> str:
    """For e-mail addresses: Müller -> muller, Østergaard -> ostergaard, de Jong -> dejong."""
    name = name.replace("Ø", "O").replace("ø", "o").replace(" ", "")
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


ASCII_NAMES = {name: ascii_name(name) for name in FIRST_NAMES + LAST_NAMES}


def pick(rng: random.Random, items: tuple | list) -> Any:
    # rng.choice costs three times as much, and it runs millions of times.
    return items[int(rng.random() * len(items))]


def number(rng: random.Random, low: int, high: int) -> int:
    """A whole number from low (included) to high (excluded)."""
    return low + int(rng.random() * (high - low))


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random() if end > start else start


def whole_number(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least {minimum}")
    return value


def positive_int(text: str) -> int:
    return whole_number(text, 1)


def non_negative_int(text: str) -> int:
    return whole_number(text, 0)


def aware_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date and time") from None
    if timezone.is_naive(moment):
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2026-03-02T10:00:00+00:00")
    return moment


# --- Writing rows ----------------------------------------------------------------------------

Tables = dict[type[models.Model], list[dict[str, Any]]]
# In the order of their foreign keys.
TABLES = (PrivacyRequest, Wait, Message, RequestEvent, Reminder, SystemTask)


def postgres() -> bool:
    return connection.vendor == "postgresql"


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids for rows that others point at (requests, messages), before they are written."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if postgres():
            # From the table's own sequence: filings meanwhile get other numbers.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
            return [row[0] for row in cursor.fetchall()]
        # SQLite takes the write lock when the transaction begins (settings.py), so nobody
        # else inserts between this read and our rows.
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")  # noqa: S608
        (last,) = cursor.fetchone()
    return list(range(last + 1, last + 1 + count))


def reserve_references(year: int, count: int) -> int:
    """The first of `count` consecutive numbers of `year`; later filings continue after."""
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, %s) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + %s RETURNING last",
            [year, count, count],
        )
        (last,) = cursor.fetchone()
    return last - count + 1


def references(moments: list[datetime]) -> list[str]:
    """DSR-YYYY-NNNNNN in order of receipt, as ReferenceCounter.next_reference makes them."""
    numbers = {}
    for year, count in Counter(moment.year for moment in moments).items():
        numbers[year] = itertools.count(reserve_references(year, count))
    return [f"DSR-{m.year}-{next(numbers[m.year]):06d}" for m in moments]


def write_tables(tables: Tables) -> None:
    """One chunk in one transaction: COPY on PostgreSQL, bulk_create elsewhere."""
    with transaction.atomic():
        if postgres():
            with connection.cursor() as cursor:
                # Demo data: losing the last chunk in a crash costs nothing.
                cursor.execute("SET LOCAL synchronous_commit TO off")
        for model in TABLES:
            if not tables[model]:
                continue
            if postgres():
                copy_rows(model, tables[model])
            else:
                # auto_now makes updated_at the seeding time here; COPY keeps the last activity.
                objects = [model(**row) for row in tables[model]]
                model.objects.bulk_create(objects, batch_size=2_000)


def copy_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    given = rows[0].keys()
    fields = [f for f in model._meta.concrete_fields if f.attname in given or not f.primary_key]
    # A column a row does not name gets the field's default (evaluated once per chunk).
    pairs = [(f.attname, f.get_default()) for f in fields]
    json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            values = [row.get(name, default) for name, default in pairs]
            for i in json_columns:
                values[i] = "{}" if values[i] == {} else json.dumps(values[i])
            copy.write_row(values)


def close_connection() -> None:
    # `connection` is per thread: looked up here, it is the calling thread's own.
    connection.close()


class Pipeline:
    """Writes chunks; on PostgreSQL in a second thread with its own connection.

    The database files one chunk (COPY, indexes, foreign key checks at commit) while this
    thread builds the next: on two cores that takes a fifth off the time. Inside an outer
    transaction (tests) every chunk is written at once, on the caller's connection.
    """

    def __init__(self) -> None:
        self.threaded = postgres() and not connection.in_atomic_block
        self.pool = ThreadPoolExecutor(max_workers=1) if self.threaded else None
        self.pending: Future | None = None

    def submit(self, tables: Tables) -> None:
        if self.pool is None:
            write_tables(tables)
            return
        self.wait()
        self.pending = self.pool.submit(write_tables, tables)

    def wait(self) -> None:
        if self.pending is not None:
            self.pending.result()  # raises what the writer raised
            self.pending = None

    def close(self) -> None:
        if self.pool is None:
            return
        try:
            self.wait()
        finally:
            # In the same single worker thread: closes the connection it opened.
            self.pool.submit(close_connection).result()
            self.pool.shutdown()


# --- Building rows ---------------------------------------------------------------------------


class Builder:
    """Builds the rows of one chunk of requests, state by state."""

    def __init__(self, rng: random.Random, now: datetime, systems: list[int]) -> None:
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
        rng = self.rng
        first, last = pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES)
        request_type, country = TYPES.draw(rng), COUNTRIES.draw(rng)
        mailbox = f"{ASCII_NAMES[first]}.{ASCII_NAMES[last]}{number(rng, 1, 10_000)}"
        email = f"{mailbox}@{pick(rng, MAIL_DOMAINS)}"
        request = {
            "id": pk,
            "reference": reference,
            "request_type": request_type,
            "full_name": f"{first} {last}",
            "email": email,
            "email_key": addresses.key(email),
            "country": country,
            "details": self.details(request_type, received_at.year),
            "language": LANGUAGE_OF.get(country, "en"),
            "received_at": received_at,
            "ip_address": f"{pick(rng, IP_PREFIXES)}.{number(rng, 1, 255)}",
            # Unique for good: the reference is never handed out twice.
            "submission_key": hashlib.sha256(f"seed_demo {reference}".encode()).hexdigest(),
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

    def details(self, request_type: str, year: int) -> str:
        rng = self.rng
        opening = pick(rng, OPENINGS[request_type]).format(field=pick(rng, FIELDS))
        context = pick(rng, CONTEXTS).format(
            product=pick(rng, PRODUCTS),
            since=year - number(rng, 2, 8),
            until=year - number(rng, 0, 2),
            number=number(rng, 100_000, 1_000_000),
        )
        return f"{opening} {context}".strip()

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
        closed = request["received_at"] + timedelta(days=settings.LAPSE_DAYS) + SWEEP_LAG
        request["closed_at"] = min(closed, self.now)
        self.email_wait_ends(request["closed_at"])
        self.event(request, Event.LAPSED, request["closed_at"])

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
        for system in self.systems:
            task: dict[str, Any] = {"request_id": request["id"], "system_id": system}
            if self.rng.random() < 0.5:
                done = self.later(started)
                task.update(done_at=done, outcome=pick(self.rng, TASK_OUTCOMES))
                task["recipient_told_at"] = done if tell else None
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
        # The e-mail wait never moves the date (docs/DEADLINES.md): only this one can.
        span = deadlines.Wait(reason, self.local_date(at), None)
        clock = self.clock(request, (span,))
        request["due_on"], request["due_rule"] = clock.due_on, clock.rule
        request["clock_stopped"] = clock.stopped
        request["waiting_since"] = at
        self.event(request, Event.WAIT_STARTED, at, Actor.STAFF, {"reason": reason})
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
        """The reminders the sweep sent up to now, and when it looks again.

        For a request built `due_now`, the latest step due is left unsent and
        next_reminder_at points at it: the backlog a sweep finds after the beat was down.
        """
        due, upcoming = reminders.plan(self.as_model(request), self.now)
        due.sort(key=lambda step: step.at)
        request["next_reminder_at"] = upcoming
        if self.due_now:
            if not due:
                raise CommandError(f"{request['reference']} has no reminder due to leave unsent")
            request["next_reminder_at"] = due.pop().at
        for step in due:
            sent = min(step.at + SWEEP_LAG, self.now)
            self.tables[Reminder].append(
                {
                    "request_id": request["id"],
                    "kind": step.kind,
                    "deadline": step.deadline,
                    "created_at": sent,
                }
            )
            data = {"kind": step.kind, "deadline": step.deadline.isoformat()}
            self.event(request, Event.REMINDER_SENT, sent, data=data)


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


# --- The plan of the whole run -----------------------------------------------------------------


def draw_state(rng: random.Random, age_days: float) -> str:
    """A state that fits the age: unconfirmed only before the lapse, mostly closed when old."""
    if age_days < settings.LAPSE_DAYS:
        if rng.random() < (0.5 if age_days < 1 else 0.1):
            return Status.UNCONFIRMED
    elif rng.random() < 0.08:
        return Status.LAPSED
    return (RECENT if age_days < RECENT_DAYS else OLD).draw(rng)


def skeleton(rng: random.Random, count: int) -> list[tuple[float, str]]:
    """(age in days, state) of every request, oldest first; one showcase of each state."""
    rows = list(SHOWCASE_AGES.items())[:count]
    rows = [(age + rng.random() * 0.5, state) for state, age in rows]
    for _ in range(count - len(rows)):
        age = rng.random() * HISTORY_DAYS
        rows.append((age, draw_state(rng, age)))
    rows.sort(key=lambda row: -row[0])
    return rows


def choose_due_now(rng: random.Random, plan: list[tuple[float, str]], count: int) -> set[int]:
    pending = [i for i, (_age, state) in enumerate(plan) if state in PENDING_ANSWER]
    if count > len(pending):
        raise CommandError(
            f"--due-now {count}: only {len(pending)} of the requests await an answer"
        )
    return set(rng.sample(pending, count))


def chunks(items: list, size: int) -> Iterable[tuple[int, list]]:
    for start in range(0, len(items), size):
        yield start, items[start : start + size]


class Command(BaseCommand):
    help = (
        "Fill the database with N realistic synthetic requests in every state, fast (bulk), "
        "for demos and benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=positive_int, required=True, help="how many")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--due-now",
            type=non_negative_int,
            default=0,
            help="leave the latest reminder of this many open requests unsent, so that the "
            "next sweep finds exactly them due (a backlog, for benchmarks)",
        )
        parser.add_argument(
            "--now",
            type=aware_datetime,
            default=None,
            help="pretend it is this moment (ISO 8601 with a time zone); default: now",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        self.verbosity = options["verbosity"]
        now = options["now"] or timezone.now()
        counts = self.seed(options["requests"], options["seed"], options["due_now"], now)
        elapsed = time.monotonic() - started
        self.stdout.write(summary(counts, options["requests"], options["due_now"], elapsed))

    def seed(self, count: int, seed: int, due_now: int, now: datetime) -> Counter:
        # Synthetic demo data, reproducible from --seed: nothing secret is drawn here.
        rng = random.Random(seed)  # noqa: S311
        plan = skeleton(rng, count)
        due_now_rows = choose_due_now(rng, plan, due_now)
        systems = list(DataSystem.objects.filter(active=True).values_list("pk", flat=True))
        builder, pipeline = Builder(rng, now, systems), Pipeline()
        counts: Counter = Counter()
        try:
            for offset, chunk in chunks(plan, CHUNK):
                flags = [offset + i in due_now_rows for i in range(len(chunk))]
                # Unthreaded (SQLite), the ids are reserved in the chunk's own transaction.
                with nullcontext() if pipeline.threaded else transaction.atomic():
                    pipeline.submit(build_chunk(builder, chunk, flags, counts))
                if self.verbosity >= 2:
                    self.stderr.write(f"  {offset + len(chunk)} of {count} requests built")
        finally:
            pipeline.close()
        return counts


def build_chunk(
    builder: Builder, chunk: list[tuple[float, str]], due_now: list[bool], counts: Counter
) -> Tables:
    """The rows of one chunk of requests and everything they imply."""
    moments = [builder.now - timedelta(days=age) for age, _state in chunk]
    ids = reserve_ids(PrivacyRequest, len(chunk))
    message_count = sum(MESSAGES_OF.get(state, 0) for _age, state in chunk)
    tables = builder.start_chunk(reserve_ids(Message, message_count))
    rows = zip(ids, references(moments), moments, chunk, due_now, strict=True)
    for pk, reference, received_at, (_age, state), flagged in rows:
        builder.build(pk, reference, received_at, state, due_now=flagged)
        counts[state] += 1
    for model in TABLES:
        counts[model] += len(tables[model])
    return tables


def summary(counts: Counter, requests: int, due_now: int, elapsed: float) -> str:
    states = ", ".join(f"{counts[state]} {state}" for state in Status.values)
    related = ", ".join(
        f"{counts[model]} {model._meta.verbose_name_plural}"
        for model in (RequestEvent, Wait, Message, Reminder, SystemTask)
    )
    rate = requests / elapsed if elapsed else 0
    return (
        f"seeded {requests} requests: {states}; {related}; {due_now} due now; "
        f"in {elapsed:.1f} s ({rate:,.0f} requests/s)"
    )
