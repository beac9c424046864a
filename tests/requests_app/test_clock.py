"""Waits for the requester and extensions: `current_due` (docs/DEADLINES.md)."""

import datetime
from functools import cache

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.deadlines import (
    RIGHTS,
    Clock,
    Wait,
    add_month,
    answer_due,
    current_due,
    extends_by_months,
)

date = datetime.date

# Mon 2 March 2026: a month ends on Thu 2 April 2026, a working day in DE and GB, and 30
# days on Wed 1 April 2026.
RECEIVED = date(2026, 3, 2)

EU_SAMPLE = ["DE", "FR", "IT", "ES", "PL", "IE", "IS", "NO"]
NON_UK = EU_SAMPLE + ["CH", "US", "JP", "ZZ"]
COUNTRIES = NON_UK + ["GB"]
MONTH_COUNTRIES = EU_SAMPLE + ["GB"]
ROLLING_TYPES = sorted(RIGHTS | {"question"})
REASONS = ["email", "identity", "fee", "clarification"]
NON_EMAIL_REASONS = ["identity", "fee", "clarification"]
DPF = set(EU_SAMPLE) | {"GB", "CH"}  # where the DPF sets a complaint 45 days


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


@cache
def library_holidays(country: str, year: int) -> frozenset[date]:
    """The oracle for holidays, read from the library independently of the module."""
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:
        return frozenset()


def library_working_day(day: date, country: str) -> bool:
    return day.weekday() < 5 and day not in library_holidays(country.upper(), day.year)


# Strategies (built once: constructing strategies inside a test costs more than the test)

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
# One integer per date rather than st.dates()' year, month and day: fewer choices to draw.
dates = st.integers(min_value=0, max_value=(LAST_DAY - FIRST_DAY).days).map(
    lambda offset: FIRST_DAY + days(offset)
)
day_counts = st.integers(min_value=1, max_value=60)
offsets = st.integers(min_value=0, max_value=60)
spans = st.integers(min_value=0, max_value=120)


def wait_shape(reasons=tuple(REASONS), *, ended_only=False):
    """A wait as (reason, days after receipt it began, days it lasted or None while open)."""
    return st.tuples(st.sampled_from(reasons), offsets, spans if ended_only else st.none() | spans)


def wait_shapes(reasons=tuple(REASONS), *, ended_only=False, min_size=0):
    return st.lists(wait_shape(reasons, ended_only=ended_only), min_size=min_size, max_size=2)


def place(received_on: date, shapes) -> tuple[Wait, ...]:
    """The waits of `shapes` for a request received on `received_on`."""
    placed = []
    for reason, offset, span in shapes:
        started_on = received_on + days(offset)
        placed.append(Wait(reason, started_on, None if span is None else started_on + days(span)))
    return tuple(placed)


def _request_and_options(drawn):
    received_on, request_type, country, options = drawn
    request = {"received_on": received_on, "request_type": request_type, "country": country}
    return request, {**options, "extended_to": received_on + days(options["extended_to"])}


def requests(countries=tuple(COUNTRIES), types=tuple(ROLLING_TYPES)):
    """A request and the options of `current_due` other than waits and pauses."""
    options = st.fixed_dictionaries(
        {
            "extended": st.booleans(),
            "extended_to": st.integers(min_value=31, max_value=120),  # days after receipt
            "default_days": day_counts,
            "complaint_days": day_counts,
            # 0 stands for no promise: one choice to draw instead of two.
            "promised_days": st.integers(min_value=0, max_value=60).map(lambda n: n or None),
            "holiday_country": st.sampled_from([None, "DE", "GB", "US"]),
        }
    )
    return st.tuples(dates, st.sampled_from(types), st.sampled_from(countries), options).map(
        _request_and_options
    )


any_requests = requests()
month_requests = requests(countries=tuple(MONTH_COUNTRIES))
uk_requests = requests(countries=("GB",))
non_uk_requests = requests(countries=tuple(NON_UK))
every_type_requests = requests(types=(*ROLLING_TYPES, "complaint"))
complaints = requests(types=("complaint",))
any_waits = wait_shapes()
ended_stopping_waits = wait_shapes(tuple(NON_EMAIL_REASONS), ended_only=True, min_size=1)
non_email_waits = wait_shapes(tuple(NON_EMAIL_REASONS))
email_waits = wait_shapes(("email",), min_size=1)
one_ended_wait = wait_shape(ended_only=True)
one_restart = wait_shape(("identity", "fee"), ended_only=True)


