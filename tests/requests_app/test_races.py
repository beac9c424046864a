"""Two officers (or an officer and the requester) change the same row at the same moment.

Each pair runs on two real PostgreSQL connections, started together, many times over: the
move decided from the locked row wins once, the other gets a clear error, nothing that the
winner wrote is reverted, and each move leaves exactly one event.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from disputes_app.models import Dispute, DisputeEvent, Outcome
from disputes_app.services import escalate
from requests_app import services
from requests_app.models import (
    ExtensionNotAllowed,
    PrivacyRequest,
    RefusalReason,
    RequestEvent,
    Status,
    SystemTask,
    TransitionNotAllowed,
    WaitReason,
)
from tests.helpers import file_request, run_at_once

RUNS = 12

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI has it)"
    ),
]

Kind = RequestEvent.Kind


@pytest.fixture
def officers(db):
    users = get_user_model().objects
    return users.create_user("anna", email="anna@example.com"), users.create_user("ben")


def confirmed(status: str = Status.NEW, officer=None) -> PrivacyRequest:
    request = file_request(details=f"race {PrivacyRequest.objects.count()}")
    request._confirm_email()
    if status == Status.IN_PROGRESS:
        request.start(officer)
    return request


def stale(request: PrivacyRequest) -> PrivacyRequest:
    """The row as a page loaded it a while ago: each job gets its own copy."""
    return PrivacyRequest.objects.get(pk=request.pk)


def race(rows: tuple[object, object], *moves: Callable[[object], object]) -> list[object]:
    """Run each move on its own copy of the row, at once.

    Each result is what the move returned, or the error it raised.
    """

    def catching(row: object, move: Callable[[object], object]) -> Callable[[], object]:
        def job() -> object:
            try:
                return move(row)
            except (TransitionNotAllowed, ExtensionNotAllowed) as error:
                return error

        return job

    return run_at_once([catching(row, move) for row, move in zip(rows, moves, strict=True)])


def one_won(results: list[object]) -> Exception:
    errors = [result for result in results if isinstance(result, Exception)]
    assert len(errors) == len(results) - 1, results
    return errors[0]


def events(request: PrivacyRequest, kind: str) -> int:
    return request.events.filter(kind=kind).count()


def test_a_stale_page_cannot_put_a_started_request_back_to_new(officers):
    anna, ben = officers
    request = confirmed()
    page = stale(request)

    request.start(anna)
    services.extend(page, "Many systems to search.", ben)

    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS
    assert request.assignee == anna
    assert request.extended_at is not None
    assert events(request, Kind.STARTED) == events(request, Kind.EXTENDED) == 1


def test_starting_and_extending_at_once_both_hold(officers):
    anna, ben = officers
    for _ in range(RUNS):
        request = confirmed()
        first, second = stale(request), stale(request)

        results = race(
            (first, second), lambda r: r.start(anna), lambda r: services.extend(r, "Complex.", ben)
        )

        assert not any(isinstance(result, Exception) for result in results)
        request.refresh_from_db()
        assert (request.status, request.assignee) == (Status.IN_PROGRESS, anna)
        assert request.extended_at is not None
        assert events(request, Kind.STARTED) == events(request, Kind.EXTENDED) == 1


def test_two_officers_extend_at_once_and_only_one_extension_is_made(officers):
    anna, ben = officers
    for _ in range(RUNS):
        request = confirmed(Status.IN_PROGRESS, anna)
        first, second = stale(request), stale(request)

        results = race(
            (first, second),
            lambda r: services.extend(r, "Anna's reason.", anna),
            lambda r: services.extend(r, "Ben's reason.", ben),
        )

        error = one_won(results)
        assert "extended already" in str(error)
        request.refresh_from_db()
        assert request.status == Status.IN_PROGRESS
        assert events(request, Kind.EXTENDED) == 1
        event = request.events.get(kind=Kind.EXTENDED)
        assert request.extension_reason == event.data["reason"]


def test_two_officers_start_at_once_and_it_starts_once(officers):
    anna, ben = officers
    for _ in range(RUNS):
        request = confirmed()
        first, second = stale(request), stale(request)

        error = one_won(race((first, second), lambda r: r.start(anna), lambda r: r.start(ben)))

        assert "no longer possible" in str(error)
        request.refresh_from_db()
        assert request.status == Status.IN_PROGRESS
        assert events(request, Kind.STARTED) == 1


def test_an_answer_and_a_refusal_at_once_leave_one_final_answer(officers):
    anna, ben = officers
    for _ in range(RUNS):
        request = confirmed(Status.IN_PROGRESS, anna)
        first, second = stale(request), stale(request)

        one_won(
            race(
                (first, second),
                lambda r: services.answer(r, "Here it is.", anna, "Answered from the files."),
                lambda r: services.refuse(r, RefusalReason.NO_DATA, "Nothing found.", ben),
            )
        )

        request.refresh_from_db()
        answered, refused = events(request, Kind.ANSWERED), events(request, Kind.REFUSED)
        assert answered + refused == 1
        assert request.status == (Status.ANSWERED if answered else Status.REFUSED)
        assert request.next_reminder_at is None


def test_two_questions_at_once_open_one_wait(officers):
    anna, ben = officers
    for _ in range(RUNS):
        request = confirmed(Status.IN_PROGRESS, anna)
        first, second = stale(request), stale(request)

        one_won(
            race(
                (first, second),
                lambda r: services.ask_requester(r, WaitReason.IDENTITY, "Number?", anna),
                lambda r: services.ask_requester(r, WaitReason.CLARIFICATION, "Which?", ben),
            )
        )

        request.refresh_from_db()
        assert request.status == Status.WAITING
        assert request.waits.filter(ended_at__isnull=True).count() == 1
        # The wait resumes to the state it was asked from, read under the lock.
        assert request.waits.get(ended_at__isnull=True).resumes_to == Status.IN_PROGRESS
        assert events(request, Kind.WAIT_STARTED) == 1
        assert request.messages.count() == 1


def test_the_requester_withdraws_while_the_officer_answers(officers):
    anna, _ben = officers
    for _ in range(RUNS):
        request = confirmed(Status.IN_PROGRESS, anna)
        first, second = stale(request), stale(request)

        one_won(
            race(
                (first, second),
                lambda r: services.withdraw(r),
                lambda r: services.answer(r, "Here it is.", anna, "-"),
            )
        )

        request.refresh_from_db()
        withdrawn, answered = events(request, Kind.WITHDRAWN), events(request, Kind.ANSWERED)
        assert withdrawn + answered == 1
        assert request.status == (Status.WITHDRAWN if withdrawn else Status.ANSWERED)


def test_a_task_completed_twice_at_once_is_done_once(officers):
    anna, ben = officers
    for _ in range(RUNS):
        request = confirmed(Status.IN_PROGRESS, anna)
        task = request.tasks.first()
        first, second = SystemTask.objects.get(pk=task.pk), SystemTask.objects.get(pk=task.pk)

        error = one_won(
            race(
                (first, second),
                lambda r: r.complete("Deleted by Anna.", anna),
                lambda r: r.complete("Deleted by Ben.", ben),
            )
        )

        assert "done already" in str(error)
        task.refresh_from_db()
        assert events(request, Kind.TASK_DONE) == 1
        assert task.outcome in {"Deleted by Anna.", "Deleted by Ben."}
        assert (task.done_by == anna) == (task.outcome == "Deleted by Anna.")


def test_two_answers_from_the_requester_end_the_wait_once(officers):
    anna, _ben = officers
    for _ in range(RUNS):
        request = confirmed(Status.IN_PROGRESS, anna)
        services.ask_requester(request, WaitReason.CLARIFICATION, "Which account?", anna)
        first, second = stale(request), stale(request)

        results = race(
            (first, second),
            lambda r: services.post_requester_message(r, "The shop account."),
            lambda r: services.post_requester_message(r, "Also the newsletter."),
        )

        assert not any(isinstance(result, Exception) for result in results)
        request.refresh_from_db()
        assert request.status == Status.IN_PROGRESS
        assert events(request, Kind.WAIT_ENDED) == 1
        assert events(request, Kind.MESSAGE_FROM_REQUESTER) == 2


def test_two_decisions_on_a_dispute_at_once_record_one(officers):
    anna, ben = officers
    for _ in range(RUNS):
        request = confirmed(Status.IN_PROGRESS, anna)
        request._refuse(RefusalReason.NO_DATA, anna)
        dispute, _created = escalate(request, "Refused without reason.")
        first, second = Dispute.objects.get(pk=dispute.pk), Dispute.objects.get(pk=dispute.pk)

        error = one_won(
            race(
                (first, second),
                lambda r: r.decide(Outcome.UPHELD, anna),
                lambda r: r.decide(Outcome.NOT_UPHELD, ben),
            )
        )

        assert "no longer possible" in str(error)
        dispute.refresh_from_db()
        decided = DisputeEvent.objects.filter(dispute=dispute, status=Dispute.Status.DECIDED)
        assert decided.count() == 1
        assert dispute.outcome == decided.get().outcome


def test_a_remedy_cannot_follow_an_outcome_changed_under_a_stale_page(officers):
    anna, _ben = officers
    request = confirmed(Status.IN_PROGRESS, anna)
    request._refuse(RefusalReason.NO_DATA, anna)
    dispute, _created = escalate(request, "Refused without reason.")
    page = Dispute.objects.get(pk=dispute.pk)
    dispute.decide(Outcome.NOT_UPHELD, anna)
    page.outcome = Outcome.UPHELD  # what the stale page believed

    with pytest.raises(TransitionNotAllowed):
        page.remedy_done(anna)

    dispute.refresh_from_db()
    assert (dispute.status, dispute.outcome) == (Dispute.Status.DECIDED, Outcome.NOT_UPHELD)
