"""The reminder ladder (docs/RULES.md section 3), walked day by day under time travel."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from requests_app import hooks, outbox, reminders, services, tasks
from requests_app.models import OutboxEmail, PrivacyRequest, Reminder, Status, WaitReason
from tests.helpers import file_request, last_email, link_in

OFFICER = "privacy-officer@localhost"
FILED_AT = datetime.fromisoformat("2026-03-02T10:00:00+00:00")  # a Monday


def walk(days: int, start: datetime = FILED_AT, actions: dict | None = None):
    """Sweep every hour for `days` days; returns (day, kind, recipient) per e-mail queued.

    `actions` maps a datetime to a callable run at that moment, before the sweep.
    """
    actions = dict(actions or {})
    sent = []
    moment = start
    with time_machine.travel(moment, tick=False) as clock:
        while moment < start + timedelta(days=days):
            for at in sorted(at for at in actions if at <= moment):
                actions.pop(at)()
            sent += [(moment.date(), q.kind, q.recipient) for q in reminders.sweep()]
            moment += timedelta(hours=1)
            clock.move_to(moment)
    return sent


def file_and_confirm(**overrides) -> PrivacyRequest:
    with time_machine.travel(FILED_AT, tick=False):
        request = file_request(**overrides)
    with time_machine.travel(FILED_AT + timedelta(minutes=30), tick=False):
        request._confirm_email()
    return request


def d(text: str) -> date:
    return date.fromisoformat(text)


OFFICER_LADDER_DE_ACCESS = [
    # Received Mon 2 March: due Thu 2 April (one month, no holiday).
    (d("2026-03-02"), "new_request", OFFICER),
    (d("2026-03-26"), "due_soon", OFFICER),  # 7 days before
    (d("2026-03-28"), "extension_deadline", OFFICER),  # 5 days before the last day to extend
    (d("2026-03-31"), "due_soon", OFFICER),  # 2 days before
    (d("2026-04-02"), "due_today", OFFICER),
    (d("2026-04-05"), "overdue", OFFICER),
    (d("2026-04-08"), "overdue", OFFICER),
    (d("2026-04-11"), "overdue", OFFICER),
    (d("2026-04-14"), "overdue", OFFICER),
    (d("2026-04-17"), "overdue", OFFICER),
    (d("2026-04-20"), "overdue", OFFICER),
    (d("2026-04-23"), "overdue", OFFICER),
    (d("2026-04-26"), "overdue", OFFICER),
    (d("2026-04-29"), "overdue", OFFICER),
]


@pytest.mark.django_db
def test_a_confirmed_request_walks_the_whole_ladder_over_sixty_days():
    request = file_and_confirm()
    assert request.due_on == d("2026-04-02")

    sent = walk(60)

    late = (d("2026-04-03"), "late", "erika@example.de")
    assert sent == sorted([*OFFICER_LADDER_DE_ACCESS, late])
    assert Reminder.objects.count() == len(sent)


@pytest.mark.django_db
def test_every_reminder_is_an_event_and_an_outbox_email():
    request = file_and_confirm()

    sent = walk(40)

    assert request.events.filter(kind="reminder_sent").count() == len(sent)
    assert OutboxEmail.objects.filter(request=request).exclude(
        kind__in=["confirm_address", "acknowledgement"]
    ).count() == len(sent)


@pytest.mark.django_db
def test_the_assignee_gets_the_officer_reminders_too():
    request = file_and_confirm()
    user = get_user_model().objects.create_user("ana", email="ana@example.com")
    PrivacyRequest.objects.filter(pk=request.pk).update(assignee=user)

    sent = walk(32)

    officer_days = [(day, kind) for day, kind, to in sent if to == OFFICER]
    assignee_days = [(day, kind) for day, kind, to in sent if to == "ana@example.com"]
    assert officer_days == assignee_days
    assert len(officer_days) == 5


@pytest.mark.django_db
def test_an_unconfirmed_request_is_reminded_twice_then_lapses():
    with time_machine.travel(FILED_AT, tick=False):
        request = file_request()

    sent = walk(60)

    assert sent == [
        (d("2026-03-04"), "confirm_email", "erika@example.de"),
        (d("2026-03-09"), "confirm_email", "erika@example.de"),
        (d("2026-03-16"), "lapsed", "erika@example.de"),
    ]
    request.refresh_from_db()
    assert request.status == Status.LAPSED
    assert request.next_reminder_at is None


@pytest.mark.django_db
def test_a_confirmation_reminder_carries_a_fresh_working_link(client):
    with time_machine.travel(FILED_AT, tick=False):
        file_request()
    walk(3)

    token = link_in(last_email("reminder_confirm_email"), "verify")
    with time_machine.travel(FILED_AT + timedelta(days=3), tick=False):
        assert client.post(f"/requests/verify/{token}/").status_code == 302


@pytest.mark.django_db
def test_an_answer_stops_the_officers_reminders():
    request = file_and_confirm()
    officer = get_user_model().objects.create_user("officer")

    sent = walk(
        60,
        actions={
            FILED_AT + timedelta(days=27): lambda: services.answer(
                PrivacyRequest.objects.get(pk=request.pk), "Here is your data.", officer
            )
        },
    )

    assert sent == OFFICER_LADDER_DE_ACCESS[:3]


@pytest.mark.django_db
def test_a_withdrawal_stops_every_reminder():
    request = file_and_confirm()

    sent = walk(
        60,
        actions={
            FILED_AT + timedelta(days=10): lambda: services.withdraw(
                PrivacyRequest.objects.get(pk=request.pk)
            )
        },
    )

    assert sent == OFFICER_LADDER_DE_ACCESS[:1]


@pytest.mark.django_db
def test_a_question_to_the_requester_is_followed_up_after_7_and_14_days():
    request = file_and_confirm()
    officer = get_user_model().objects.create_user("officer")

    def ask():
        services.ask_requester(
            PrivacyRequest.objects.get(pk=request.pk),
            WaitReason.IDENTITY,
            "Which of our products do you use?",
            officer,
        )

    sent = walk(20, actions={FILED_AT + timedelta(days=1): ask})

    waiting = [(day, to) for day, kind, to in sent if kind == "waiting"]
    assert waiting == [(d("2026-03-10"), "erika@example.de"), (d("2026-03-17"), "erika@example.de")]
    request.refresh_from_db()
    assert request.due_on == d("2026-04-02")  # in the EU the clock runs on


@pytest.mark.django_db
def test_the_requesters_answer_ends_the_follow_ups():
    request = file_and_confirm()
    officer = get_user_model().objects.create_user("officer")

    def ask():
        services.ask_requester(
            PrivacyRequest.objects.get(pk=request.pk),
            WaitReason.CLARIFICATION,
            "Which data?",
            officer,
        )

    def reply():
        services.post_requester_message(PrivacyRequest.objects.get(pk=request.pk), "All of it.")

    sent = walk(
        20,
        actions={FILED_AT + timedelta(days=1): ask, FILED_AT + timedelta(days=5): reply},
    )

    assert [kind for _day, kind, _to in sent if kind == "waiting"] == []
    request.refresh_from_db()
    assert request.status == Status.NEW


@pytest.mark.django_db
def test_a_uk_identity_wait_restarts_the_month_and_the_ladder_follows():
    request = file_and_confirm(country="GB")
    officer = get_user_model().objects.create_user("officer")
    assert request.due_on == d("2026-04-02")

    def ask():
        services.ask_requester(
            PrivacyRequest.objects.get(pk=request.pk),
            WaitReason.IDENTITY,
            "Please confirm…",
            officer,
        )

    def reply():
        services.post_requester_message(PrivacyRequest.objects.get(pk=request.pk), "Done.")

    sent = walk(
        40,
        actions={FILED_AT + timedelta(days=3): ask, FILED_AT + timedelta(days=10): reply},
    )

    request.refresh_from_db()
    assert request.due_on == d("2026-04-13")  # 12 March + one month, Mon 13 April after Easter
    assert request.due_rule == "uk_gdpr_month"
    due_soon = [day for day, kind, _to in sent if kind == "due_soon"]
    assert due_soon == [d("2026-04-06"), d("2026-04-11")]
    assert (d("2026-03-26"), "due_soon", OFFICER) not in sent


@pytest.mark.django_db
def test_an_extension_moves_the_ladder_to_the_new_date():
    request = file_and_confirm()
    officer = get_user_model().objects.create_user("officer")

    def extend():
        services.extend(
            PrivacyRequest.objects.get(pk=request.pk), "Data in three systems.", officer
        )

    sent = walk(60, actions={FILED_AT + timedelta(days=20): extend})

    request.refresh_from_db()
    assert request.due_on == d("2026-06-02")
    kinds_after = [(day, kind) for day, kind, _to in sent if day > d("2026-03-22")]
    assert kinds_after == []  # the next reminder is 7 days before 2 June
    assert (d("2026-03-28"), "extension_deadline", OFFICER) not in sent


@pytest.mark.django_db
def test_send_reminders_command_prints_one_line_per_email_and_nothing_the_second_time():
    request = file_and_confirm()
    first, second = StringIO(), StringIO()
    with time_machine.travel(FILED_AT + timedelta(hours=1), tick=False):
        call_command("send_reminders", stdout=first)
        call_command("send_reminders", stdout=second)

    assert first.getvalue() == f"{request.reference} new_request {OFFICER}\n"
    assert second.getvalue() == ""


@pytest.mark.django_db
def test_a_reminder_sweep_task_logs_how_many_emails_it_queued(caplog):
    file_and_confirm()
    caplog.set_level("INFO", logger="requests_app.tasks")
    with time_machine.travel(FILED_AT + timedelta(hours=1), tick=False):
        tasks.sweep_reminders()
        tasks.sweep_reminders()

    first, second = [r for r in caplog.records if r.name == "requests_app.tasks"]
    assert first.getMessage() == "reminder sweep: queued 1"
    assert [first.queued, second.queued] == [1, 0]
    assert first.seconds >= 0


@pytest.mark.django_db
def test_officer_reminders_carry_no_personal_data():
    file_and_confirm(full_name="Zoë Unique", details="my secret matter")
    walk(35)

    for email in OutboxEmail.objects.filter(kind="officer_reminder"):
        rendered = outbox.render(email)
        text = rendered.subject + rendered.text + rendered.html
        for personal in ["Zoë", "Unique", "erika@example.de", "secret matter"]:
            assert personal not in text


@pytest.mark.django_db
def test_without_an_escalation_app_the_late_notice_offers_no_escalate_link(monkeypatch):
    monkeypatch.setattr(hooks, "escalation", [])
    with time_machine.travel(FILED_AT, tick=False):
        request = file_request()
        request._confirm_email()
    with time_machine.travel(datetime.fromisoformat("2026-04-03T12:00:00+00:00"), tick=False):
        reminders.sweep()

    text = outbox.render(OutboxEmail.objects.get(kind="reminder_late")).text
    assert "escalate" not in text
    assert "/requests/status/" in text