def plain_end(received_on: date, rule: str, options: dict) -> date:
    """The un-rolled end of the period named by `rule`, counted from `received_on`."""
    if rule in {"gdpr_month", "uk_gdpr_month"}:
        return add_month(received_on)
    if rule.endswith("_extended"):
        return add_month(received_on, 3)
    if rule == "extended":
        return options["extended_to"]
    period = {
        "fadp_30_days": 30,
        "default_days": options["default_days"],
        "promise": options["promised_days"],
    }[rule]
    return received_on + days(period)


# An e-mail wait never moves the due date


@pytest.mark.parametrize(
    ("country", "rule"), [("DE", "gdpr_month"), ("GB", "uk_gdpr_month"), ("CH", "fadp_30_days")]
)
def test_email_wait_never_moves_the_due_date_even_with_pauses_on(country, rule):
    email = Wait("email", date(2026, 3, 2), date(2026, 3, 12))
    clock = current_due(RECEIVED, "access", country, waits=[email], pauses=True)
    due_on = date(2026, 4, 1) if country == "CH" else date(2026, 4, 2)
    assert clock == Clock(due_on, rule, RECEIVED, paused_days=0, stopped=False)


@pytest.mark.parametrize("country", ["DE", "GB", "US"])
def test_open_email_wait_does_not_stop_the_clock(country):
    email = Wait("email", date(2026, 3, 2), None)
    clock = current_due(RECEIVED, "access", country, waits=[email], pauses=True)
    assert not clock.stopped
    assert clock.paused_days == 0


# UK: identity or fee restarts the month (UK GDPR Art. 12A)


def test_uk_identity_wait_restarts_the_month_on_the_day_it_ended():
    # The identity information arrives on Fri 13 March; Mon 13 April is a working day.
    identity = Wait("identity", date(2026, 3, 5), date(2026, 3, 13))
    clock = current_due(RECEIVED, "access", "GB", waits=[identity])
    assert clock == Clock(date(2026, 4, 13), "uk_gdpr_month", date(2026, 3, 13), 0, False)


def test_uk_fee_wait_restarts_the_month_of_any_right():
    # The fee arrives on Mon 16 March; Thu 16 April is a working day.
    fee = Wait("fee", date(2026, 3, 5), date(2026, 3, 16))
    clock = current_due(RECEIVED, "deletion", "GB", waits=[fee])
    assert clock == Clock(date(2026, 4, 16), "uk_gdpr_month", date(2026, 3, 16), 0, False)


def test_uk_restart_runs_from_the_latest_identity_or_fee_wait():
    waits_ = [
        Wait("identity", date(2026, 3, 5), date(2026, 3, 10)),
        Wait("fee", date(2026, 3, 12), date(2026, 3, 16)),
        Wait("identity", date(2026, 3, 3), date(2026, 3, 4)),
    ]
    clock = current_due(RECEIVED, "access", "GB", waits=waits_)
    assert clock.started_on == date(2026, 3, 16)
    assert clock.due_on == date(2026, 4, 16)


def test_uk_restarted_month_rolls_past_weekend_and_bank_holiday():
    # Ends on Fri 3 April (Good Friday); the month ends on Sun 3 May; Mon 4 May 2026 is the
    # early May bank holiday, so the answer is due on Tue 5 May.
    identity = Wait("identity", date(2026, 3, 10), date(2026, 4, 3))
    clock = current_due(RECEIVED, "access", "GB", waits=[identity])
    assert clock == Clock(date(2026, 5, 5), "uk_gdpr_month", date(2026, 4, 3), 0, False)


def test_uk_identity_wait_is_not_also_counted_as_a_pause():
    identity = Wait("identity", date(2026, 3, 5), date(2026, 3, 13))
    clock = current_due(RECEIVED, "access", "GB", waits=[identity], pauses=True)
    assert clock == Clock(date(2026, 4, 13), "uk_gdpr_month", date(2026, 3, 13), 0, False)


