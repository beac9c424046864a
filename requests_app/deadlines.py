"""When the answer to a request is due (docs/DEADLINES.md).

Pure date arithmetic: no Django, only the standard library and the `holidays` library,
so the rules can be checked with thousands of generated cases.
"""

import calendar
import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays

EU_MEMBER_STATES = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip
EEA_COUNTRIES: frozenset[str] = EU_MEMBER_STATES | {"IS", "LI", "NO"}
# Parts of a member state where EU law applies that ISO 3166-1 lists with codes of their own:
# France's outermost regions Guadeloupe, Martinique, French Guiana, Réunion, Mayotte and
# Saint-Martin (TFEU Art. 349, 355(1)) and Finland's Åland Islands (Protocol 2 of the 1994
# Act of Accession). Azores, Madeira and the Canary Islands have no code of their own.
EU_TERRITORIES: frozenset[str] = frozenset({"GP", "MQ", "GF", "RE", "YT", "MF", "AX"})
# Where the GDPR gives one month (and its extension): the EEA and those territories.
GDPR_COUNTRIES: frozenset[str] = EEA_COUNTRIES | EU_TERRITORIES
UNITED_KINGDOM = "GB"
GIBRALTAR = "GI"
# The UK GDPR, and Gibraltar's GDPR, which the DPF's UK Extension also covers.
UK_RULES_COUNTRIES: frozenset[str] = frozenset({UNITED_KINGDOM, GIBRALTAR})
SWITZERLAND = "CH"
# Where the DPF applies, so a complaint gets its fixed 45 days.
DPF_COUNTRIES: frozenset[str] = GDPR_COUNTRIES | UK_RULES_COUNTRIES | {SWITZERLAND}

RIGHTS: frozenset[str] = frozenset(
    {"access", "correction", "deletion", "portability", "restriction", "objection"}
)
COMPLAINT = "complaint"
QUESTION = "question"
REQUEST_TYPES: frozenset[str] = RIGHTS | {COMPLAINT, QUESTION}
# FADP Art. 25(7) sets 30 days for access; DPO Art. 22 extends it to portability (Art. 28).
FADP_30_DAY_TYPES = frozenset({"access", "portability"})

DPF_COMPLAINT_DAYS = 45
FADP_DAYS = 30

SATURDAY = 5


@dataclass(frozen=True)
class Deadline:
    """A due date and the key of the rule that set it (shown to officer and requester)."""

    due_on: datetime.date
    rule: str


def add_month(start: datetime.date, months: int = 1) -> datetime.date:
    """Return the day `months` months after `start`, counted as Regulation 1182/71 Art. 3.

    The same day number in the target month, or that month's last day where it is shorter.
    """
    year, month_index = divmod(start.year * 12 + start.month - 1 + months, 12)
    month = month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(start.day, last_day))


@lru_cache(maxsize=4096)
def _public_holidays(country: str, year: int) -> frozenset[datetime.date]:
    # Building a holiday calendar costs milliseconds; due dates are computed on every filing.
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:
        # A code the library does not know (e.g. "EL", "ZZ"): weekends are still skipped.
        return frozenset()


def is_working_day(day: datetime.date, country: str | None) -> bool:
    """True unless `day` is a Saturday, Sunday or public holiday of `country` (if given)."""
    if day.weekday() >= SATURDAY:
        return False
    return country is None or day not in _public_holidays(country.upper(), day.year)


def next_working_day(day: datetime.date, country: str | None) -> datetime.date:
    """Return `day` if it is a working day in `country`, else the first working day after it."""
    while not is_working_day(day, country):
        day += datetime.timedelta(days=1)
    return day


def answer_due(
    received_on: datetime.date,
    request_type: str,
    country: str,
    *,
    default_days: int = 30,
    complaint_days: int = 45,
    promised_days: int | None = None,
    holiday_country: str | None = None,
) -> Deadline:
    """Return when the answer to a request received on `received_on` is due, and why.

    `country` is the requester's residence (ISO 3166-1 alpha-2, any case). Month and day
    periods ending on a weekend or public holiday of `holiday_country` (default: the
    requester's country) move to the next working day; complaint periods never move.
    `promised_days`, the organisation's own shorter promise, applies to rights and
    questions only. Where several periods apply the earliest wins; on a tie the legal
    rule wins over the promise.
    """
    _check_type(request_type)
    country = country.upper()
    if request_type == COMPLAINT:
        # The promise of a shorter answer concerns rights and questions; a complaint keeps
        # the DPF's fixed period, which no source lets roll past a weekend or holiday.
        return _complaint_due(received_on, country, complaint_days)
    periods = _periods(received_on, request_type, country, default_days, promised_days)
    return _earliest(periods, 0, holiday_country or country)


