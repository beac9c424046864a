"""A reminder is sent once: with sweeps in parallel, after a crash, with the broker down."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from requests_app import outbox, reminders
from requests_app.models import OutboxEmail, PrivacyRequest, Reminder
from tests.helpers import database_url, file_request, run_at_once

DUE_MOMENT = datetime.fromisoformat("2026-03-03T12:00:00+00:00")


def confirmed_requests(count: int) -> list[PrivacyRequest]:
    """`count` confirmed requests whose 'new request' reminder is due at DUE_MOMENT."""
    with time_machine.travel("2026-03-02T10:00:00+00:00", tick=False):
        requests = [file_request(details=f"request {n}") for n in range(count)]
        for request in requests:
            request._confirm_email()
    return requests


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_queue_each_reminder_once():
    requests = confirmed_requests(30)

    with time_machine.travel(DUE_MOMENT, tick=False):
        results = run_at_once([lambda: reminders.sweep(batch=7) for _ in range(2)])

    lines = [str(line) for result in results for line in result]
    assert len(lines) == len(set(lines)) == 30
    assert Reminder.objects.count() == 30
    assert OutboxEmail.objects.filter(kind="officer_reminder").count() == 30
    assert {r.reference for r in requests} == {line.split()[0] for line in lines}


@pytest.mark.django_db(transaction=True)
def test_a_sweep_that_fails_midway_leaves_nothing_half_done(monkeypatch):
    confirmed_requests(5)
    calls = {"n": 0}
    deliver = reminders.deliver

    def crash_on_third(request, step):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker lost")
        return deliver(request, step)

    monkeypatch.setattr(reminders, "deliver", crash_on_third)
    with time_machine.travel(DUE_MOMENT, tick=False), pytest.raises(RuntimeError):
        reminders.sweep()

    assert Reminder.objects.count() == 0
    assert OutboxEmail.objects.filter(kind="officer_reminder").count() == 0

    monkeypatch.undo()
    with time_machine.travel(DUE_MOMENT, tick=False):
        assert len(reminders.sweep()) == 5
        assert reminders.sweep() == []
    assert Reminder.objects.count() == 5


SLOW_SWEEP = textwrap.dedent(
    """
    import time, django, time_machine
    django.setup()
    from requests_app import reminders
    deliver = reminders.deliver
    def slow(request, step):
        result = deliver(request, step)
        print("delivered", flush=True)
        time.sleep(60)
        return result
    reminders.deliver = slow
    with time_machine.travel("{moment}", tick=False):
        reminders.sweep()
    """
)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_sweeping_process_killed_midway_loses_and_doubles_nothing():
    confirmed_requests(3)
    env = {**os.environ, "DATABASE_URL": database_url()}
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_SWEEP.format(moment=DUE_MOMENT.isoformat())],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "delivered"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    time.sleep(0.2)
    connection.close()

    with time_machine.travel(DUE_MOMENT, tick=False):
        lines = reminders.sweep()

    assert len(lines) == 3
    assert Reminder.objects.count() == 3
    assert OutboxEmail.objects.filter(kind="officer_reminder").count() == 3


@pytest.mark.django_db
def test_with_the_broker_down_reminders_wait_in_the_outbox_and_go_out_once_it_is_back(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_requests(2)

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("requests_app.outbox.send.delay", broker_down)
    with (
        time_machine.travel(DUE_MOMENT, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert len(reminders.sweep()) == 2
    assert mailoutbox == []

    monkeypatch.undo()
    with time_machine.travel(DUE_MOMENT + timedelta(minutes=1), tick=False):
        outbox.sweep()
        outbox.sweep()
    officer_mails = [m for m in mailoutbox if "New request" in m.subject]
    assert len(officer_mails) == 2