# UK: a clarification of an access request stops the clock


def test_uk_clarification_of_access_request_stops_the_clock_and_rolls():
    # 10 days stopped: Thu 2 April + 10 = Sun 12 April, rolled to Mon 13 April.
    clarification = Wait("clarification", date(2026, 3, 9), date(2026, 3, 19))
    clock = current_due(RECEIVED, "access", "GB", waits=[clarification])
    assert clock == Clock(date(2026, 4, 13), "uk_gdpr_month", RECEIVED, 10, False)


@pytest.mark.parametrize("request_type", ["deletion", "portability", "question"])
def test_uk_clarification_of_other_request_does_not_move_the_date(request_type):
    clarification = Wait("clarification", date(2026, 3, 9), date(2026, 3, 19))
    clock = current_due(RECEIVED, request_type, "GB", waits=[clarification], pauses=True)
    assert clock == Clock(date(2026, 4, 2), "uk_gdpr_month", RECEIVED, 0, False)


def test_uk_clarification_after_a_restart_moves_the_restarted_month():
    # Restarted on Fri 13 March: Mon 13 April + 10 days = Thu 23 April.
    waits_ = [
        Wait("identity", date(2026, 3, 5), date(2026, 3, 13)),
        Wait("clarification", date(2026, 3, 16), date(2026, 3, 26)),
    ]
    clock = current_due(RECEIVED, "access", "GB", waits=waits_)
    assert clock == Clock(date(2026, 4, 23), "uk_gdpr_month", date(2026, 3, 13), 10, False)


# EU/EEA, Switzerland, elsewhere: pauses off by default


@pytest.mark.parametrize(
    ("country", "request_type", "due_on", "rule"),
    [
        ("DE", "access", date(2026, 4, 2), "gdpr_month"),
        # Norway keeps Maundy Thursday 2 April, Good Friday and Easter Monday 6 April.
        ("NO", "deletion", date(2026, 4, 7), "gdpr_month"),
        ("CH", "access", date(2026, 4, 1), "fadp_30_days"),
        ("US", "question", date(2026, 4, 1), "default_days"),
    ],
)
def test_without_pauses_no_wait_moves_the_date_outside_the_uk(country, request_type, due_on, rule):
    waits_ = [
        Wait("identity", date(2026, 3, 3), date(2026, 3, 20)),
        Wait("fee", date(2026, 3, 4), date(2026, 3, 9)),
        Wait("clarification", date(2026, 3, 21), date(2026, 3, 28)),
    ]
    clock = current_due(RECEIVED, request_type, country, waits=waits_)
    assert clock == Clock(due_on, rule, RECEIVED, 0, False)


def test_with_pauses_every_ended_wait_moves_the_eu_date_by_its_calendar_days():
    # 7 + 4 days: Thu 2 April + 11 = Mon 13 April.
    waits_ = [
        Wait("identity", date(2026, 3, 3), date(2026, 3, 10)),
        Wait("fee", date(2026, 3, 12), date(2026, 3, 16)),
        Wait("email", date(2026, 3, 2), date(2026, 3, 5)),
    ]
    clock = current_due(RECEIVED, "access", "DE", waits=waits_, pauses=True)
    assert clock == Clock(date(2026, 4, 13), "gdpr_month", RECEIVED, 11, False)


def test_paused_eu_date_rolls_past_easter():
    # Thu 2 April + 1 day = Good Friday 3 April; Easter Monday 6 April: Tue 7 April.
    clarification = Wait("clarification", date(2026, 3, 4), date(2026, 3, 5))
    clock = current_due(RECEIVED, "access", "DE", waits=[clarification], pauses=True)
    assert clock == Clock(date(2026, 4, 7), "gdpr_month", RECEIVED, 1, False)


def test_with_pauses_swiss_30_days_move_by_the_calendar_days():
    # Wed 1 April + 7 days = Wed 8 April.
    identity = Wait("identity", date(2026, 3, 3), date(2026, 3, 10))
    clock = current_due(RECEIVED, "access", "CH", waits=[identity], pauses=True)
    assert clock == Clock(date(2026, 4, 8), "fadp_30_days", RECEIVED, 7, False)


