"""Waits and extensions as properties over generated requests: `current_due` (docs/DEADLINES.md).

The oracle for public holidays is read from the `holidays` library here, independently of
the module under test.
"""

import datetime
from functools import cache

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.deadlines import (
    RIGHTS,
    Wait,
    add_month,
    answer_due,
    current_due,
)

date = datetime.date

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
