"""The officer's queue and request page in the admin."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from requests_app import dashboard
from requests_app.models import (
    OutboxEmail,
    PrivacyRequest,
    RequestEvent,
    Status,
    SystemTask,
)
from tests.helpers import file_request

LIST = "/admin/requests_app/privacyrequest/"
NOW = datetime.fromisoformat("2026-04-01T12:00:00+00:00")


def page_url(request, suffix="change/") -> str:
    return f"{LIST}{request.pk}/{suffix}"


def step_url(request, step: str) -> str:
    return f"{LIST}{request.pk}/step/{step}/"


def received(days_ago: int, **overrides) -> PrivacyRequest:
    with time_machine.travel(NOW - timedelta(days=days_ago), tick=False):
        request = file_request(details=f"received {days_ago} days ago", **overrides)
        request._confirm_email()
    return request


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.django_db
def test_the_queue_shows_open_requests_most_urgent_first(admin_client, at_now):
    late = received(40)
    soon = received(28)
    fresh = received(1)
    closed = received(35)
    closed._withdraw()

    page = admin_client.get(LIST).content.decode()

    positions = [page.index(r.reference) for r in (late, soon, fresh)]
    assert positions == sorted(positions)
    assert closed.reference not in page
    assert "days overdue" in page and "days left" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "selected", "shown"),
    [
        ("", "Open", {"open"}),
        ("?open=all", "All", {"open", "closed"}),
        ("?open=closed", "Closed", {"closed"}),
    ],
)
def test_the_open_or_closed_filter_offers_each_choice_once(admin_client, query, selected, shown):
    requests = {"open": file_request(details="open"), "closed": file_request(details="closed")}
    requests["closed"]._withdraw()

    response = admin_client.get(f"{LIST}{query}")

    changelist = response.context["cl"]
    spec = next(s for s in changelist.filter_specs if s.parameter_name == "open")
    choices = list(spec.choices(changelist))
    assert [str(c["display"]) for c in choices] == ["Open", "All", "Closed"]
    assert [str(c["display"]) for c in choices if c["selected"]] == [selected]
    page = response.content.decode()
    assert {name for name, r in requests.items() if r.reference in page} == shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [("due=overdue", {40}), ("due=week", {28}), ("due=later", {1}), ("waiting=yes", set())],
)
def test_the_due_filters(admin_client, at_now, query, expected):
    requests = {days: received(days) for days in (40, 28, 1)}

    page = admin_client.get(f"{LIST}?{query}").content.decode()

    shown = {days for days, r in requests.items() if r.reference in page}
    assert shown == expected


@pytest.mark.django_db
def test_search_finds_by_reference_email_in_any_case_and_name(admin_client):
    erika = file_request()
    other = file_request(full_name="Max Muster", email="max@example.ch", details="other")

    by_reference = admin_client.get(f"{LIST}?open=all&q={erika.reference.lower()}").content.decode()
    by_email = admin_client.get(f"{LIST}?open=all&q=ERIKA@Example.DE").content.decode()
    by_name = admin_client.get(f"{LIST}?open=all&q=muster").content.decode()

    assert erika.reference in by_reference and other.reference not in by_reference
    assert erika.reference in by_email and other.reference not in by_email
    assert other.reference in by_name


@pytest.mark.django_db
def test_every_staff_view_of_a_request_page_is_recorded(admin_client, admin_user):
    request = file_request()

    admin_client.get(page_url(request))

    event = request.events.get(kind=RequestEvent.Kind.VIEWED)
    assert event.staff_user == admin_user


@pytest.mark.django_db
def test_the_page_offers_only_the_steps_its_state_allows(admin_client):
    request = file_request()
    request._confirm_email()

    page = admin_client.get(page_url(request)).content.decode()

    assert step_url(request, "start") in page
    assert step_url(request, "answer") in page
    assert step_url(request, "close") not in page


@pytest.mark.django_db
def test_officer_starts_asks_checks_identity_and_answers_through_the_steps(admin_client):
    request = file_request()
    request._confirm_email()

    admin_client.post(step_url(request, "start"))
    admin_client.post(
        step_url(request, "ask"), {"reason": "identity", "question": "Your customer number?"}
    )
    request.refresh_from_db()
    assert request.status == Status.WAITING
    assert OutboxEmail.objects.filter(kind="asked").count() == 1

    request._end_wait()
    admin_client.post(
        step_url(request, "identity"), {"method": "account", "confirmed": "on", "note": "4711"}
    )
    assert request.identity_checks.get().confirmed

    blocked = admin_client.post(step_url(request, "answer"), {"body": "Your data."})
    assert "not done yet" in blocked.content.decode()
    for task in request.tasks.all():
        admin_client.post(
            f"{LIST}{request.pk}/task/{task.pk}/", {"outcome": "Exported the account."}
        )
    assert not SystemTask.objects.filter(done_at__isnull=True).exists()

    response = admin_client.post(step_url(request, "answer"), {"body": "Your data."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.ANSWERED


@pytest.mark.django_db
def test_a_refused_extension_shows_why_on_the_step_page(admin_client):
    request = file_request(request_type="complaint")
    request._confirm_email()

    response = admin_client.post(step_url(request, "extend"), {"reason": "Busy."})

    assert "A complaint has 45 days and no extension." in response.content.decode()


@pytest.mark.django_db
def test_refusing_names_the_reason_and_the_requesters_rights(admin_client):
    request = file_request()
    request._confirm_email()

    admin_client.post(
        step_url(request, "refuse"),
        {"reason": "no_data", "explanation": "We searched every system."},
    )

    request.refresh_from_db()
    assert request.status == Status.REFUSED
    body = request.messages.get().body
    assert "We searched every system." in body
    assert "No data about the requester was found" in body
    assert "data protection authority" in body and "court" in body


@pytest.mark.django_db
def test_a_request_that_came_by_letter_is_logged_with_its_real_received_date(admin_client):
    response = admin_client.post(
        f"{LIST}add/",
        {
            "request_type": "deletion",
            "full_name": "Hans Brief",
            "email": "hans@example.at",
            "country": "AT",
            "details": "Per Brief: bitte löschen.",
            "received_at": "2026-03-02T09:00",
        },
    )

    assert response.status_code == 302
    request = PrivacyRequest.objects.get()
    assert request.status == Status.NEW
    assert request.received_at.date() == date(2026, 3, 2)
    assert request.due_on == date(2026, 4, 2)
    assert OutboxEmail.objects.filter(kind="acknowledgement", to="hans@example.at").exists()


@pytest.mark.django_db
def test_a_request_logged_by_hand_cannot_be_received_in_the_future(admin_client, at_now):
    response = admin_client.post(
        f"{LIST}add/",
        {
            "request_type": "deletion",
            "full_name": "Hans Brief",
            "email": "hans@example.at",
            "country": "AT",
            "details": "Per Brief: bitte löschen.",
            "received_at": "2026-04-02T09:00",
        },
    )

    assert response.status_code == 200
    assert "cannot be received in the future" in response.content.decode()
    assert not PrivacyRequest.objects.exists()


@pytest.mark.django_db
def test_asking_the_requester_after_the_due_date_tells_the_officer_it_moves_nothing(
    admin_client, at_now
):
    late = received(40)
    due_on = late.due_on

    page = admin_client.get(step_url(late, "ask")).content.decode()
    admin_client.post(step_url(late, "ask"), {"reason": "identity", "question": "Your number?"})

    late.refresh_from_db()
    assert "does not move that date" in page
    assert late.status == Status.WAITING
    assert late.due_on == due_on
    assert late.events.get(kind=RequestEvent.Kind.WAIT_STARTED).data["after_due"] is True


@pytest.mark.django_db
def test_asking_before_the_due_date_says_nothing_of_lateness(admin_client, at_now):
    page = admin_client.get(step_url(received(5), "ask")).content.decode()
    assert "does not move that date" not in page


@pytest.mark.django_db
def test_staff_without_permission_cannot_take_steps(client):
    user = get_user_model().objects.create_user("viewer", password="pw-123-long", is_staff=True)
    client.force_login(user)
    request = file_request()

    client.post(step_url(request, "start"))

    request.refresh_from_db()
    assert request.status == Status.UNCONFIRMED


@pytest.mark.django_db
def test_the_admin_index_is_the_officers_dashboard(admin_client, at_now):
    received(40)
    received(3)
    waiting = received(2)
    waiting._ask("identity")
    file_request(details="unconfirmed")

    page = admin_client.get("/admin/").content.decode()

    def count(label: str) -> str:
        row = page[page.index(label) :]
        return (
            row[row.index("<td>") + 4 : row.index("</td>")]
            .replace("<strong>", "")
            .replace("</strong>", "")
        )

    assert count("Overdue") == "1"
    assert count("Due within 7 days") == "0"
    assert count("Waiting for the requester") == "1"
    assert count("Awaiting e-mail confirmation") == "1"
    assert count("New today") == "1"
    assert f"{LIST}?due=overdue" in page
    for query in [
        "due=overdue",
        "due=week",
        "waiting=yes",
        "status__exact=unconfirmed",
        "open=all&received=today",
    ]:
        assert admin_client.get(f"{LIST}?{query}").status_code == 200


@pytest.mark.django_db
def test_the_dashboard_counts_take_one_query_each(at_now, django_assert_max_num_queries):
    for days_ago in (40, 38, 35):
        received(days_ago)
    received(28)
    for n in range(2):
        received(2, email=f"waiting{n}@example.de")._ask("identity")
    received(0)
    for n in range(4):
        file_request(details=f"unconfirmed {n}")
    received(45)._withdraw()

    with django_assert_max_num_queries(5):
        tiles = dashboard.tiles()

    assert {tile.label: tile.count for tile in tiles} == {
        "Overdue": 3,
        "Due within 7 days": 1,
        "Waiting for the requester": 2,
        "Awaiting e-mail confirmation": 4,
        "New today": 5,
    }
