"""Waits, extensions, answers and lapses as model transitions: checked, recorded, told."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from requests_app import outbox, services
from requests_app.models import (
    ExtensionNotAllowed,
    OutboxEmail,
    PrivacyRequest,
    RequestEvent,
    Status,
    TransitionNotAllowed,
    WaitReason,
)
from tests.helpers import file_request, link_in

FILED_AT = datetime.fromisoformat("2026-03-02T10:00:00+00:00")


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("officer", email="officer@example.com")


def confirmed(**overrides) -> PrivacyRequest:
    with time_machine.travel(FILED_AT, tick=False):
        request = file_request(**overrides)
        request._confirm_email()
    return request


def at(days: float):
    return time_machine.travel(FILED_AT + timedelta(days=days), tick=False)


@pytest.mark.django_db
def test_the_email_confirmation_is_a_wait_that_never_moves_the_due_date():
    with time_machine.travel(FILED_AT, tick=False):
        request = file_request()
    with at(5):
        request._confirm_email()

    wait = request.waits.get()
    assert wait.reason == WaitReason.EMAIL
    assert (wait.started_at, wait.ended_at) == (FILED_AT, FILED_AT + timedelta(days=5))
    assert request.due_on == date(2026, 4, 2)


@pytest.mark.django_db
def test_asking_the_requester_starts_a_wait_and_sends_the_question_as_a_message(officer):
    request = confirmed()

    with at(2):
        services.ask_requester(request, WaitReason.IDENTITY, "Your customer number?", officer)

    request.refresh_from_db()
    assert request.status == Status.WAITING
    assert request.waits.filter(ended_at__isnull=True).get().reason == WaitReason.IDENTITY
    assert request.messages.get().body == "Your customer number?"
    assert request.events.filter(kind=RequestEvent.Kind.WAIT_STARTED).count() == 1
    assert OutboxEmail.objects.filter(kind="asked", to=request.email).count() == 1


@pytest.mark.django_db
def test_the_requester_answers_on_the_status_page_and_the_wait_ends(client, officer):
    request = confirmed()
    with at(2):
        services.ask_requester(request, WaitReason.CLARIFICATION, "Which data?", officer)
    token = link_in(OutboxEmail.objects.get(kind="asked"), "status")

    with at(4):
        page = client.get(f"/requests/status/{token}/").content.decode()
        client.post(f"/requests/status/{token}/messages/", {"body": "The newsletter data."})

    assert "Your next message is taken as your answer." in page
    assert "we are still waiting for your answer" in page
    request.refresh_from_db()
    assert request.status == Status.NEW
    wait = request.waits.get(reason=WaitReason.CLARIFICATION)
    assert wait.ended_at == FILED_AT + timedelta(days=4)
    assert request.events.filter(kind=RequestEvent.Kind.WAIT_ENDED).count() == 1


@pytest.mark.django_db
def test_in_the_uk_an_access_clarification_stops_the_clock(officer):
    request = confirmed(country="GB")
    with at(2):
        services.ask_requester(request, WaitReason.CLARIFICATION, "Which data?", officer)
    request.refresh_from_db()
    assert request.clock_stopped

    with at(9):
        services.post_requester_message(request, "All of it.")

    request.refresh_from_db()
    assert not request.clock_stopped
    assert request.due_on == date(2026, 4, 9)  # 2 April + 7 days stopped
    moved = request.events.get(kind=RequestEvent.Kind.DUE_DATE_MOVED)
    assert moved.data == {"from": "2026-04-02", "to": "2026-04-09", "rule": "uk_gdpr_month"}


@pytest.mark.django_db
def test_in_the_eu_waits_move_the_due_date_only_when_pauses_are_turned_on(officer, settings):
    settings.DEADLINE_PAUSES = True
    request = confirmed()
    with at(2):
        services.ask_requester(request, WaitReason.IDENTITY, "Your customer number?", officer)
    with at(12):
        services.post_requester_message(request, "12345")

    request.refresh_from_db()
    assert request.due_on == date(2026, 4, 13)  # 2 April + 10 days = Sun 12 April → Monday


@pytest.mark.django_db
def test_a_second_question_while_one_is_open_is_refused(officer):
    request = confirmed()
    services.ask_requester(request, WaitReason.IDENTITY, "First?", officer)

    with pytest.raises(TransitionNotAllowed):
        services.ask_requester(request, WaitReason.FEE, "Second?", officer)


@pytest.mark.django_db
def test_an_eu_request_is_extended_to_three_months_and_the_requester_told_why(officer):
    request = confirmed()

    with at(20):
        services.extend(request, "The data sits in three systems.", officer)

    request.refresh_from_db()
    assert request.due_on == date(2026, 6, 2)
    assert request.due_rule == "gdpr_month_extended"
    event = request.events.get(kind=RequestEvent.Kind.EXTENDED)
    assert event.data == {"reason": "The data sits in three systems.", "due_on": "2026-06-02"}
    notice = outbox.render(OutboxEmail.objects.get(kind="extended"))
    assert "2026-06-02" in notice.text
    assert "The data sits in three systems." in notice.text


@pytest.mark.django_db
def test_a_swiss_request_is_extended_to_the_date_the_officer_gives(officer):
    request = confirmed(country="CH")  # access: due 1 April

    with at(10):
        services.extend(request, "Archive search.", officer, extended_to=date(2026, 5, 15))

    request.refresh_from_db()
    assert request.due_on == date(2026, 5, 15)
    assert request.due_rule == "extended"


REFUSALS = [
    ({"request_type": "complaint"}, 10, None, "A complaint has 45 days and no extension."),
    ({}, 32, None, "must be announced before the answer is due (2026-04-02)"),
    ({"country": "CH"}, 10, None, "Give the date by which the answer will come."),
    ({"country": "CH"}, 10, date(2026, 6, 15), "at most 60 days later (2026-05-31)"),
    ({"country": "CH"}, 10, date(2026, 3, 20), "must be after 2026-04-01"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "day", "extended_to", "why"), REFUSALS)
def test_a_refused_extension_says_why_and_changes_nothing(
    officer, overrides, day, extended_to, why
):
    request = confirmed(**overrides)
    due_on = request.due_on

    with (
        at(day),
        pytest.raises(ExtensionNotAllowed, match=why.replace("(", r"\(").replace(")", r"\)")),
    ):
        services.extend(request, "Busy.", officer, extended_to=extended_to)

    request.refresh_from_db()
    assert (request.due_on, request.extended_at) == (due_on, None)
    assert not OutboxEmail.objects.filter(kind="extended").exists()


@pytest.mark.django_db
def test_a_request_is_extended_only_once(officer):
    request = confirmed()
    stale = PrivacyRequest.objects.get(pk=request.pk)  # a page loaded before the extension
    with at(5):
        services.extend(request, "Complex.", officer)
    extended_to = PrivacyRequest.objects.get(pk=request.pk).due_on

    for copy in (stale, PrivacyRequest.objects.get(pk=request.pk)):
        with at(6), pytest.raises(ExtensionNotAllowed, match="extended already"):
            services.extend(copy, "Again.", officer)

    request.refresh_from_db()
    assert (request.extension_reason, request.due_on) == ("Complex.", extended_to)
    assert request.events.filter(kind=RequestEvent.Kind.EXTENDED).count() == 1
    assert OutboxEmail.objects.filter(kind="extended").count() == 1


@pytest.mark.django_db
def test_an_extension_needs_a_reason(officer):
    with pytest.raises(ExtensionNotAllowed, match="reason"):
        services.extend(confirmed(), "  ", officer)


@pytest.mark.django_db
def test_the_answer_is_a_message_on_the_status_page_and_not_in_the_email(officer, client):
    request = confirmed()

    services.answer(request, "We hold your name and e-mail address.", officer)

    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    assert request.answered_at is not None
    notice = OutboxEmail.objects.get(kind="answered")
    assert "We hold your name" not in outbox.render(notice).text
    page = client.get(f"/requests/status/{link_in(notice, 'status')}/").content.decode()
    assert "We hold your name and e-mail address." in page
    assert "Answered" in page


@pytest.mark.django_db
def test_an_unconfirmed_request_cannot_be_answered_or_extended(officer):
    request = file_request()

    with pytest.raises(TransitionNotAllowed):
        request._answer(officer)
    with pytest.raises((TransitionNotAllowed, ExtensionNotAllowed)):
        request._extend("Reason.", officer)
