"""Waits for the requester, case by case: `current_due` (docs/DEADLINES.md)."""

import datetime

import pytest

from requests_app.deadlines import (
    Clock,
    Wait,
    current_due,
    extends_by_months,
)

date = datetime.date

# Mon 2 March 2026: a month ends on Thu 2 April 2026, a working day in DE and GB, and 30
# days on Wed 1 April 2026.
RECEIVED = date(2026, 3, 2)

EU_SAMPLE = ["DE", "FR", "IT", "ES", "PL", "IE", "IS", "NO"]
MONTH_COUNTRIES = EU_SAMPLE + ["GB"]
NON_EMAIL_REASONS = ["identity", "fee", "clarification"]


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


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