def test_with_pauses_elsewhere_the_paused_date_rolls_past_a_weekend():
    # Wed 1 April + 4 days = Sun 5 April, rolled to Mon 6 April (no US holiday).
    clarification = Wait("clarification", date(2026, 3, 3), date(2026, 3, 7))
    clock = current_due(RECEIVED, "access", "US", waits=[clarification], pauses=True)
    assert clock == Clock(date(2026, 4, 6), "default_days", RECEIVED, 4, False)


# Open waits


@pytest.mark.parametrize("reason", ["identity", "fee"])
def test_open_uk_identity_or_fee_wait_stops_the_clock_without_moving_the_date(reason):
    clock = current_due(RECEIVED, "access", "GB", waits=[Wait(reason, date(2026, 3, 5))])
    assert clock == Clock(date(2026, 4, 2), "uk_gdpr_month", RECEIVED, 0, True)


def test_open_uk_clarification_of_access_request_stops_the_clock():
    clarification = Wait("clarification", date(2026, 3, 5))
    clock = current_due(RECEIVED, "access", "GB", waits=[clarification])
    assert clock == Clock(date(2026, 4, 2), "uk_gdpr_month", RECEIVED, 0, True)


@pytest.mark.parametrize("reason", NON_EMAIL_REASONS)
def test_open_wait_with_pauses_on_stops_the_clock_outside_the_uk(reason):
    clock = current_due(
        RECEIVED, "access", "DE", waits=[Wait(reason, date(2026, 3, 5))], pauses=True
    )
    assert clock == Clock(date(2026, 4, 2), "gdpr_month", RECEIVED, 0, True)


@pytest.mark.parametrize(
    ("country", "request_type", "reason", "pauses"),
    [
        ("DE", "access", "identity", False),
        ("CH", "access", "fee", False),
        ("US", "question", "clarification", False),
        ("GB", "deletion", "clarification", False),
        ("GB", "deletion", "clarification", True),
        ("GB", "access", "email", True),
    ],
)
def test_open_wait_that_does_not_stop_the_clock_leaves_it_running(
    country, request_type, reason, pauses
):
    wait = Wait(reason, date(2026, 3, 5))
    clock = current_due(RECEIVED, request_type, country, waits=[wait], pauses=pauses)
    assert clock == current_due(RECEIVED, request_type, country, pauses=pauses)
    assert not clock.stopped


def test_open_wait_counts_nothing_while_ended_waits_still_count():
    # 7 days of the ended wait: Thu 2 April + 7 = Thu 9 April.
    waits_ = [
        Wait("identity", date(2026, 3, 3), date(2026, 3, 10)),
        Wait("clarification", date(2026, 3, 12)),
    ]
    clock = current_due(RECEIVED, "access", "DE", waits=waits_, pauses=True)
    assert clock == Clock(date(2026, 4, 9), "gdpr_month", RECEIVED, 7, True)


def test_open_uk_fee_wait_after_an_ended_identity_wait_keeps_the_restart():
    waits_ = [
        Wait("identity", date(2026, 3, 5), date(2026, 3, 13)),
        Wait("fee", date(2026, 3, 20)),
    ]
    clock = current_due(RECEIVED, "access", "GB", waits=waits_)
    assert clock == Clock(date(2026, 4, 13), "uk_gdpr_month", date(2026, 3, 13), 0, True)


# Complaints: the 45 days never move


@pytest.mark.parametrize("country", ["DE", "GB", "CH"])
def test_complaint_date_never_moves_with_waits_extension_or_pauses(country):
    # Received Thu 5 March 2026: 45 days end on Sun 19 April, and stay there.
    waits_ = [
        Wait("identity", date(2026, 3, 6), date(2026, 3, 20)),
        Wait("clarification", date(2026, 3, 6), date(2026, 3, 10)),
        Wait("fee", date(2026, 3, 21)),
    ]
    clock = current_due(
        date(2026, 3, 5),
        "complaint",
        country,
        waits=waits_,
        extended=True,
        extended_to=date(2026, 6, 1),
        pauses=True,
    )
    assert clock.due_on == date(2026, 4, 19)
    assert clock.rule == "dpf_complaint_45_days"
    assert clock.started_on == date(2026, 3, 5)
    assert clock.paused_days == 0


