"""The body's own dates, recorded as the body set them, each with its reminders, and each
step with the day the body acted (RULES.md sections 3 and 4)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine

from disputes_app import reminders, services
from disputes_app.models import (
    BodyDeadline,
    CaseFile,
    Dispute,
    DisputeEvent,
    Outcome,
    RecourseBody,
)
from requests_app.models import OutboxEmail
from tests.disputes_app.walk import confirmed, escalate, on

RECORD = "/admin/disputes_app/dispute/{}/record/"


@pytest.fixture
def dispute(client) -> Dispute:
    _request, token = confirmed(request_type="complaint", country="DE")
    with on("2026-05-01"):
        escalate(client, token)
    return Dispute.objects.get()


def swept(dispute: Dispute, start: str, end: str) -> list[tuple[str, str]]:
    """Every reminder the sweeps send between two days, run every six hours."""
    sent = []
    moment = datetime.fromisoformat(f"{start}T00:00:00+00:00")
    with time_machine.travel(moment, tick=False) as clock:
        while moment < datetime.fromisoformat(f"{end}T00:00:00+00:00"):
            sent += [(moment.date().isoformat(), q.kind) for q in reminders.sweep(moment)]
            moment += timedelta(hours=6)
            clock.move_to(moment)
    return [(day, kind) for day, kind in sent if kind.startswith("dispute_deadline")]


@pytest.mark.django_db
def test_the_officer_records_a_hearing_on_the_day_the_body_set_it(admin_client, dispute):
    with on("2026-05-10"):
        response = admin_client.post(
            RECORD.format(dispute.pk),
            {
                "step": "deadline",
                "acted_on": "2026-05-06",
                "deadline_kind": "hearing",
                "due_on": "2026-06-15",
                "note": "By video.",
            },
        )

    assert response.status_code == 302
    hearing = BodyDeadline.objects.get()
    assert (hearing.kind, hearing.due_on, hearing.set_on) == (
        "hearing",
        date(2026, 6, 15),
        date(2026, 5, 6),
    )
    event = dispute.events.get(kind=DisputeEvent.Kind.DEADLINE)
    assert event.acted_on == date(2026, 5, 6)
    assert event.created_at.date() == date(2026, 5, 10), "the click is kept beside the day"


@pytest.mark.django_db
def test_each_step_records_the_day_the_body_acted(admin_client, dispute):
    with on("2026-05-20"):
        admin_client.post(
            RECORD.format(dispute.pk), {"step": "acknowledge", "acted_on": "2026-05-04"}
        )
        admin_client.post(
            RECORD.format(dispute.pk),
            {"step": "request_answer", "acted_on": "2026-05-12", "due_on": "2026-06-11"},
        )

    steps = dispute.events.filter(kind=DisputeEvent.Kind.STEP).order_by("id")
    assert [(e.status, e.acted_on.isoformat()) for e in steps] == [
        ("filed", "2026-05-01"),
        ("acknowledged", "2026-05-04"),
        ("answer_due", "2026-05-12"),
    ]
    dispute.refresh_from_db()
    assert dispute.answer_due_on == date(2026, 6, 11), "the body's own date for our answer"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"step": "acknowledge", "acted_on": "2026-05-21"}, "acted_on"),
        ({"step": "decide", "acted_on": "2026-05-20"}, "outcome"),
        ({"step": "deadline", "acted_on": "2026-05-20", "due_on": "2026-06-01"}, "deadline_kind"),
        ({"step": "deadline", "acted_on": "2026-05-20", "deadline_kind": "hearing"}, "due_on"),
        (
            {
                "step": "deadline",
                "acted_on": "2026-05-20",
                "deadline_kind": "other",
                "due_on": "2026-05-01",
            },
            "due_on",
        ),
        ({"step": "arbitration_bar", "acted_on": "2026-05-20"}, "arbitration_bar"),
    ],
)
def test_a_step_the_form_cannot_take_is_refused_at_its_field(admin_client, dispute, data, field):
    with on("2026-05-20"):
        response = admin_client.post(RECORD.format(dispute.pk), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert dispute.events.count() == 1


@pytest.mark.django_db
def test_a_hearing_is_reminded_before_and_on_its_day_and_not_after(dispute):
    with on("2026-05-06"):
        services.add_deadline(
            dispute, BodyDeadline.Kind.HEARING, date(2026, 6, 15), date(2026, 5, 6)
        )

    assert swept(dispute, "2026-05-06", "2026-06-30") == [
        ("2026-06-08", "dispute_deadline_soon"),
        ("2026-06-13", "dispute_deadline_soon"),
        ("2026-06-15", "dispute_deadline_soon"),
    ]


@pytest.mark.django_db
def test_the_panels_advice_is_due_in_25_days_and_reminded_until_it_is_carried_out(client):
    _request, token = confirmed(request_type="complaint", country="DE")
    with on("2026-05-01"):
        escalate(client, token, "About my HR file.", employment=True, works_in="DE")
    dispute = Dispute.objects.get()
    assert dispute.body.remedy_days == 25

    with on("2026-06-01"):
        services.record_step(dispute, "decide", outcome=Outcome.UPHELD, acted_on=date(2026, 5, 29))
    remedy = BodyDeadline.objects.get(kind=BodyDeadline.Kind.REMEDY)
    assert (remedy.due_on, remedy.set_on) == (date(2026, 6, 23), date(2026, 5, 29))

    assert swept(dispute, "2026-06-01", "2026-06-30") == [
        ("2026-06-16", "dispute_deadline_soon"),
        ("2026-06-21", "dispute_deadline_soon"),
        ("2026-06-23", "dispute_deadline_soon"),
        ("2026-06-24", "dispute_deadline_late"),
        ("2026-06-27", "dispute_deadline_late"),
    ]
    with on("2026-06-29"):
        services.record_step(Dispute.objects.get(), "remedy_done", acted_on=date(2026, 6, 28))
    assert BodyDeadline.objects.get(kind=BodyDeadline.Kind.REMEDY).met_on == date(2026, 6, 28)
    assert swept(dispute, "2026-06-30", "2026-07-15") == []


@pytest.mark.django_db
def test_a_body_without_a_usual_time_sets_no_remedy_date_unless_the_officer_gives_one(dispute):
    assert RecourseBody.objects.get(slug="jams").remedy_days == 0

    services.record_step(dispute, "decide", outcome=Outcome.SETTLED, acted_on=date(2026, 5, 20))

    assert not BodyDeadline.objects.exists()


@pytest.mark.django_db
def test_a_reminder_of_a_date_the_body_set_says_what_it_is_for(dispute):
    with on("2026-05-06"):
        services.add_deadline(
            dispute, BodyDeadline.Kind.DECISION, date(2026, 6, 15), date(2026, 5, 6)
        )

    swept(dispute, "2026-06-08", "2026-06-09")

    (mail,) = OutboxEmail.objects.filter(kind="officer_dispute_reminder", context__what__gt="")
    assert mail.context["what"] == "the body's decision"
    assert mail.context["due_on"] == "2026-06-15"


@pytest.mark.django_db
def test_the_disputes_page_offers_the_record_page_and_lists_every_case_file_version(
    admin_client, dispute
):
    services.record_step(dispute, "acknowledge", acted_on=date(2026, 5, 2))

    page = admin_client.get(f"/admin/disputes_app/dispute/{dispute.pk}/change/").content.decode()

    assert RECORD.format(dispute.pk) in page
    versions = CaseFile.objects.filter(dispute=dispute).order_by("version")
    assert [v.version for v in versions] == [1, 2]
    for version in versions:
        link = f"/admin/disputes_app/dispute/case-files/{version.pk}.pdf"
        assert link in page
        assert admin_client.get(link).status_code == 200
    assert "2026-05-02" in page or "May 2, 2026" in page


@pytest.mark.django_db
def test_view_only_staff_may_not_record_what_the_body_did(view_only_client, dispute):
    response = view_only_client.post(
        RECORD.format(dispute.pk), {"step": "acknowledge", "acted_on": "2026-05-02"}
    )

    assert response.status_code == 403
    assert Dispute.objects.get().status == "filed"
