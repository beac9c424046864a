"""Working a request: start, assign, tasks per system, identity checks, refuse, close."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from requests_app import services
from requests_app.models import (
    DataSystem,
    IdentityCheck,
    RefusalReason,
    RequestEvent,
    Status,
    SystemTask,
    TasksStillOpen,
    TransitionNotAllowed,
    WaitReason,
)
from tests.helpers import file_request

FILED_AT = datetime.fromisoformat("2026-03-02T10:00:00+00:00")


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("officer", email="officer@example.com")


def started(officer, **overrides):
    with time_machine.travel(FILED_AT, tick=False):
        request = file_request(**overrides)
        request._confirm_email()
        request.start(officer)
    return request


@pytest.mark.django_db
def test_the_notices_websites_and_subprocessors_are_in_the_register():
    names = set(DataSystem.objects.values_list("name", flat=True))

    assert {"Google", "FastSpring", "Microsoft", "www.kaizensoftware.com"} <= names


@pytest.mark.django_db
def test_starting_creates_one_task_per_active_system_and_assigns_the_officer(officer):
    DataSystem.objects.filter(name="Microsoft").update(active=False)

    request = started(officer)

    assert request.status == Status.IN_PROGRESS
    assert request.assignee == officer
    systems = set(request.tasks.values_list("system__name", flat=True))
    assert "Google" in systems and "Microsoft" not in systems
    assert request.events.filter(kind=RequestEvent.Kind.STARTED).count() == 1


@pytest.mark.django_db
def test_a_request_cannot_be_answered_while_a_task_is_open_unless_the_officer_says_why(officer):
    request = started(officer)

    with pytest.raises(TasksStillOpen, match="Google"):
        request._answer(officer)

    request._answer(officer, open_tasks_reason="The other systems hold nothing of this person.")
    event = request.events.get(kind=RequestEvent.Kind.ANSWERED)
    assert "Google" in event.data["open_tasks"]


@pytest.mark.django_db
def test_with_every_task_done_the_request_can_be_answered(officer):
    request = started(officer, request_type="access")
    for task in request.tasks.all():
        task.complete("Exported.", officer)

    services.answer(request, "Attached is your data.", officer)

    request.refresh_from_db()
    assert request.status == Status.ANSWERED


@pytest.mark.django_db
def test_a_deletion_task_records_that_the_recipient_was_told(officer):
    request = started(officer, request_type="deletion")
    task = request.tasks.get(system__name="Google")

    with pytest.raises(TransitionNotAllowed, match="Tell the recipient"):
        task.complete("Deleted.", officer)
    task.complete("Deleted.", officer, recipient_told=True)

    task.refresh_from_db()
    assert task.recipient_told_at is not None
    other = request.tasks.get(system__name="FastSpring")
    other.complete("Nothing held.", officer, not_told_reason="The account no longer exists.")
    assert SystemTask.objects.get(pk=other.pk).not_told_reason == "The account no longer exists."


@pytest.mark.django_db
def test_an_identity_check_stores_how_and_by_whom_and_no_document(officer):
    request = started(officer)

    request.record_identity_check(IdentityCheck.Method.ACCOUNT, True, officer, "Customer 4711")

    check = IdentityCheck.objects.get()
    assert (check.method, check.confirmed, check.checked_by) == ("account", True, officer)
    assert not [f for f in IdentityCheck._meta.fields if f.get_internal_type() == "FileField"]
    assert request.events.filter(kind=RequestEvent.Kind.IDENTITY_CHECKED).count() == 1


@pytest.mark.django_db
def test_an_answer_to_a_question_resumes_the_work_where_it_was(officer):
    request = started(officer)
    services.ask_requester(request, WaitReason.CLARIFICATION, "Which account?", officer)

    services.post_requester_message(request, "The one with my work address.")

    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_a_full_refusal_names_its_reason(officer):
    request = started(officer)

    with time_machine.travel(FILED_AT + timedelta(days=10), tick=False):
        request._refuse(RefusalReason.NO_DATA, officer)

    assert (request.status, request.refusal_reason) == (Status.REFUSED, "no_data")
    event = request.events.get(kind=RequestEvent.Kind.REFUSED)
    assert event.data == {"reason": "no_data", "in_part": False, "late": False}


@pytest.mark.django_db
def test_a_refusal_after_the_first_month_is_recorded_as_late_even_when_extended(officer):
    request = started(officer)
    with time_machine.travel(FILED_AT + timedelta(days=5), tick=False):
        request._extend("Complex.", officer)

    with time_machine.travel(FILED_AT + timedelta(days=40), tick=False):
        request._refuse(RefusalReason.DISPROPORTIONATE, officer, in_part=True)

    assert request.status == Status.ANSWERED
    assert request.refused_in_part
    assert request.events.get(kind=RequestEvent.Kind.REFUSED).data["late"] is True


@pytest.mark.django_db
def test_a_uk_refusal_runs_from_the_month_begun_again_by_identity_information(officer):
    # Received 2 March; identity information arrives on 13 March: the refusal, like the
    # answer, is due by Mon 13 April, not by 2 April.
    request = started(officer, country="GB")
    with time_machine.travel(FILED_AT + timedelta(days=3), tick=False):
        services.ask_requester(request, WaitReason.IDENTITY, "Your customer number?", officer)
    with time_machine.travel(FILED_AT + timedelta(days=11), tick=False):
        services.post_requester_message(request, "It is 4711.")

    request.refresh_from_db()
    assert request.refusal_deadline().isoformat() == "2026-04-13"
    with time_machine.travel(FILED_AT + timedelta(days=40), tick=False):
        request._refuse(RefusalReason.NO_DATA, officer)

    assert request.events.get(kind=RequestEvent.Kind.REFUSED).data["late"] is False


@pytest.mark.django_db
def test_an_unknown_refusal_reason_is_refused(officer):
    with pytest.raises(ValueError):
        started(officer)._refuse("because", officer)


@pytest.mark.django_db
def test_only_an_answered_or_refused_request_can_be_closed(officer):
    request = started(officer)
    with pytest.raises(TransitionNotAllowed):
        request.close(officer)

    request._refuse(RefusalReason.NOT_COVERED, officer)
    request.close(officer)

    assert request.status == Status.CLOSED
    assert request.closed_at is not None


@pytest.mark.django_db
def test_assigning_records_who_to(officer):
    request = started(officer)
    colleague = get_user_model().objects.create_user("ana")

    request.assign(colleague, officer)

    assert request.assignee == colleague
    assert request.events.filter(kind=RequestEvent.Kind.ASSIGNED).last().data == {"to": "ana"}


@pytest.mark.django_db
def test_staff_group_may_work_requests_but_not_delete_or_change_settings():
    staff = set(
        Group.objects.get(name="Privacy staff").permissions.values_list("codename", flat=True)
    )
    officers = set(
        Group.objects.get(name="Privacy officers").permissions.values_list("codename", flat=True)
    )

    assert {"change_privacyrequest", "add_message", "view_requestevent"} <= staff
    assert not {c for c in staff if c.startswith("delete_")}
    assert "change_datasystem" not in staff
    assert {"change_datasystem", "add_user"} <= officers