def test_complaint_outside_the_dpf_keeps_its_days_with_pauses():
    clarification = Wait("clarification", date(2026, 3, 6), date(2026, 3, 10))
    clock = current_due(
        date(2026, 3, 5), "complaint", "US", waits=[clarification], pauses=True, extended=True
    )
    assert (clock.due_on, clock.rule) == (date(2026, 4, 19), "complaint_days")


# Extensions


def test_eu_extension_runs_three_months_from_receipt():
    clock = current_due(RECEIVED, "access", "DE", extended=True)
    assert clock == Clock(date(2026, 6, 2), "gdpr_month_extended", RECEIVED, 0, False)


def test_eu_extension_rolls_past_whit_monday():
    # Wed 25 February + 3 months = Mon 25 May 2026, Whit Monday in Germany: Tue 26 May.
    clock = current_due(date(2026, 2, 25), "deletion", "DE", extended=True)
    assert clock == Clock(date(2026, 5, 26), "gdpr_month_extended", date(2026, 2, 25), 0, False)


def test_uk_extension_rolls_past_the_early_may_bank_holiday():
    # Wed 4 February + 3 months = Mon 4 May 2026, a bank holiday: Tue 5 May.
    clock = current_due(date(2026, 2, 4), "access", "GB", extended=True)
    assert clock == Clock(date(2026, 5, 5), "uk_gdpr_month_extended", date(2026, 2, 4), 0, False)


def test_uk_extension_runs_three_months_from_the_restart():
    # Restart on Fri 13 March; 13 June 2026 is a Saturday: Mon 15 June.
    identity = Wait("identity", date(2026, 3, 5), date(2026, 3, 13))
    clock = current_due(RECEIVED, "access", "GB", waits=[identity], extended=True)
    expected = Clock(date(2026, 6, 15), "uk_gdpr_month_extended", date(2026, 3, 13), 0, False)
    assert clock == expected


def test_extension_elsewhere_runs_to_the_announced_date():
    clock = current_due(RECEIVED, "access", "CH", extended=True, extended_to=date(2026, 5, 15))
    assert clock == Clock(date(2026, 5, 15), "extended", RECEIVED, 0, False)


@pytest.mark.parametrize(
    ("country", "extended_to", "due_on"),
    [
        # Thu 14 May 2026 is Ascension Day in Switzerland: Fri 15 May.
        ("CH", date(2026, 5, 14), date(2026, 5, 15)),
        # Sat 16 May 2026: Mon 18 May.
        ("US", date(2026, 5, 16), date(2026, 5, 18)),
    ],
)
def test_announced_extension_rolls_to_a_working_day(country, extended_to, due_on):
    clock = current_due(RECEIVED, "access", country, extended=True, extended_to=extended_to)
    assert clock == Clock(due_on, "extended", RECEIVED, 0, False)


def test_eu_extension_is_named_by_the_month_rule_even_with_a_shorter_promise():
    # The promise of 14 days wins the first month, but an extension is of the month (GDPR
    # Art. 12(3)): "gdpr_month_extended", a key the officer and requester have a label for.
    clock = current_due(RECEIVED, "access", "DE", extended=True, promised_days=14)
    assert clock == Clock(date(2026, 6, 2), "gdpr_month_extended", RECEIVED, 0, False)


def test_uk_extension_is_named_by_the_month_rule_even_with_a_shorter_promise():
    clock = current_due(RECEIVED, "access", "GB", extended=True, promised_days=14)
    assert clock == Clock(date(2026, 6, 2), "uk_gdpr_month_extended", RECEIVED, 0, False)


def test_paused_days_are_added_on_top_of_an_eu_extension():
    # Tue 2 June + 2 days = Thu 4 June.
    clarification = Wait("clarification", date(2026, 3, 4), date(2026, 3, 6))
    clock = current_due(RECEIVED, "access", "DE", waits=[clarification], extended=True, pauses=True)
    assert clock == Clock(date(2026, 6, 4), "gdpr_month_extended", RECEIVED, 2, False)


# Stopped days lengthen the period itself: added to its own last day, then rolled once
# (Regulation 1182/71 Art. 3(4) moves only the period's last day). Rolling first and adding
# afterwards gave a day later than the law in each of these cases.


