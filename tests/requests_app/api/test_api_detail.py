"""One request through the staff API: what the requester gave and its whole record, each look
recorded as the admin records it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from requests_app import services
from requests_app.models import PrivacyRequest, RequestEvent, SystemTask, WaitReason
from tests.helpers import API_REQUESTS, api_token, bearer, file_request, staff_member


@pytest.fixture
def viewer(db):
    return staff_member("viewer", [Permission.objects.get(codename="view_privacyrequest")])


@pytest.fixture
def worked_on(db) -> PrivacyRequest:
    """Confirmed, started by an officer, asked and answered by the requester, one task done."""
    officer = staff_member("officer", [])
    request = file_request()
    request._confirm_email()
    request.start(officer)
    services.ask_requester(request, WaitReason.IDENTITY, "Your customer number?", officer)
    services.post_requester_message(request, "It is 4711.")
    task = SystemTask.objects.filter(request=request).order_by("system__name").first()
    task.complete("Nothing found.", officer)
    return request


def url(request: PrivacyRequest) -> str:
    return f"{API_REQUESTS}{request.reference}/"


@pytest.mark.django_db
def test_a_request_comes_with_its_events_waits_tasks_and_messages(client, viewer, worked_on):
    response = client.get(url(worked_on), **bearer(api_token(viewer)))

    body = response.json()
    assert response.status_code == 200
    assert (body["reference"], body["status"], body["assignee"]) == (
        worked_on.reference,
        "in_progress",
        "officer",
    )
    assert (body["full_name"], body["email"], body["country"]) == (
        "Erika Mustermann",
        "erika@example.de",
        "DE",
    )
    assert body["details"] == "Please send me a copy of all data you hold about me."
    assert [event["kind"] for event in body["events"]] == [
        "filed",
        "email_confirmed",
        "started",
        "wait_started",
        "message_from_team",
        "wait_ended",
        "message_from_requester",
        "task_done",
        "viewed",
    ]
    started = body["events"][2]
    assert (started["actor"], started["user"]) == ("staff", "officer")
    assert set(started) == {"kind", "actor", "user", "at", "data"}
    assert body["events"][-1] == {**body["events"][-1], "user": "viewer", "data": {"via": "api"}}
    assert [wait["reason"] for wait in body["waits"]] == ["email", "identity"]
    assert all(wait["started_at"] and wait["ended_at"] for wait in body["waits"])
    tasks = body["tasks"]
    assert [task["system"] for task in tasks] == sorted(task["system"] for task in tasks)
    assert tasks[0]["outcome"] == "Nothing found." and tasks[0]["done_at"]
    assert all(task["done_at"] is None for task in tasks[1:])
    assert [(m["author"], m["body"]) for m in body["messages"]] == [
        ("team", "Your customer number?"),
        ("requester", "It is 4711."),
    ]


@pytest.mark.django_db
def test_each_look_is_recorded_as_viewed_by_the_tokens_user(client, viewer, worked_on):
    token = api_token(viewer)

    client.get(url(worked_on), **bearer(token))
    client.get(url(worked_on).lower(), **bearer(token))
    client.head(url(worked_on), **bearer(token))

    views = worked_on.events.filter(kind=RequestEvent.Kind.VIEWED)
    assert [(view.actor, view.staff_user, view.data) for view in views] == [
        ("staff", viewer, {"via": "api"}),
        ("staff", viewer, {"via": "api"}),
    ]


@pytest.mark.parametrize("reference", ["DSR-2026-999999", "DSR%00", "%E2%80%8B", "x" * 300])
@pytest.mark.django_db
def test_an_unknown_reference_is_a_404_problem(client, viewer, reference):
    response = client.get(f"{API_REQUESTS}{reference}/", **bearer(api_token(viewer)))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "No request has this reference."


@pytest.mark.django_db
def test_without_permission_a_request_is_neither_shown_nor_marked_viewed(client, worked_on):
    user = staff_member("nobody", [])

    response = client.get(url(worked_on), **bearer(api_token(user)))

    assert response.status_code == 403
    assert not worked_on.events.filter(kind=RequestEvent.Kind.VIEWED).exists()


@pytest.mark.django_db
def test_without_a_token_a_request_is_a_401(client, worked_on):
    response = client.get(url(worked_on))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_a_request_takes_a_fixed_number_of_queries(
    client, viewer, worked_on, django_assert_max_num_queries
):
    token = api_token(viewer)
    client.get(url(worked_on), **bearer(token))

    # Token, permissions (2), the request, the viewed event, events, waits, tasks, messages.
    with django_assert_max_num_queries(9):
        response = client.get(url(worked_on), **bearer(token))

    assert response.status_code == 200


@pytest.mark.django_db
def test_an_api_path_that_names_nothing_is_a_404_problem_and_a_page_stays_a_page(client):
    api = client.get("/api/v1/nothing/")
    page = client.get("/requests/nothing/")

    assert api.status_code == page.status_code == 404
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["title"] == "Not Found"
    assert page["Content-Type"].startswith("text/html")
