"""The officer's moves through the API: the admin's steps, forms, rules and errors, as JSON."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission

from requests_app.models import Move, OutboxEmail, PrivacyRequest, RequestEvent
from tests.helpers import API_REQUESTS, api_token, bearer, file_request, staff_member


@pytest.fixture
def officer(db):
    return staff_member(
        "officer",
        list(
            Permission.objects.filter(codename__in=["view_privacyrequest", "change_privacyrequest"])
        ),
    )


@pytest.fixture
def confirmed(db) -> PrivacyRequest:
    request = file_request()
    request._confirm_email()
    return request


def move(client, user, request, name, data=None, **token):
    return client.post(
        f"{API_REQUESTS}{request.reference}/moves/{name}/",
        data or {},
        content_type="application/json",
        **bearer(api_token(user, **token)),
    )


def test_start_assign_ask_and_extend_go_through_the_use_cases(client, officer, confirmed):
    assert move(client, officer, confirmed, "start").json()["status"] == "in_progress"
    assigned = move(client, officer, confirmed, "assign", {"assignee": "officer"})
    assert assigned.json()["assignee"] == "officer"

    asked = move(
        client,
        officer,
        confirmed,
        "ask",
        {"reason": "identity", "question": "What is your customer number?"},
    )
    assert asked.json()["status"] == "waiting"
    assert OutboxEmail.objects.filter(request=confirmed, kind="asked").exists()
    kinds = list(confirmed.events.values_list("kind", flat=True))
    assert {"started", "assigned", "wait_started"} <= set(kinds)
    assert confirmed.events.get(kind="started").staff_user == officer


def test_an_extension_and_an_answer_as_the_admin_gives_them(client, officer, confirmed):
    move(client, officer, confirmed, "start")
    extended_to = (confirmed.due_on + timedelta(days=30)).isoformat()

    extended = move(
        client,
        officer,
        confirmed,
        "extend",
        {"reason": "Many systems to search.", "extended_to": extended_to},
    )
    answered = move(
        client,
        officer,
        confirmed,
        "answer",
        {"body": "Here is what we hold.", "open_tasks_reason": "Nothing elsewhere."},
    )

    assert extended.status_code == 200, extended.json()
    assert answered.json()["status"] == "answered"
    assert confirmed.events.filter(kind=RequestEvent.Kind.ANSWERED).exists()


def test_a_later_duplicate_is_closed_into_the_earlier_request_named_by_its_reference(
    client, officer, confirmed
):
    later = file_request(details="The same request again.")
    later._confirm_email()

    refused = move(client, officer, confirmed, "close_as_duplicate", {"original": later.reference})
    closed = move(client, officer, later, "close_as_duplicate", {"original": confirmed.reference})

    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"original"}
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"
    event = later.events.get(kind=RequestEvent.Kind.CLOSED_AS_DUPLICATE)
    assert (event.staff_user, event.data) == (officer, {"duplicate_of": confirmed.reference})


def test_a_move_the_state_does_not_allow_is_a_conflict_with_the_admins_reason(client, officer, db):
    unconfirmed = file_request()

    response = move(client, officer, unconfirmed, "start")

    assert response.status_code == 409
    assert response["content-type"] == "application/problem+json"
    assert "no longer possible" in response.json()["detail"]


def test_a_bad_field_is_named(client, officer, confirmed):
    move(client, officer, confirmed, "start")

    response = move(client, officer, confirmed, "ask", {"reason": "mood", "question": ""})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"reason", "question"}


@pytest.mark.parametrize(
    ("permissions", "read_only", "status"),
    [(["view_privacyrequest"], False, 403), (["change_privacyrequest"], True, 403)],
)
def test_a_token_does_what_its_user_may(client, confirmed, permissions, read_only, status):
    user = staff_member("looker", list(Permission.objects.filter(codename__in=permissions)))

    response = move(client, user, confirmed, "start", read_only=read_only)

    assert response.status_code == status
    confirmed.refresh_from_db()
    assert confirmed.status == "new"


def test_an_unknown_step_or_reference_is_not_found(client, officer, confirmed):
    assert move(client, officer, confirmed, "delete").status_code == 404
    ghost = PrivacyRequest(reference="DSR-2000-000001")
    assert move(client, officer, ghost, Move.START).status_code == 404