def test_a_stopped_day_lengthens_a_month_ending_on_a_saturday_before_the_roll():
    # Thu 16 April + 1 month = Sat 16 May; one day stopped: Sun 17 May, rolled to Mon 18 May
    # (not Mon 18 May + 1 = Tue 19 May).
    clarification = Wait("clarification", date(2026, 4, 20), date(2026, 4, 21))
    clock = current_due(date(2026, 4, 16), "access", "DE", waits=[clarification], pauses=True)
    assert clock == Clock(date(2026, 5, 18), "gdpr_month", date(2026, 4, 16), 1, False)


def test_a_uk_clarification_lengthens_a_month_ending_on_a_saturday_before_the_roll():
    # Thu 16 April + 1 month = Sat 16 May; one day stopped: Sun 17 May, rolled to Mon 18 May.
    clarification = Wait("clarification", date(2026, 4, 20), date(2026, 4, 21))
    clock = current_due(date(2026, 4, 16), "access", "GB", waits=[clarification])
    assert clock == Clock(date(2026, 5, 18), "uk_gdpr_month", date(2026, 4, 16), 1, False)


def test_stopped_days_lengthen_an_eu_extension_ending_on_a_saturday_before_the_roll():
    # Fri 13 March + 3 months = Sat 13 June; one day stopped: Sun 14 June, rolled to Mon 15 June.
    clarification = Wait("clarification", date(2026, 3, 16), date(2026, 3, 17))
    clock = current_due(
        date(2026, 3, 13), "access", "DE", waits=[clarification], extended=True, pauses=True
    )
    assert clock == Clock(date(2026, 6, 15), "gdpr_month_extended", date(2026, 3, 13), 1, False)


def test_uk_stopped_days_lengthen_an_extension_ending_on_a_saturday_before_the_roll():
    # Restart Fri 13 March; + 3 months = Sat 13 June; one day of clarification: Sun 14 June,
    # rolled to Mon 15 June.
    waits_ = [
        Wait("identity", date(2026, 3, 5), date(2026, 3, 13)),
        Wait("clarification", date(2026, 3, 16), date(2026, 3, 17)),
    ]
    clock = current_due(RECEIVED, "access", "GB", waits=waits_, extended=True)
    expected = Clock(date(2026, 6, 15), "uk_gdpr_month_extended", date(2026, 3, 13), 1, False)
    assert clock == expected


def test_two_stopped_days_past_a_weekend_end_on_the_monday_after():
    # Thu 16 April + 1 month = Sat 16 May; two days stopped: Mon 18 May, a working day.
    clarification = Wait("clarification", date(2026, 4, 20), date(2026, 4, 22))
    clock = current_due(date(2026, 4, 16), "access", "DE", waits=[clarification], pauses=True)
    assert clock == Clock(date(2026, 5, 18), "gdpr_month", date(2026, 4, 16), 2, False)


def test_stopped_days_lengthen_an_announced_date_on_a_saturday_before_the_roll():
    # Announced Sat 16 May; one day paused: Sun 17 May, rolled to Mon 18 May.
    clarification = Wait("clarification", date(2026, 3, 4), date(2026, 3, 5))
    clock = current_due(
        RECEIVED,
        "access",
        "US",
        waits=[clarification],
        extended=True,
        extended_to=date(2026, 5, 16),
        pauses=True,
    )
    assert clock == Clock(date(2026, 5, 18), "extended", RECEIVED, 1, False)


# UK Art. 12A: only stops inside the running period count


def test_uk_clarification_that_ended_before_the_month_began_again_adds_nothing():
    # Clarified 4–9 March; identity information arrives Fri 13 March and the month begins
    # again: Mon 13 April, without the five days stopped before.
    waits_ = [
        Wait("clarification", date(2026, 3, 4), date(2026, 3, 9)),
        Wait("identity", date(2026, 3, 10), date(2026, 3, 13)),
    ]
    clock = current_due(RECEIVED, "access", "GB", waits=waits_)
    assert clock == Clock(date(2026, 4, 13), "uk_gdpr_month", date(2026, 3, 13), 0, False)


