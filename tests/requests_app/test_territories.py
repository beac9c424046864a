"""Which law's clock each of the 249 selectable countries gets (docs/DEADLINES.md).

The expected groups are written out here by hand, from the treaties and the DPF, and are not
read from the code under test: a country moved into the wrong group fails this test.
"""

import datetime

import pytest
from django_countries import countries

from requests_app.deadlines import (
    Wait,
    answer_due,
    current_due,
    extends_by_months,
    refusal_due,
)

date = datetime.date

# GDPR: the 27 member states, the three EEA states, and the parts of member states that
# ISO 3166-1 lists under codes of their own: Guadeloupe, Martinique, French Guiana,
# Réunion, Mayotte, Saint-Martin (outermost regions, TFEU Art. 349) and Åland.
GDPR_MONTH = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    "IS", "LI", "NO",
    "GP", "MQ", "GF", "RE", "YT", "MF", "AX",
}  # fmt: skip
UK_GDPR_MONTH = {"GB"}
GIBRALTAR_GDPR_MONTH = {"GI"}
SWITZERLAND = {"CH"}
# Not in the EU, even where French or Dutch or Danish: overseas countries and territories
# (Saint-Barthélemy, St Pierre and Miquelon, the Pacific territories, Greenland, the Faroes,
# the Caribbean Netherlands), the Crown Dependencies, and everywhere else.
NOT_EU_SAMPLE = {"BL", "PM", "NC", "PF", "WF", "TF", "GL", "FO", "AW", "CW", "SX", "BQ"}
NOT_EU_SAMPLE |= {"JE", "GG", "IM", "SJ", "US", "JP", "AD", "MC", "SM", "VA"}

ALL_CODES = [code for code, _name in countries]
# A Monday, so no period below ends on a weekend by accident of the receipt day.
RECEIVED = date(2026, 3, 2)


def expected_rule(code: str) -> tuple[str, str, bool]:
    """(rule for access, rule for a complaint, extends by months) from the lists above."""
    if code in GDPR_MONTH:
        return "gdpr_month", "dpf_complaint_45_days", True
    if code in UK_GDPR_MONTH:
        return "uk_gdpr_month", "dpf_complaint_45_days", True
    if code in GIBRALTAR_GDPR_MONTH:
        return "gibraltar_gdpr_month", "dpf_complaint_45_days", True
    if code in SWITZERLAND:
        return "fadp_30_days", "dpf_complaint_45_days", False
    return "default_days", "complaint_days", False


def test_the_selectable_countries_are_the_249_of_iso_3166():
    assert len(ALL_CODES) == len(set(ALL_CODES)) == 249
    assert GDPR_MONTH | UK_GDPR_MONTH | GIBRALTAR_GDPR_MONTH | SWITZERLAND <= set(ALL_CODES)
    assert NOT_EU_SAMPLE <= set(ALL_CODES)
    assert len(GDPR_MONTH) == 37


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_country_gets_the_rule_of_its_law(code):
    access_rule, complaint_rule, by_months = expected_rule(code)

    assert answer_due(RECEIVED, "access", code).rule == access_rule
    assert answer_due(RECEIVED, "complaint", code, complaint_days=60).rule == complaint_rule
    assert extends_by_months(code) is by_months
    assert code not in NOT_EU_SAMPLE or access_rule == "default_days"


@pytest.mark.parametrize("code", sorted(GIBRALTAR_GDPR_MONTH | UK_GDPR_MONTH))
def test_gibraltar_follows_the_uk_identity_restart_and_its_complaint_days(code):
    # Identity information arrives on Fri 13 March: the month begins again then.
    arrived = Wait("identity", RECEIVED, date(2026, 3, 13))
    identity = current_due(RECEIVED, "access", code, waits=[arrived])
    assert (identity.started_on, identity.due_on) == (date(2026, 3, 13), date(2026, 4, 13))
    assert answer_due(RECEIVED, "complaint", code, complaint_days=60).due_on == date(2026, 4, 16)


@pytest.mark.parametrize(
    ("code", "received", "due"),
    [
        # Fri 22 May 2026 is Martinique's Abolition of Slavery day, Mon 25 May Whit Monday.
        ("MQ", date(2026, 4, 22), date(2026, 5, 26)),
        # The same day in metropolitan France is a working day.
        ("FR", date(2026, 4, 22), date(2026, 5, 22)),
        # Tue 9 June 2026 is Åland's Autonomy Day, not a holiday elsewhere in Finland.
        ("AX", date(2026, 5, 9), date(2026, 6, 10)),
        ("FI", date(2026, 5, 9), date(2026, 6, 9)),
        # Wed 27 May 2026 is Guadeloupe's Abolition of Slavery day.
        ("GP", date(2026, 4, 27), date(2026, 5, 28)),
    ],
)
def test_a_territory_keeps_its_own_public_holidays(code, received, due):
    assert answer_due(received, "access", code).due_on == due


@pytest.mark.parametrize(
    ("code", "refusal"),
    [("GP", date(2026, 4, 2)), ("GI", date(2026, 4, 2)), ("CH", date(2026, 4, 1))],
)
def test_a_territory_refuses_within_its_laws_period(code, refusal):
    assert refusal_due(RECEIVED, "access", code) == refusal
