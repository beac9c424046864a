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
def test_the_figures_count_per_month_and_type(year_of_requests):
    figures = report.figures(report.Period(2026), date(2026, 12, 31))

    assert figures.total == 5
    assert figures.per_month[1] == {"access": 1, "deletion": 1}
    assert figures.per_month[2] == {"deletion": 1}
    assert figures.per_month[3] == {"complaint": 1, "access": 1}


@pytest.mark.django_db
def test_the_figures_measure_speed_lateness_and_extensions(year_of_requests):
    PrivacyRequest.objects.filter(request_type="complaint").update(extended_at=JAN)

    figures = report.figures(report.Period(2026), date(2026, 12, 31))

    assert figures.answered == 4
    assert figures.median_days == 15.0
    assert figures.p95_days == 40.0
    assert figures.answered_late == 1
    assert figures.extended == 1
    assert figures.open_overdue == 1
    assert figures.refusals == {"no_data": 1}


@pytest.mark.django_db
def test_a_quarter_counts_only_its_own_months(year_of_requests):
    first = report.figures(report.Period(2026, 1), date(2026, 12, 31))
    second = report.figures(report.Period(2026, 2), date(2026, 12, 31))

    assert [month for month, _total in first.month_totals()] == [1, 2, 3]
    assert first.total == 5
    assert second.total == 0
    assert first.period.label == "Q1 2026"


@pytest.mark.django_db
def test_the_figures_count_per_country_and_type(year_of_requests):
    PrivacyRequest.objects.filter(request_type="deletion").update(country="FR")

    figures = report.figures(report.Period(2026), date(2026, 12, 31))

    rows = figures.table("by-country").rows
    assert rows[0][0] == "Germany (DE)" and rows[0][-1] == 3
    assert rows[1][0] == "France (FR)" and rows[1][-1] == 2


@pytest.mark.django_db
def test_the_figures_page_shows_every_table_and_a_chart_drawn_on_the_server(
    admin_client, year_of_requests
):
    page = admin_client.get("/admin/requests_app/privacyrequest/report/?year=2026").content.decode()

    assert "Requests received: 5" in page
    assert '<th scope="row">Answered late</th><td>1</td>' in page
    assert "<svg" in page and page.count("<rect") == 12
    assert "<script" not in page.split('<div id="content-main">')[1]
    for slug in ("by-month", "by-country", "answers", "refusals", "disputes"):
        assert f"/report/{slug}.csv?year=2026" in page


@pytest.mark.django_db
def test_each_table_downloads_as_csv_for_its_period(admin_client, year_of_requests):
    response = admin_client.get(
        "/admin/requests_app/privacyrequest/report/answers.csv?year=2026&quarter=1"
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv"
    assert rows[0] == ["figure", "value"]
    assert ["Answered late", "1"] in rows
    assert ["95th percentile, days to answer", "40.0"] in rows


@pytest.mark.django_db
def test_an_unknown_table_or_period_is_refused_plainly(admin_client, year_of_requests):
    assert admin_client.get("/admin/requests_app/privacyrequest/report/nope.csv").status_code == 404
    page = admin_client.get("/admin/requests_app/privacyrequest/report/?year=1999&quarter=9")
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()


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


def test_nearest_rank_percentile_of_counted_values():
    assert report.percentile([(float(n), 1) for n in range(1, 11)], 0.9) == 9
    assert report.percentile([(7.0, 1)], 0.9) == 7
    assert report.percentile([(1.0, 90), (30.0, 10)], 0.95) == 30


def test_median_of_counted_values():
    assert report.median([(5.0, 1), (10.0, 1), (20.0, 1), (40.0, 1)]) == 15
    assert report.median([(2.0, 2), (9.0, 1)]) == 2
    assert report.median([(1.0, 1), (3.0, 3)]) == 3


@pytest.mark.django_db
def test_the_figures_are_counted_once_and_read_again_until_they_are_stale(
    year_of_requests, django_assert_max_num_queries
):
    first = report.figures(report.Period(2026), date(2026, 12, 31))
    confirmed_on(JAN + timedelta(days=80))

    with django_assert_max_num_queries(1):  # the disputes' own table, counted each time
        again = report.figures(report.Period(2026), date(2026, 12, 31))

    assert again.total == first.total == 5
    assert again.counted_at == first.counted_at
    report.forget()
    assert report.figures(report.Period(2026), date(2026, 12, 31)).total == 6


@pytest.mark.django_db
def test_the_beat_counts_this_year_last_year_and_their_quarters_so_far(year_of_requests):
    counted = report.refresh(date(2026, 5, 20))

    assert set(counted) == {
        report.Period(2026),
        report.Period(2026, 1),
        report.Period(2026, 2),
        report.Period(2025),
        *(report.Period(2025, quarter) for quarter in (1, 2, 3, 4)),
    }


@pytest.mark.django_db
def test_the_officer_counts_again_now_and_sees_the_same_period(admin_client, year_of_requests):
    url = "/admin/requests_app/privacyrequest/report/"
    admin_client.get(url, {"year": 2026, "quarter": 1})
    confirmed_on(JAN + timedelta(days=80))

    response = admin_client.post(f"{url}recount/", {"year": 2026, "quarter": 1})

    assert response.status_code == 302
    assert response["Location"] == f"{url}?year=2026&quarter=1"
    page = admin_client.get(response["Location"]).content.decode()
    assert "Requests received: 6" in page
    assert "Counted at" in page
    assert admin_client.get(f"{url}recount/").status_code == 403