def test_uk_only_the_part_of_a_stop_after_the_restart_counts():
    # Spans given overlapping (as the calendar may be asked): the month begins again on
    # Fri 13 March, and only 13–16 March of the stop counts: Mon 13 April + 3 = Thu 16 April.
    waits_ = [
        Wait("clarification", date(2026, 3, 10), date(2026, 3, 16)),
        Wait("identity", date(2026, 3, 11), date(2026, 3, 13)),
    ]
    clock = current_due(RECEIVED, "access", "GB", waits=waits_)
    assert clock == Clock(date(2026, 4, 16), "uk_gdpr_month", date(2026, 3, 13), 3, False)


# A wait opened after the due date had passed moves nothing


@pytest.mark.parametrize(
    ("country", "reason", "pauses"),
    [
        ("GB", "clarification", False),
        ("GB", "identity", False),
        ("GB", "fee", False),
        ("DE", "clarification", True),
        ("CH", "identity", True),
        ("US", "fee", True),
    ],
)
def test_a_wait_opened_after_the_due_date_does_not_move_it(country, reason, pauses):
    on_time = current_due(RECEIVED, "access", country, pauses=pauses)
    late = Wait(reason, on_time.due_on + days(1), on_time.due_on + days(9))
    still_open = Wait(reason, on_time.due_on + days(3))

    assert current_due(RECEIVED, "access", country, waits=[late], pauses=pauses) == on_time
    assert current_due(RECEIVED, "access", country, waits=[still_open], pauses=pauses) == on_time


def test_a_wait_opened_on_the_due_day_still_moves_it():
    # Due Thu 2 April; asked that day, answered Mon 6 April: Thu 2 April + 4 = Mon 6 April.
    clarification = Wait("clarification", date(2026, 4, 2), date(2026, 4, 6))
    clock = current_due(RECEIVED, "access", "GB", waits=[clarification])
    assert clock == Clock(date(2026, 4, 6), "uk_gdpr_month", RECEIVED, 4, False)


def test_a_wait_counts_when_it_began_before_the_date_an_earlier_wait_moved():
    # 10 days stopped move Thu 2 April to Sun 12 April; a stop begun on Fri 10 April (after
    # the first due date, before the moved one) still counts: + 2 days = Tue 14 April.
    waits_ = [
        Wait("clarification", date(2026, 3, 9), date(2026, 3, 19)),
        Wait("clarification", date(2026, 4, 10), date(2026, 4, 12)),
    ]
    clock = current_due(RECEIVED, "access", "GB", waits=waits_)
    assert clock == Clock(date(2026, 4, 14), "uk_gdpr_month", RECEIVED, 12, False)


def test_extends_by_months_in_the_eea_and_uk_only():
    assert all(extends_by_months(country) for country in MONTH_COUNTRIES + ["gb", "de"])
    assert not any(extends_by_months(country) for country in ["CH", "US", "JP", "ZZ"])


# Properties


def library_next_working_day(day: date, country: str) -> date:
    while not library_working_day(day, country):
        day += days(1)
    return day


@settings(max_examples=1000, deadline=None)
@given(request_and_options=any_requests, shapes=ended_stopping_waits)
def test_stopped_days_lengthen_the_period_which_is_then_rolled_once(request_and_options, shapes):
    # With or without an extension (options["extended"]): the stopped days lengthen the
    # period's own (un-rolled) end, and only the result is rolled to a working day.
    request, options = request_and_options
    if request["country"] == "GB":
        # In the UK only a clarification of an access request stops the clock.
        request["request_type"] = "access"
        shapes = [("clarification", offset, span) for _, offset, span in shapes]
    unwaited = current_due(**request, pauses=True, **options)
    # Waits begun once the answer was due move nothing (tested on their own).
    stopping = [
        wait for wait in place(request["received_on"], shapes) if wait.started_on <= unwaited.due_on
    ]
    paused_days = sum((wait.ended_on - wait.started_on).days for wait in stopping)

    waited = current_due(**request, waits=stopping, pauses=True, **options)

    assert waited.paused_days == paused_days
    plain = plain_end(request["received_on"], waited.rule, options)
    holiday_country = options["holiday_country"] or request["country"]
    assert waited.due_on == library_next_working_day(plain + days(paused_days), holiday_country)
    assert waited.due_on >= unwaited.due_on