def _check_type(request_type: str) -> None:
    if request_type not in REQUEST_TYPES:
        raise ValueError(
            f"Unknown request type {request_type!r}; expected one of {sorted(REQUEST_TYPES)}."
        )


def _complaint_due(received_on: datetime.date, country: str, complaint_days: int) -> Deadline:
    if country in DPF_COUNTRIES:
        return Deadline(received_on + _days(DPF_COMPLAINT_DAYS), "dpf_complaint_45_days")
    return Deadline(received_on + _days(complaint_days), "complaint_days")


def month_rule(country: str) -> str:
    """The key of the one-month rule of `country`'s law (EU/EEA, UK or Gibraltar GDPR)."""
    if country == UNITED_KINGDOM:
        return "uk_gdpr_month"
    if country == GIBRALTAR:
        return "gibraltar_gdpr_month"
    return "gdpr_month"


def _legal_period(
    start: datetime.date, request_type: str, country: str, default_days: int
) -> Deadline:
    """The un-rolled period the law (or our default) sets for a right or question."""
    if extends_by_months(country):
        return Deadline(add_month(start), month_rule(country))
    if country == SWITZERLAND and request_type in FADP_30_DAY_TYPES:
        return Deadline(start + _days(FADP_DAYS), "fadp_30_days")
    return Deadline(start + _days(default_days), "default_days")


def _periods(
    start: datetime.date,
    request_type: str,
    country: str,
    default_days: int,
    promised_days: int | None,
) -> list[Deadline]:
    """The un-rolled periods that apply from `start`, the legal one first."""
    periods = [_legal_period(start, request_type, country, default_days)]
    if promised_days is not None:
        periods.append(Deadline(start + _days(promised_days), "promise"))
    return periods


def _earliest(periods: list[Deadline], stopped_days: int, holidays_of: str) -> Deadline:
    """Lengthen each period by the stopped days, roll its last day once, keep the earliest.

    Regulation 1182/71 Art. 3(4) moves only a period's last day: the stopped days belong to
    the period, so they are added before the roll, never after it.
    """
    extra = datetime.timedelta(days=stopped_days)
    rolled = [
        Deadline(next_working_day(period.due_on + extra, holidays_of), period.rule)
        for period in periods
    ]
    # min() keeps the first of equal dates, and the legal rule comes first.
    return min(rolled, key=lambda deadline: deadline.due_on)


def _days(count: int) -> datetime.timedelta:
    # Day 1 is the day after receipt, so N days end on receipt + N; a period of no days
    # would make an answer due on receipt, which no setting intends.
    if count < 1:
        raise ValueError(f"A period must be at least one day, got {count}.")
    return datetime.timedelta(days=count)


# Waits for the requester and extensions (docs/DEADLINES.md).

EMAIL = "email"
IDENTITY = "identity"
FEE = "fee"
CLARIFICATION = "clarification"
EXTENSION_MONTHS = 3
EXTENSION_MAX_DAYS = 60


@dataclass(frozen=True)
class Wait:
    """A span in which the request waited for the requester; `ended_on` None while open."""

    reason: str
    started_on: datetime.date
    ended_on: datetime.date | None = None


@dataclass(frozen=True)
class Clock:
    """The due date as it stands after waits and an extension, and how it got there."""

    due_on: datetime.date
    rule: str
    started_on: datetime.date
    paused_days: int = 0
    # A wait that stops the clock is open: the date moves again when it ends.
    stopped: bool = False


def extends_by_months(country: str) -> bool:
    """EU/EEA and UK extensions run three months from receipt; elsewhere a date is announced."""
    return country.upper() in GDPR_COUNTRIES | UK_RULES_COUNTRIES


