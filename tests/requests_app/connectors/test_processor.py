"""A processor without an API: asked by e-mail, its reply recorded by the officer, reminded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from requests_app import outbox, runs
from requests_app.models import (
    DataSystem,
    OutboxEmail,
    RequestEvent,
    RunPart,
    SystemRun,
    TransitionNotAllowed,
)
from tests.helpers import past_second_factor, staff_member

Kind = RequestEvent.Kind


@pytest.fixture
def fastspring(db):
    system, _created = DataSystem.objects.update_or_create(  # seeded from the notice
        name="FastSpring",
        defaults={
            "kind": DataSystem.Kind.SUBPROCESSOR,
            "connector": DataSystem.Connector.PROCESSOR,
            "contact": "privacy@fastspring.example",
        },
    )
    return system


@pytest.fixture
def asked(fastspring, confirmed, officer, django_capture_on_commit_callbacks) -> RunPart:
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.start(confirmed, SystemRun.Action.ERASURE, officer)
    return run.parts.get()


def test_the_processor_is_asked_by_email_and_the_part_waits_for_its_reply(
    asked, confirmed, mailoutbox
):
    assert (asked.state, asked.waiting_for) == ("waiting", "reply")
    (email,) = [mail for mail in mailoutbox if mail.to == ["privacy@fastspring.example"]]
    assert confirmed.reference in email.subject
    assert "erase" in email.body and confirmed.email in email.body
    assert "28(3)(e)" in email.body


def test_a_retried_part_asks_once(asked):
    assert runs.run_part(asked.pk) == "waiting"
    assert OutboxEmail.objects.filter(kind="processor_request").count() == 1


def test_the_officer_is_reminded_when_no_reply_came_in_time(asked, settings):
    settings.CONNECTOR_PROCESSOR_REMINDER_DAYS = 7
    now = timezone.now()
    assert runs.remind_waiting(now + timedelta(days=6)) == 0

    assert runs.remind_waiting(now + timedelta(days=8)) == 1
    assert runs.remind_waiting(now + timedelta(days=9)) == 0, "once a period"
    assert runs.remind_waiting(now + timedelta(days=16)) == 1

    reminder = OutboxEmail.objects.filter(kind="officer_system_waiting").first()
    assert reminder.to == settings.PRIVACY_OFFICER_EMAIL
    assert "FastSpring" in outbox.render(reminder).subject


def test_the_officers_recorded_reply_completes_the_part_as_evidence(asked, confirmed, client):
    user = staff_member(
        "officer-with-runs",
        list(Permission.objects.filter(codename__in=["run_connectors", "view_systemrun"])),
    )
    past_second_factor(client, user)
    url = reverse("admin:requests_app_systemrun_reply", args=[asked.run_id, asked.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "reply": "We deleted the account; invoices are kept ten years.",
            "files": [SimpleUploadedFile("confirmation.pdf", b"%PDF-1.4 ...")],
        },
    )

    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.state == "done"
    assert asked.reply.startswith("We deleted the account")
    assert asked.files[0]["name"] == "confirmation.pdf"
    evidence = confirmed.events.get(kind=Kind.DATA_ERASED)
    assert (evidence.staff_user, evidence.data["reply"]) == (user, True)
    assert client.post(url, {"reply": "again"}).status_code == 404, "recorded once"


def test_a_dry_run_does_not_ask_processors(fastspring, confirmed, officer):
    with pytest.raises(TransitionNotAllowed, match="asked once erasure is approved"):
        runs.start(confirmed, SystemRun.Action.ERASURE, officer, dry_run=True)
