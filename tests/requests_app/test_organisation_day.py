"""One "today": the day in ORGANISATION_TIME_ZONE, wherever the portal compares a date.

Two zones far from UTC: in Auckland the day begins half a day before it does in UTC, in Los
Angeles it ends later. A request due on Thu 2 April 2026 is late from Auckland's 3 April,
and still on time during Los Angeles' evening of 2 April.
"""

from datetime import date, datetime

import pytest
import time_machine
from django.utils import translation

from disputes_app.models import Dispute
from requests_app import dashboard, localtime, report, services
from requests_app.models import AccessLink, PrivacyRequest, RefusalReason, RequestEvent
from tests.helpers import file_request

LIST = "/admin/requests_app/privacyrequest/"


def at(moment: str):
    return time_machine.travel(datetime.fromisoformat(moment), tick=False)


def confirmed_at(moment: str, **overrides) -> tuple[PrivacyRequest, str]:
    with at(moment):
        request = file_request(**overrides)
        request._confirm_email()
        token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
    request.refresh_from_db()
    return request, token


def tile(label: str) -> int:
    with translation.override("en"):
        return next(t.count for t in dashboard.tiles() if t.label == label)


@pytest.fixture
def auckland(settings):
    settings.ORGANISATION_TIME_ZONE = "Pacific/Auckland"


@pytest.fixture
def los_angeles(settings):
    settings.ORGANISATION_TIME_ZONE = "America/Los_Angeles"


# Auckland: 2 April 12:00 UTC is already Fri 3 April, 01:00.
AUCKLAND_LATE = "2026-04-02T12:00:00+00:00"
# Los Angeles: 3 April 05:00 UTC is still Thu 2 April, 22:00.
LOS_ANGELES_EVENING = "2026-04-03T05:00:00+00:00"


@pytest.mark.django_db
def test_in_auckland_the_request_is_overdue_once_its_day_has_passed_there(auckland, admin_client):
    # 1 March 12:00 UTC is 2 March in Auckland: due Thu 2 April.
    request, token = confirmed_at("2026-03-01T12:00:00+00:00")
    assert request.due_on == date(2026, 4, 2)

    with at(AUCKLAND_LATE):
        assert localtime.today() == date(2026, 4, 3)
        assert request.is_overdue
        assert tile("Overdue") == 1
        overdue = admin_client.get(f"{LIST}?due=overdue").content.decode()
        page = admin_client.get(f"/requests/status/{token}/escalate/").content.decode()
        admin_client.post(f"/requests/status/{token}/escalate/", {"reason": "No answer."})

    assert request.reference in overdue
    assert 'name="reason"' in page
    # Filed on Auckland's 3 April: the body's 30 days run from there.
    assert Dispute.objects.get().answer_due_on == date(2026, 5, 3)


@pytest.mark.django_db
def test_in_los_angeles_the_request_is_on_time_until_its_day_ends_there(los_angeles, admin_client):
    # 2 March 20:00 UTC is 2 March, noon, in Los Angeles: due Thu 2 April.
    request, token = confirmed_at("2026-03-02T20:00:00+00:00")
    assert request.due_on == date(2026, 4, 2)

    with at(LOS_ANGELES_EVENING):
        assert localtime.today() == date(2026, 4, 2)
        assert not request.is_overdue
        assert tile("Overdue") == 0
        assert tile("Due within 7 days") == 1
        overdue = admin_client.get(f"{LIST}?due=overdue").content.decode()
        this_week = admin_client.get(f"{LIST}?due=week").content.decode()
        page = admin_client.get(f"/requests/status/{token}/escalate/").content.decode()
        admin_client.post(f"/requests/status/{token}/escalate/", {"reason": "No answer."})

    assert request.reference not in overdue
    assert request.reference in this_week
    assert 'name="reason"' not in page
    assert '<time datetime="2026-04-03">' in page
    assert not Dispute.objects.exists()


@pytest.mark.django_db
def test_in_los_angeles_a_refusal_on_the_last_evening_is_on_time(los_angeles, admin_user):
    request, _token = confirmed_at("2026-03-02T20:00:00+00:00")

    with at(LOS_ANGELES_EVENING):
        services.refuse(request, RefusalReason.NO_DATA, "Nothing found.", admin_user)

    refused = request.events.get(kind=RequestEvent.Kind.REFUSED)
    assert refused.data["late"] is False


@pytest.mark.django_db
def test_in_auckland_a_refusal_after_midnight_there_is_late(auckland, admin_user):
    request, _token = confirmed_at("2026-03-01T12:00:00+00:00")

    with at(AUCKLAND_LATE):
        services.refuse(request, RefusalReason.NO_DATA, "Nothing found.", admin_user)

    assert request.events.get(kind=RequestEvent.Kind.REFUSED).data["late"] is True


@pytest.mark.django_db
def test_in_los_angeles_a_dispute_filed_in_the_evening_counts_from_that_day(los_angeles, client):
    request, token = confirmed_at("2026-03-02T20:00:00+00:00")
    with at("2026-03-20T12:00:00+00:00"):
        request._refuse(RefusalReason.NO_DATA)

    with at(LOS_ANGELES_EVENING):
        client.post(f"/requests/status/{token}/escalate/", {"reason": "Refused."})

    assert Dispute.objects.get().answer_due_on == date(2026, 5, 2)


@pytest.mark.django_db
def test_received_today_and_the_yearly_figures_use_the_organisations_day(auckland, admin_client):
    # 2 April 10:30 UTC is Auckland's 2 April, 23:30: yesterday at AUCKLAND_LATE.
    yesterday, _ = confirmed_at("2026-04-02T10:30:00+00:00", details="yesterday")
    # 2 April 11:30 UTC is Auckland's 3 April, 00:30: today.
    today, _ = confirmed_at("2026-04-02T11:30:00+00:00", details="today")
    # 31 December 2025 11:30 UTC is Auckland's 1 January 2026, 00:30.
    new_year, _ = confirmed_at("2025-12-31T11:30:00+00:00", details="new year")

    with at(AUCKLAND_LATE):
        listed = admin_client.get(f"{LIST}?open=all&received=today").content.decode()
        assert tile("New today") == 1
        figures = report.count(report.Period(2026), localtime.today())

    assert today.reference in listed
    assert yesterday.reference not in listed
    assert figures.total == 3
    assert figures.per_month[1]["access"] == 1
    assert new_year.reference.startswith("DSR-2026-")