def _restarts(wait: Wait, country: str) -> bool:
    # UK GDPR Art. 12A: identity information (or a fee) asked for restarts the month.
    return country in UK_RULES_COUNTRIES and wait.reason in {IDENTITY, FEE}


def _stops(wait: Wait, request_type: str, country: str, pauses: bool) -> bool:
    if wait.reason == EMAIL:
        return False  # confirming the address never moves the due date
    if country in UK_RULES_COUNTRIES:
        return wait.reason == CLARIFICATION and request_type == "access"
    return pauses


def _stopped_days(stops: list[Wait], start: datetime.date) -> int:
    """Calendar days stopped inside the running period, which began on `start`.

    A stop that ended before the period began again (UK Art. 12A) adds nothing.
    """
    return sum(
        max(0, (stop.ended_on - max(stop.started_on, start)).days)
        for stop in stops
        if stop.ended_on is not None
    )


def current_due(
    received_on: datetime.date,
    request_type: str,
    country: str,
    *,
    waits: tuple[Wait, ...] | list[Wait] = (),
    extended: bool = False,
    extended_to: datetime.date | None = None,
    pauses: bool = False,
    default_days: int = 30,
    complaint_days: int = 45,
    promised_days: int | None = None,
    holiday_country: str | None = None,
) -> Clock:
    """The due date after the waits and an extension a request went through.

    A UK identity or fee wait begins the month again on the day the answer arrived; a wait
    that stops the clock (UK clarification of an access request, or any wait when the
    organisation turns `pauses` on) lengthens the period by its calendar days once it ended.
    Stopped days are added to the period's own last day, which is then rolled once to a
    working day. A wait opened after the due date had passed moves nothing: the answer was
    late already. An extension runs three months from the (re)start in the EU/EEA and UK, or
    to the announced `extended_to` elsewhere. A complaint's 45 days never move.
    """
    _check_type(request_type)
    country = country.upper()
    if request_type == COMPLAINT:
        deadline = _complaint_due(received_on, country, complaint_days)
        return Clock(deadline.due_on, deadline.rule, received_on)

    holidays_of = holiday_country or country

    def due_from(start: datetime.date, stops: list[Wait]) -> tuple[Deadline, int]:
        if extended and extends_by_months(country):
            # Named by the month it extends, even where a shorter promise had set the date.
            extended_on = add_month(start, EXTENSION_MONTHS)
            periods = [Deadline(extended_on, f"{month_rule(country)}_extended")]
        elif extended and extended_to is not None:
            periods = [Deadline(extended_to, "extended")]
        else:
            periods = _periods(start, request_type, country, default_days, promised_days)
        stopped_days = _stopped_days(stops, start)
        return _earliest(periods, stopped_days, holidays_of), stopped_days

    start, stops, stopped = received_on, [], False
    for wait in sorted(waits, key=lambda wait: wait.started_on):
        restarts = _restarts(wait, country)
        if not (restarts or _stops(wait, request_type, country, pauses)):
            continue
        if wait.started_on > due_from(start, stops)[0].due_on:
            continue  # asked after the answer was due: too late to move the date
        if wait.ended_on is None:
            stopped = True
        elif restarts:
            start = max(start, wait.ended_on)
        else:
            stops.append(wait)
    deadline, stopped_days = due_from(start, stops)
    return Clock(deadline.due_on, deadline.rule, start, stopped_days, stopped)


def refusal_due(
    received_on: datetime.date,
    request_type: str,
    country: str,
    *,
    waits: tuple[Wait, ...] | list[Wait] = (),
    pauses: bool = False,
    complaint_days: int = 45,
    holiday_country: str | None = None,
) -> datetime.date:
    """The last day to tell a requester that (and why) their request is refused.

    One month in the EU/EEA and UK (GDPR Art. 12(4)), 30 days in Switzerland (DPO Art.
    18(3)) and elsewhere, even where the answer itself was extended: the answer's clock
    without its extension or the organisation's promise, from the same (re)start and with the
    same stopped days. A complaint's refusal is its answer, due in its 45 days.
    """
    return current_due(
        received_on,
        request_type,
        country,
        waits=waits,
        pauses=pauses,
        default_days=FADP_DAYS,
        complaint_days=complaint_days,
        holiday_country=holiday_country,
    ).due_on