@settings(max_examples=1000, deadline=None)
@given(request_and_options=non_uk_requests, shapes=any_waits)
def test_without_pauses_no_wait_moves_an_eu_swiss_or_other_due_date(request_and_options, shapes):
    request, options = request_and_options
    waits_ = place(request["received_on"], shapes)
    assert current_due(**request, waits=waits_, **options) == current_due(**request, **options)


@settings(max_examples=1000, deadline=None)
@given(
    request_and_options=every_type_requests,
    pauses=st.booleans(),
    other_shapes=non_email_waits,
    email_shapes=email_waits,
)
def test_email_waits_never_change_the_result(
    request_and_options, pauses, other_shapes, email_shapes
):
    request, options = request_and_options
    others = place(request["received_on"], other_shapes)
    emails = place(request["received_on"], email_shapes)
    mixed = emails[:1] + others + emails[1:]
    assert current_due(**request, waits=mixed, pauses=pauses, **options) == current_due(
        **request, waits=others, pauses=pauses, **options
    )


@settings(max_examples=1000, deadline=None)
@given(request_and_options=uk_requests, pauses=st.booleans(), shape=one_restart)
def test_uk_identity_or_fee_wait_restarts_as_if_received_on_its_end(
    request_and_options, pauses, shape
):
    request, options = request_and_options
    (wait,) = place(request["received_on"], [shape])

    with_wait = current_due(**request, waits=[wait], pauses=pauses, **options)
    without = current_due(**request, pauses=pauses, **options)
    restarted = current_due(**{**request, "received_on": wait.ended_on}, pauses=pauses, **options)

    if wait.started_on > without.due_on:
        # Asked once the answer was due already: nothing begins again.
        assert with_wait == without
        return
    assert with_wait.due_on >= without.due_on
    assert with_wait.started_on == wait.ended_on
    if wait.ended_on > request["received_on"]:
        assert with_wait == restarted


@settings(max_examples=1000, deadline=None)
@given(request_and_options=month_requests, pauses=st.booleans(), shapes=any_waits)
def test_eu_or_uk_extension_is_never_earlier_and_falls_on_a_working_day(
    request_and_options, pauses, shapes
):
    request, options = request_and_options
    waits_ = place(request["received_on"], shapes)
    extended = current_due(**request, waits=waits_, pauses=pauses, **{**options, "extended": True})
    plain = current_due(**request, waits=waits_, pauses=pauses, **{**options, "extended": False})
    assert extended.due_on >= plain.due_on
    assert extended.rule.endswith("_extended")
    holiday_country = options["holiday_country"] or request["country"]
    assert library_working_day(extended.due_on, holiday_country)


@settings(max_examples=1000, deadline=None)
@given(request_and_options=complaints, pauses=st.booleans(), shapes=any_waits)
def test_complaints_are_unaffected_by_waits_extension_or_pauses(
    request_and_options, pauses, shapes
):
    request, options = request_and_options
    waits_ = place(request["received_on"], shapes)
    clock = current_due(**request, waits=waits_, pauses=pauses, **options)
    received_on, country = request["received_on"], request["country"]
    period = 45 if country in DPF else options["complaint_days"]
    assert clock.due_on == received_on + days(period)
    assert clock.due_on == answer_due(**request, complaint_days=options["complaint_days"]).due_on
    assert clock.started_on == received_on
    assert clock.paused_days == 0


@settings(max_examples=1000, deadline=None)
@given(
    request_and_options=any_requests,
    pauses=st.booleans(),
    shape=one_ended_wait,
    extra=st.integers(min_value=1, max_value=60),
    other_shapes=any_waits,
)
def test_a_longer_wait_never_gives_an_earlier_due_date(
    request_and_options, pauses, shape, extra, other_shapes
):
    request, options = request_and_options
    reason, offset, span = shape
    (wait,) = place(request["received_on"], [shape])
    (longer,) = place(request["received_on"], [(reason, offset, span + extra)])
    others = place(request["received_on"], other_shapes)

    shorter_due = current_due(**request, waits=(*others, wait), pauses=pauses, **options)
    longer_due = current_due(**request, waits=(*others, longer), pauses=pauses, **options)

    assert longer_due.due_on >= shorter_due.due_on
