"""The register (CSV) and the figures for the yearly DPF verification."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
import time_machine

from requests_app import report
from requests_app.models import PrivacyRequest, RefusalReason
from tests.helpers import file_request

JAN = datetime.fromisoformat("2026-01-05T10:00:00+00:00")


def confirmed_on(moment: datetime, **overrides) -> PrivacyRequest:
    with time_machine.travel(moment, tick=False):
        request = file_request(details=f"filed {moment}", **overrides)
        request._confirm_email()
    return request


def answered_after(request: PrivacyRequest, days: int) -> None:
    with time_machine.travel(request.received_at + timedelta(days=days), tick=False):
        request._answer()


@pytest.fixture
def year_of_requests(db):
    fast = confirmed_on(JAN)
    answered_after(fast, 10)
    slow = confirmed_on(JAN + timedelta(days=1), request_type="deletion")
    answered_after(slow, 40)  # after its due date
    middle = confirmed_on(JAN + timedelta(days=40), request_type="deletion")
    answered_after(middle, 20)
    refused = confirmed_on(JAN + timedelta(days=60), request_type="complaint")
    with time_machine.travel(refused.received_at + timedelta(days=5), tick=False):
        refused._refuse(RefusalReason.NO_DATA)
    confirmed_on(JAN + timedelta(days=70))  # still open


@pytest.mark.django_db
def test_the_year_report_counts_per_month_and_type(year_of_requests):
    figures = report.year_report(2026, date(2026, 12, 31))

    assert figures.total == 5
    assert figures.per_month[1] == {"access": 1, "deletion": 1}
    assert figures.per_month[2] == {"deletion": 1}
    assert figures.per_month[3] == {"complaint": 1, "access": 1}


@pytest.mark.django_db
def test_the_year_report_measures_speed_and_lateness(year_of_requests):
    figures = report.year_report(2026, date(2026, 12, 31))

    assert figures.answered == 4
    assert figures.median_days == 15.0
    assert figures.p90_days == 40.0
    assert figures.answered_late == 1
    assert figures.open_overdue == 1
    assert figures.refusals == {"no_data": 1}


@pytest.mark.django_db
def test_the_report_page_shows_figures_and_a_chart_drawn_on_the_server(
    admin_client, year_of_requests
):
    page = admin_client.get("/admin/requests_app/privacyrequest/report/?year=2026").content.decode()

    assert "Requests received: 5" in page
    assert '<td id="late">1</td>' in page
    assert "<svg" in page and page.count("<rect") == 12
    assert "<script" not in page.split('<div id="content-main">')[1]


@pytest.mark.django_db
def test_the_csv_export_follows_the_filters_and_holds_no_names(admin_client, year_of_requests):
    response = admin_client.get(
        "/admin/requests_app/privacyrequest/export.csv?open=all&request_type__exact=deletion"
    )

    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert response["Content-Type"] == "text/csv"
    assert [row["type"] for row in rows] == ["deletion", "deletion"]
    assert "Erika" not in body and "erika@example.de" not in body
    assert rows[0]["reference"].startswith("DSR-2026-")


def test_nearest_rank_percentile():
    assert report.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    assert report.percentile([7], 0.9) == 7
