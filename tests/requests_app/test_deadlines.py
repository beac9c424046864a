import calendar
import datetime
from functools import cache

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.deadlines import (
    EEA_COUNTRIES,
    RIGHTS,
    Deadline,
    add_month,
    answer_due,
    is_working_day,
    next_working_day,
)

date = datetime.date

EU = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"}
EU |= {"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
EEA = EU | {"IS", "LI", "NO"}
ALL_TYPES = sorted(RIGHTS | {"question", "complaint"})
ROLLING_TYPES = sorted(RIGHTS | {"question"})
# EU members, the EEA-only states, UK, Switzerland, and elsewhere; "ZZ" is unknown to
# the holidays library.
COUNTRIES = ["DE", "FR", "IT", "ES", "PL", "GR", "IE", "IS", "LI", "NO"]
COUNTRIES += ["GB", "CH", "US", "JP", "BR", "ZZ"]
MONTH_RULES = {"gdpr_month", "uk_gdpr_month"}
COMPLAINT_RULES = {"dpf_complaint_45_days", "complaint_days"}

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
countries = st.sampled_from(COUNTRIES)
day_counts = st.integers(min_value=1, max_value=60)
promises = st.none() | day_counts


@cache
def library_holidays(country: str, year: int) -> frozenset[date]:
    """The oracle for holidays, read from the library independently of the module."""
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:
        return frozenset()


def plain_period(received_on: date, deadline: Deadline, settings_: dict) -> date:
    """The un-rolled end of the period named by `deadline.rule`."""
    days = {
        "fadp_30_days": 30,
        "dpf_complaint_45_days": 45,
        "default_days": settings_["default_days"],
        "complaint_days": settings_["complaint_days"],
        "promise": settings_["promised_days"],
    }
    if deadline.rule in MONTH_RULES:
        return add_month(received_on)
    return received_on + datetime.timedelta(days=days[deadline.rule])


deadline_settings = st.fixed_dictionaries(
    {"default_days": day_counts, "complaint_days": day_counts, "promised_days": promises}
)


# Counting a month (Regulation 1182/71 Art. 3)


def test_month_from_2_march_ends_on_2_april():
    assert add_month(date(2026, 3, 2)) == date(2026, 4, 2)


def test_month_from_31_january_ends_on_last_day_of_february():
    assert add_month(date(2025, 1, 31)) == date(2025, 2, 28)


def test_month_from_31_january_in_a_leap_year_ends_on_29_february():
    assert add_month(date(2024, 1, 31)) == date(2024, 2, 29)


def test_month_from_31_august_ends_on_30_september():
    assert add_month(date(2025, 8, 31)) == date(2025, 9, 30)


def test_month_from_december_ends_in_january_of_next_year():
    assert add_month(date(2025, 12, 15)) == date(2026, 1, 15)


def test_three_month_extension_from_30_november_ends_on_last_day_of_february():
    assert add_month(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_month(date(2023, 11, 30), 3) == date(2024, 2, 29)


# Working days


def test_weekend_is_not_a_working_day_even_without_a_country():
    assert not is_working_day(date(2026, 5, 16), None)
    assert is_working_day(date(2025, 12, 25), None)


def test_public_holiday_is_not_a_working_day():
    assert not is_working_day(date(2025, 12, 25), "DE")


def test_next_working_day_of_a_working_day_is_that_day():
    assert next_working_day(date(2026, 3, 2), "DE") == date(2026, 3, 2)


# Which rule sets the due date


@pytest.mark.parametrize(
    ("request_type", "country", "rule"),
    [
        ("access", "DE", "gdpr_month"),
        ("objection", "IS", "gdpr_month"),
        ("question", "FR", "gdpr_month"),
        ("deletion", "GB", "uk_gdpr_month"),
        ("question", "GB", "uk_gdpr_month"),
        ("access", "CH", "fadp_30_days"),
        ("portability", "CH", "fadp_30_days"),
        ("correction", "CH", "default_days"),
        ("question", "CH", "default_days"),
        ("access", "US", "default_days"),
        ("complaint", "DE", "dpf_complaint_45_days"),
        ("complaint", "GB", "dpf_complaint_45_days"),
        ("complaint", "CH", "dpf_complaint_45_days"),
        ("complaint", "US", "complaint_days"),
    ],
)
def test_rule_follows_the_type_and_the_requesters_country(request_type, country, rule):
    assert answer_due(date(2026, 3, 2), request_type, country).rule == rule


def test_eea_is_the_27_member_states_and_iceland_liechtenstein_norway():
    assert EEA_COUNTRIES == EEA


@pytest.mark.parametrize("country", sorted(EEA))
def test_right_from_any_eea_country_is_due_in_a_month(country):
    assert answer_due(date(2026, 3, 2), "restriction", country).rule == "gdpr_month"


def test_country_code_is_case_insensitive():
    assert answer_due(date(2026, 3, 2), "access", "gb") == answer_due(
        date(2026, 3, 2), "access", "GB"
    )


def test_access_in_switzerland_is_due_in_30_days():
    assert answer_due(date(2026, 3, 2), "access", "CH") == Deadline(
        date(2026, 4, 1), "fadp_30_days"
    )


def test_deletion_in_switzerland_is_due_in_default_days():
    due = answer_due(date(2026, 3, 2), "deletion", "CH", default_days=21)
    assert due == Deadline(date(2026, 3, 23), "default_days")


def test_question_from_the_us_is_due_in_default_days():
    assert answer_due(date(2026, 3, 2), "question", "US") == Deadline(
        date(2026, 4, 1), "default_days"
    )
    due = answer_due(date(2026, 3, 2), "question", "US", default_days=14)
    assert due == Deadline(date(2026, 3, 16), "default_days")


def test_unknown_request_type_raises_value_error():
    with pytest.raises(ValueError, match="Unknown request type 'erasure'"):
        answer_due(date(2026, 3, 2), "erasure", "DE")


def test_period_shorter_than_a_day_raises_value_error():
    with pytest.raises(ValueError, match="at least one day"):
        answer_due(date(2026, 3, 2), "access", "DE", promised_days=0)


# Weekends and holidays


def test_month_ending_on_a_saturday_rolls_to_monday():
    assert answer_due(date(2026, 4, 16), "access", "FR") == Deadline(
        date(2026, 5, 18), "gdpr_month"
    )


def test_month_ending_on_a_german_public_holiday_rolls_to_next_working_day():
    # 1 May 2025, Labour Day, is a Thursday.
    assert answer_due(date(2025, 4, 1), "access", "DE") == Deadline(date(2025, 5, 2), "gdpr_month")


def test_holiday_country_setting_replaces_the_requesters_holidays():
    # 1 May is no US holiday, so the German requester's month ends on it.
    due = answer_due(date(2025, 4, 1), "access", "DE", holiday_country="us")
    assert due == Deadline(date(2025, 5, 1), "gdpr_month")


def test_country_unknown_to_holiday_library_only_skips_weekends():
    # Christmas 2025 is a Thursday; 6 June 2026 a Saturday.
    assert answer_due(date(2025, 11, 25), "access", "ZZ").due_on == date(2025, 12, 25)
    assert answer_due(date(2026, 5, 7), "access", "ZZ").due_on == date(2026, 6, 8)


def test_complaint_is_due_in_45_days_even_on_a_sunday():
    assert answer_due(date(2026, 3, 5), "complaint", "DE") == Deadline(
        date(2026, 4, 19), "dpf_complaint_45_days"
    )


def test_complaint_is_due_in_45_days_even_on_a_public_holiday():
    assert answer_due(date(2025, 11, 10), "complaint", "DE").due_on == date(2025, 12, 25)


def test_complaint_outside_dpf_countries_is_due_in_complaint_days_without_roll():
    due = answer_due(date(2026, 3, 5), "complaint", "US", complaint_days=45)
    assert due == Deadline(date(2026, 4, 19), "complaint_days")
    assert answer_due(date(2026, 3, 5), "complaint", "US", complaint_days=10).due_on == date(
        2026, 3, 15
    )


# The organisation's promise


def test_promise_shorter_than_the_month_wins():
    due = answer_due(date(2026, 3, 2), "access", "DE", promised_days=14)
    assert due == Deadline(date(2026, 3, 16), "promise")


def test_promise_longer_than_the_month_does_not_win():
    due = answer_due(date(2026, 3, 2), "access", "DE", promised_days=40)
    assert due == Deadline(date(2026, 4, 2), "gdpr_month")


def test_promise_ending_on_the_same_day_as_the_law_names_the_law():
    due = answer_due(date(2026, 3, 2), "access", "DE", promised_days=31)
    assert due == Deadline(date(2026, 4, 2), "gdpr_month")


def test_promise_rolled_onto_the_same_day_as_the_law_names_the_law():
    # The month ends on Saturday 16 May, the promise on Sunday 17 May: both move to Monday.
    due = answer_due(date(2026, 4, 16), "access", "FR", promised_days=31)
    assert due == Deadline(date(2026, 5, 18), "gdpr_month")


def test_promise_does_not_shorten_a_complaint():
    due = answer_due(date(2026, 3, 5), "complaint", "DE", promised_days=14)
    assert due == Deadline(date(2026, 4, 19), "dpf_complaint_45_days")


# Properties


@settings(max_examples=1000, deadline=None)
@given(dates, st.sampled_from(ROLLING_TYPES), countries, deadline_settings)
def test_month_or_day_period_never_ends_on_weekend_or_holiday(
    received_on, request_type, country, settings_
):
    due_on = answer_due(received_on, request_type, country, **settings_).due_on
    assert due_on.weekday() < 5
    assert due_on not in library_holidays(country, due_on.year)


@settings(max_examples=1000, deadline=None)
@given(dates, st.sampled_from(ALL_TYPES), countries, deadline_settings)
def test_due_date_is_never_before_its_plain_period(received_on, request_type, country, settings_):
    deadline = answer_due(received_on, request_type, country, **settings_)
    plain = plain_period(received_on, deadline, settings_)
    assert deadline.due_on >= plain
    if deadline.rule in COMPLAINT_RULES:
        assert deadline.due_on == plain


@settings(max_examples=1000, deadline=None)
@given(dates, dates, st.sampled_from(ALL_TYPES), countries, deadline_settings)
def test_due_date_never_moves_earlier_for_a_later_receipt(
    first, second, request_type, country, settings_
):
    earlier, later = sorted([first, second])
    due_earlier = answer_due(earlier, request_type, country, **settings_).due_on
    due_later = answer_due(later, request_type, country, **settings_).due_on
    assert due_earlier <= due_later


@settings(max_examples=1000, deadline=None)
@given(dates)
def test_month_keeps_the_day_number_or_ends_on_the_last_day_of_the_next_month(start):
    end = add_month(start)
    next_month = (start.replace(day=1) + datetime.timedelta(days=31)).replace(day=1)
    assert (end.year, end.month) == (next_month.year, next_month.month)
    last_day = calendar.monthrange(next_month.year, next_month.month)[1]
    assert end.day == min(start.day, last_day)


@settings(max_examples=1000, deadline=None)
@given(dates, st.sampled_from(ALL_TYPES), countries, deadline_settings)
def test_roll_to_a_working_day_moves_at_most_ten_days(
    received_on, request_type, country, settings_
):
    deadline = answer_due(received_on, request_type, country, **settings_)
    plain = plain_period(received_on, deadline, settings_)
    assert deadline.due_on - plain <= datetime.timedelta(days=10)
