"""Extensions and how stopped days lengthen a period, case by case: `current_due`."""

import datetime

import pytest

from requests_app.deadlines import (
    Clock,
    Wait,
    current_due,
)

date = datetime.date

# Mon 2 March 2026: a month ends on Thu 2 April 2026, a working day in DE and GB, and 30
# days on Wed 1 April 2026.
RECEIVED = date(2026, 3, 2)


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


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
