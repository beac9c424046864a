"""When the answer to a request is due (RULES.md section 2).

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
UNITED_KINGDOM = "GB"
SWITZERLAND = "CH"
# Where the DPF applies, so a complaint gets its fixed 45 days.
DPF_COUNTRIES: frozenset[str] = EEA_COUNTRIES | {UNITED_KINGDOM, SWITZERLAND}

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
    if request_type not in REQUEST_TYPES:
        raise ValueError(
            f"Unknown request type {request_type!r}; expected one of {sorted(REQUEST_TYPES)}."
        )
    country = country.upper()
    if request_type == COMPLAINT:
        # The promise of a shorter answer concerns rights and questions; a complaint keeps
        # the DPF's fixed period, which no source lets roll past a weekend or holiday.
        return _complaint_due(received_on, country, complaint_days)

    holiday_country = holiday_country or country
    candidates = [_legal_period(received_on, request_type, country, default_days)]
    if promised_days is not None:
        candidates.append(Deadline(received_on + _days(promised_days), "promise"))
    rolled = [
        Deadline(next_working_day(candidate.due_on, holiday_country), candidate.rule)
        for candidate in candidates
    ]
    # min() keeps the first of equal dates, and the legal rule comes first.
    return min(rolled, key=lambda deadline: deadline.due_on)


def _complaint_due(received_on: datetime.date, country: str, complaint_days: int) -> Deadline:
    if country in DPF_COUNTRIES:
        return Deadline(received_on + _days(DPF_COMPLAINT_DAYS), "dpf_complaint_45_days")
    return Deadline(received_on + _days(complaint_days), "complaint_days")


def _legal_period(
    received_on: datetime.date, request_type: str, country: str, default_days: int
) -> Deadline:
    """The un-rolled period the law (or our default) sets for a right or question."""
    if country in EEA_COUNTRIES:
        return Deadline(add_month(received_on), "gdpr_month")
    if country == UNITED_KINGDOM:
        return Deadline(add_month(received_on), "uk_gdpr_month")
    if country == SWITZERLAND and request_type in FADP_30_DAY_TYPES:
        return Deadline(received_on + _days(FADP_DAYS), "fadp_30_days")
    return Deadline(received_on + _days(default_days), "default_days")


def _days(count: int) -> datetime.timedelta:
    # Day 1 is the day after receipt, so N days end on receipt + N; a period of no days
    # would make an answer due on receipt, which no setting intends.
    if count < 1:
        raise ValueError(f"A period must be at least one day, got {count}.")
    return datetime.timedelta(days=count)


# Waits for the requester and extensions (RULES.md section 2).

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
    return country.upper() in EEA_COUNTRIES | {UNITED_KINGDOM}


def _restarts(wait: Wait, country: str) -> bool:
    # UK GDPR Art. 12A: identity information (or a fee) asked for restarts the month.
    return country == UNITED_KINGDOM and wait.reason in {IDENTITY, FEE}


def _stops(wait: Wait, request_type: str, country: str, pauses: bool) -> bool:
    if wait.reason == EMAIL:
        return False  # confirming the address never moves the due date
    if country == UNITED_KINGDOM:
        return wait.reason == CLARIFICATION and request_type == "access"
    return pauses


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
    organisation turns `pauses` on) moves the date by its calendar days once it ended.
    An extension runs three months from the (re)start in the EU/EEA and UK, or to the
    announced `extended_to` elsewhere. A complaint's 45 days never move.
    """
    country = country.upper()
    periods = {
        "default_days": default_days,
        "complaint_days": complaint_days,
        "promised_days": promised_days,
        "holiday_country": holiday_country,
    }
    if request_type == COMPLAINT:
        deadline = answer_due(received_on, request_type, country, **periods)
        return Clock(deadline.due_on, deadline.rule, received_on)
    start = max(
        [received_on]
        + [w.ended_on for w in waits if w.ended_on is not None and _restarts(w, country)]
    )
    holidays_of = holiday_country or country
    deadline = answer_due(start, request_type, country, **periods)
    if extended and extends_by_months(country):
        # Named by the month it extends, even where a shorter promise had set the date.
        month_rule = "uk_gdpr_month" if country == UNITED_KINGDOM else "gdpr_month"
        extended_on = add_month(start, EXTENSION_MONTHS)
        deadline = Deadline(next_working_day(extended_on, holidays_of), f"{month_rule}_extended")
    elif extended and extended_to is not None:
        deadline = Deadline(next_working_day(extended_to, holidays_of), "extended")
    stopping = [w for w in waits if _stops(w, request_type, country, pauses)]
    paused = sum((w.ended_on - w.started_on).days for w in stopping if w.ended_on is not None)
    # The stopped days go on top of the period's own (rolled) end, then roll once more.
    due_on = deadline.due_on + datetime.timedelta(days=paused)
    due_on = next_working_day(due_on, holidays_of)
    stopped = any(w.ended_on is None and (_restarts(w, country) or w in stopping) for w in waits)
    return Clock(due_on, deadline.rule, start, paused, stopped)
