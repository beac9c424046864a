"""The admin does for each staff member only what their permissions allow (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_app.admin.steps import STEPS
from requests_app.models import (
    IdentityCheck,
    OutboxEmail,
    PrivacyRequest,
    RefusalReason,
    RequestEvent,
    WaitReason,
)
from tests.helpers import file_request, member_of

ADMIN = "/admin/requests_app/privacyrequest"
# What an officer posts to take each step; valid, so that only a permission can stop it.
STEP_DATA: dict[str, dict[str, Any]] = {
    "assign": {},
    "start": {},
    "ask": {"reason": WaitReason.IDENTITY, "question": "Your customer number, please?"},
    "identity": {"method": IdentityCheck.Method.ACCOUNT, "confirmed": "on", "note": "4711"},
    "extend": {"reason": "The data is spread over three systems."},
    "answer": {"body": "Your data is attached.", "files": [SimpleUploadedFile("a.txt", b"x")]},
    "refuse": {"reason": RefusalReason.NO_DATA, "explanation": "We hold no data about you."},
    "close": {},
    "close_as_duplicate": {},  # the earlier request it is closed into: set by the test
}


def confirmed(**overrides: str) -> PrivacyRequest:
    request = file_request(**overrides)
    request._confirm_email()
    return request


def everything_about(request: PrivacyRequest) -> dict[str, Any]:
    """The request's row, every row that hangs off it, and the outbox: all a step can change."""
    related = ["events", "tasks", "messages", "identity_checks", "waits", "files", "links"]
    return {
        "request": PrivacyRequest.objects.filter(pk=request.pk).values().get(),
        **{name: list(getattr(request, name).order_by("pk").values()) for name in related},
        "outbox": list(OutboxEmail.objects.order_by("pk").values()),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["assign_to_me", "start_requests"])
def test_view_only_staff_are_not_offered_a_request_action_and_posting_it_changes_nothing(
    view_only_client, action
):
    request = confirmed()
    before = everything_about(request)

    changelist = view_only_client.get(f"{ADMIN}/").content.decode()
    view_only_client.post(f"{ADMIN}/", {"action": action, "_selected_action": [request.pk]})

    assert request.reference in changelist
    assert f'value="{action}"' not in changelist
    assert everything_about(request) == before


@pytest.mark.django_db
def test_view_only_staff_cannot_queue_a_failed_email_again(view_only_client, mailoutbox):
    file_request()
    OutboxEmail.objects.update(state=OutboxEmail.State.FAILED, attempts=8)
    email = OutboxEmail.objects.get()

    changelist = view_only_client.get("/admin/requests_app/outboxemail/").content.decode()
    view_only_client.post(
        "/admin/requests_app/outboxemail/", {"action": "retry", "_selected_action": [email.pk]}
    )

    assert 'value="retry"' not in changelist
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboxEmail.State.FAILED, 8)
    assert mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("step", list(STEPS))
def test_view_only_staff_are_refused_a_step_that_an_officer_takes(view_only_client, step):
    data = {**STEP_DATA[step]}
    if step == "close_as_duplicate":
        # An earlier request of the same address and type, for this one to be closed into.
        data["original"] = confirmed(details="An earlier request.").reference
    request = confirmed()
    if step == "close":
        request._refuse(RefusalReason.NO_DATA)
    officer = member_of("Privacy officers")
    if step == "assign":
        data["assignee"] = get_user_model().objects.get(username="Privacy-officers").pk
    before = everything_about(request)

    refused = view_only_client.post(f"{ADMIN}/{request.pk}/step/{step}/", data)

    assert refused.status_code == 403
    assert everything_about(request) == before
    for upload in data.get("files", []):
        upload.seek(0)
    done = officer.post(f"{ADMIN}/{request.pk}/step/{step}/", data)
    assert done.status_code == 302
    assert everything_about(request) != before


@pytest.mark.django_db
def test_view_only_staff_cannot_record_what_was_done_in_a_system(view_only_client):
    request = confirmed()
    request.start()
    task = request.tasks.first()
    before = everything_about(request)

    response = view_only_client.post(
        f"{ADMIN}/{request.pk}/task/{task.pk}/", {"outcome": "Exported the data."}
    )

    assert response.status_code == 403
    assert everything_about(request) == before


@pytest.mark.django_db
def test_view_only_staff_see_the_request_without_links_to_steps_or_tasks(view_only_client):
    request = confirmed()
    request.start()
    officers_page = member_of("Privacy officers").get(f"{ADMIN}/{request.pk}/change/")

    page = view_only_client.get(f"{ADMIN}/{request.pk}/change/").content.decode()

    assert request.reference in page
    assert "/step/" not in page and "/task/" not in page
    assert "/step/" in officers_page.content.decode()
    assert "/task/" in officers_page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["step/start/", "task/{task}/", "change/"])
def test_without_permission_a_request_that_exists_answers_as_one_that_does_not(
    unpermitted_client, page
):
    request = confirmed()
    request.start()
    task = request.tasks.first()
    missing = PrivacyRequest.objects.order_by("pk").last().pk + 1000

    existing = unpermitted_client.get(f"{ADMIN}/{request.pk}/{page.format(task=task.pk)}")
    absent = unpermitted_client.get(f"{ADMIN}/{missing}/{page.format(task=missing)}")

    assert existing.status_code == absent.status_code == 403
    assert not request.events.filter(kind=RequestEvent.Kind.VIEWED).exists()
