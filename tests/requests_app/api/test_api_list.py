"""The staff's list of requests: the admin's filters, keyset pages, a bounded query count."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from requests_app import localtime
from requests_app.models import PrivacyRequest, Status
from tests.helpers import API_REQUESTS, api_token, bearer, file_request, staff_member

ROW_KEYS = {
    "reference",
    "url",
    "request_type",
    "status",
    "country",
    "language",
    "received_at",
    "due_on",
    "overdue",
    "assignee",
}


@pytest.fixture
def token(db) -> str:
    view = Permission.objects.get(codename="view_privacyrequest")
    return api_token(staff_member("viewer", [view]))


def made(request_type: str, country: str, **fields) -> PrivacyRequest:
    """A filed request, then put into the state a test needs."""
    request = file_request(request_type=request_type, country=country, details=str(fields))
    PrivacyRequest.objects.filter(pk=request.pk).update(**fields)
    request.refresh_from_db()
    return request


@pytest.fixture
def queue(db) -> dict[str, PrivacyRequest]:
    today = localtime.today()
    alice = staff_member("alice", [])
    bob = staff_member("bob", [])
    days = timedelta(days=1)
    return {
        "late": made("access", "DE", status=Status.NEW, due_on=today - 3 * days),
        "waiting": made(
            "deletion", "FR", status=Status.WAITING, due_on=today + 5 * days, assignee=alice
        ),
        "answered": made("access", "CH", status=Status.ANSWERED, due_on=today - 10 * days),
        "unconfirmed": made("question", "DE", due_on=today + 40 * days),
        "due_today": made("complaint", "AT", status=Status.IN_PROGRESS, due_on=today, assignee=bob),
    }


def listed(client, token: str, query: str = "") -> list[dict]:
    response = client.get(f"{API_REQUESTS}?{query}", **bearer(token))
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"late", "waiting", "answered", "unconfirmed", "due_today"}),
        ("status=new", {"late"}),
        ("status=new&status=waiting", {"late", "waiting"}),
        ("request_type=access", {"late", "answered"}),
        ("request_type=deletion&request_type=question", {"waiting", "unconfirmed"}),
        ("country=DE", {"late", "unconfirmed"}),
        ("country=FR&country=AT", {"waiting", "due_today"}),
        ("due_before={today}", {"late", "answered"}),
        ("due_after={today}", {"waiting", "unconfirmed"}),
        ("due_after={yesterday}&due_before={tomorrow}", {"due_today"}),
        ("overdue=true", {"late"}),
        ("overdue=false", {"waiting", "answered", "unconfirmed", "due_today"}),
        ("assignee=alice", {"waiting"}),
        ("assignee=none", {"late", "answered", "unconfirmed"}),
        ("assignee=carol", set()),
        ("country=DE&overdue=false", {"unconfirmed"}),
    ],
)
@pytest.mark.django_db
def test_each_filter_lists_what_the_admin_would(client, token, queue, query, expected):
    today = localtime.today()
    query = query.format(
        today=today, yesterday=today - timedelta(days=1), tomorrow=today + timedelta(days=1)
    )

    rows = listed(client, token, query)

    references = {row["reference"] for row in rows}
    assert {name for name, request in queue.items() if request.reference in references} == expected
    assert len(rows) == len(expected)


@pytest.mark.django_db
def test_a_row_has_the_queues_columns_and_nothing_the_requester_wrote(client, token, queue):
    rows = {row["reference"]: row for row in listed(client, token)}

    late, waiting = rows[queue["late"].reference], rows[queue["waiting"].reference]
    assert all(set(row) == ROW_KEYS for row in rows.values())
    assert late == {
        "reference": queue["late"].reference,
        "url": f"http://testserver{API_REQUESTS}{queue['late'].reference}/",
        "request_type": "access",
        "status": "new",
        "country": "DE",
        "language": "en",
        "received_at": late["received_at"],
        "due_on": queue["late"].due_on.isoformat(),
        "overdue": True,
        "assignee": None,
    }
    assert (waiting["assignee"], waiting["overdue"]) == ("alice", False)
    assert "Erika" not in str(rows) and "example.de" not in str(rows)


@pytest.mark.parametrize(
    "cursor",
    [
        ["due_on", "2026-01-01", 10**30, False],
        ["due_on", "2026-13-01", 1, False],
        ["received_at", "2026-01-01T00:00:00", 1, False],
        ["full_name", "Erika", 1, False],
        ["due_on", "2026-01-01", "1", False],
        ["due_on", "2026-01-01", 1],
        {"due_on": "2026-01-01"},
    ],
)
@pytest.mark.django_db
def test_a_made_up_cursor_is_a_bad_parameter_not_an_error(client, token, cursor):
    text = base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode()

    response = client.get(f"{API_REQUESTS}?cursor={text}", **bearer(token))

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"cursor"}


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("status=lost", {"status"}),
        ("country=XX", {"country"}),
        ("due_before=06.12.2026", {"due_before"}),
        ("overdue=yes", {"overdue"}),
        ("ordering=full_name", {"ordering"}),
        ("page_size=0&cursor=not-a-cursor", {"page_size", "cursor"}),
        ("page_size=201", {"page_size"}),
    ],
)
@pytest.mark.django_db
def test_a_bad_parameter_is_named_in_a_problem(client, token, query, names):
    response = client.get(f"{API_REQUESTS}?{query}", **bearer(token))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert set(errors) == names
    assert all(messages and all(messages) for messages in errors.values())


@pytest.fixture
def many(db) -> list[PrivacyRequest]:
    """23 requests whose due dates and receipt times tie in threes and fours."""
    start = timezone.now().replace(microsecond=0)
    today = localtime.today()
    return [
        made(
            "access",
            "DE",
            received_at=start + timedelta(minutes=n // 3),
            due_on=today + timedelta(days=n % 4),
        )
        for n in range(23)
    ]


def walk(client, token: str, url: str, link: str) -> list[list[str]]:
    """The references of each page, following `link` ("next" or "previous") to its end."""
    pages = []
    while url:
        response = client.get(url, **bearer(token))
        assert response.status_code == 200, response.content
        pages.append([row["reference"] for row in response.json()["results"]])
        url = response.json()[link]
    return pages


@pytest.mark.parametrize("ordering", ["due_on", "-due_on", "received_at", "-received_at"])
@pytest.mark.django_db
def test_the_pages_follow_each_other_without_gap_or_repeat_and_lead_back(
    client, token, many, ordering
):
    key = ordering.lstrip("-")
    expected = [
        request.reference
        for request in sorted(
            many, key=lambda r: (getattr(r, key), r.pk), reverse=ordering.startswith("-")
        )
    ]

    forward = walk(client, token, f"{API_REQUESTS}?ordering={ordering}&page_size=5", "next")
    last_page = client.get(f"{API_REQUESTS}?ordering={ordering}&page_size=5", **bearer(token))
    for _page in forward[1:]:
        last_page = client.get(last_page.json()["next"], **bearer(token))
    backward = walk(client, token, last_page.json()["previous"], "previous")

    assert [len(page) for page in forward] == [5, 5, 5, 5, 3]
    assert [reference for page in forward for reference in page] == expected
    assert backward == forward[-2::-1]


@pytest.mark.django_db
def test_the_default_order_is_the_admins_queue_by_due_date(client, token, many):
    references = [row["reference"] for row in listed(client, token)]

    expected = [r.reference for r in sorted(many, key=lambda r: (r.due_on, r.pk))]
    assert references == expected


@pytest.mark.django_db
def test_a_next_link_keeps_the_filters_and_the_page_size(client, token, many):
    PrivacyRequest.objects.filter(pk__in=[r.pk for r in many[:8]]).update(status=Status.NEW)

    first = client.get(f"{API_REQUESTS}?status=new&page_size=3", **bearer(token)).json()
    query = parse_qs(urlsplit(first["next"]).query)
    pages = walk(client, token, first["next"], "next")

    assert query["status"] == ["new"] and query["page_size"] == ["3"]
    assert first["previous"] is None
    assert [len(page) for page in pages] == [3, 2]


@pytest.mark.django_db
def test_the_last_page_has_no_next_link_and_an_empty_list_is_one_page(client, token):
    response = client.get(API_REQUESTS, **bearer(token)).json()

    assert response == {"next": None, "previous": None, "results": []}


@pytest.mark.django_db
def test_the_list_takes_a_fixed_number_of_queries(
    client, token, many, django_assert_max_num_queries
):
    PrivacyRequest.objects.update(assignee=staff_member("alice", []))
    client.get(API_REQUESTS, **bearer(token))  # the token's last use is written once a minute

    # The token with its user, the user's and the groups' permissions, the page.
    with django_assert_max_num_queries(4):
        response = client.get(f"{API_REQUESTS}?page_size=20", **bearer(token))

    assert len(response.json()["results"]) == 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
@pytest.mark.parametrize("ordering", ["due_on", "-due_on", "received_at", "-received_at"])
@pytest.mark.django_db
def test_a_page_reads_an_index_in_its_order_and_sorts_nothing(client, token, many, ordering):
    first = client.get(f"{API_REQUESTS}?ordering={ordering}&page_size=5", **bearer(token))
    with CaptureQueriesContext(connection) as queries:
        client.get(first.json()["next"], **bearer(token))
    [page_query] = [q["sql"] for q in queries if 'FROM "requests_app_privacyrequest"' in q["sql"]]

    with transaction.atomic(), connection.cursor() as cursor:
        # The test's few rows would be read whole; at a million the index is the only way.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {page_query}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    index = "request_due_id_idx" if "due_on" in ordering else "request_received_id_idx"
    assert f"Index Scan Backward using {index}" in plan or f"Index Scan using {index}" in plan
    assert "Sort" not in plan, plan
    assert "Index Cond: (ROW(" in plan, plan
