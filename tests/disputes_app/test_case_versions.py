"""A case file that tells the whole story and stays current: every version kept, each new
one sent to the body with what changed; a late answer or a withdrawal after the escalation
recorded on the dispute (RULES.md section 4)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.conf import settings
from django.utils import timezone, translation

from disputes_app import casefile, reminders, services
from disputes_app.models import BodyDeadline, CaseFile, Dispute, DisputeEvent, RecourseBody
from requests_app import outbox
from requests_app import services as request_services
from requests_app.models import IdentityCheck, OutboxEmail, PrivacyRequest, RefusalReason
from tests.disputes_app.schema import validated
from tests.disputes_app.walk import confirmed, escalate, on

BODY_CONTACT = "dpf-claims@jams.example"


@pytest.fixture
def overdue(client) -> tuple[PrivacyRequest, str, Dispute]:
    """An access request that was not answered in time, escalated to JAMS on 3 April."""
    RecourseBody.objects.filter(is_default=True).update(contact_email=BODY_CONTACT)
    request, token = confirmed()
    PrivacyRequest.objects.filter(pk=request.pk).update(language="de")
    with on("2026-04-03"):
        escalate(client, token)
    return PrivacyRequest.objects.get(pk=request.pk), token, Dispute.objects.get()


def facts(case_file: CaseFile) -> dict:
    return json.loads(case_file.json.open("rb").read())


@pytest.mark.django_db
def test_the_first_case_file_holds_what_a_body_needs_and_matches_its_schema(overdue, admin_user):
    request, _token, dispute = overdue
    with on("2026-03-05"):
        request.record_identity_check(IdentityCheck.Method.values[0], True, admin_user)
    services.write_case_file(Dispute.objects.get())

    case = validated(CaseFile.objects.get(version=2))
    assert case["request_text"] == request.details
    assert case["organisation"] == {
        "name": settings.ORGANISATION_NAME,
        "write_to": settings.ORGANISATION_ADDRESS,
        "contact": settings.ORGANISATION_EMAIL,
        "dpf_listing": settings.ORGANISATION_DPF_LISTING_URL,
        "framework": "eu_us",
    }
    assert case["identity_checks"][0]["confirmed"] is True
    assert case["identity_checks"][0]["on"] == "2026-03-05"
    assert case["days_late"] > 0
    assert case["dispute"]["steps"][0]["status"] == "filed"
    assert case["dispute"]["steps"][0]["on"] == "2026-04-03"
    validated(CaseFile.objects.get(version=1))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "framework"),
    [("GB", "uk_extension"), ("GI", "uk_extension"), ("CH", "swiss_us"), ("PL", "eu_us")],
)
def test_the_case_file_names_the_framework_that_covers_the_requester(client, country, framework):
    _request, token = confirmed(country=country)
    with on("2026-06-01"):
        escalate(client, token)

    assert validated(CaseFile.objects.get())["organisation"]["framework"] == framework


@pytest.mark.django_db
def test_a_refused_request_lists_each_refusal_with_its_reason_and_whether_it_was_in_time(
    client, admin_user
):
    request, token = confirmed()
    with on("2026-04-20"):
        request_services.refuse(request, RefusalReason.NO_DATA, "Nothing found.", admin_user)
        escalate(client, token)

    (refusal,) = validated(CaseFile.objects.get())["refusals"]
    assert refusal["reason"] == RefusalReason.NO_DATA
    assert refusal["on"] == "2026-04-20"
    assert refusal["in_time"] is False, "a month from 2 March has passed"


@pytest.mark.django_db
def test_a_late_answer_after_the_escalation_is_recorded_asks_the_requester_and_tells_the_body(
    overdue, admin_user
):
    request, _token, dispute = overdue

    with on("2026-04-10"):
        request_services.answer(request, "Here is your data.", admin_user)

    dispute.refresh_from_db()
    assert dispute.late_answer_at is not None and dispute.asks_whether_it_goes_on
    assert dispute.events.filter(kind=DisputeEvent.Kind.LATE_ANSWER).count() == 1
    asked = OutboxEmail.objects.get(kind="dispute_late_answer")
    assert asked.to == request.email and asked.language == "de"
    assert "We have now answered" not in outbox.render(asked).text, "in German"
    second = CaseFile.objects.get(dispute=dispute, version=2)
    assert validated(second)["dispute"]["late_answer_on"] == "2026-04-10"
    assert validated(second)["answered_on"] == "2026-04-10"
    update = OutboxEmail.objects.get(kind="body_case_file_update")
    assert update.to == BODY_CONTACT
    assert update.context["version"] == 2
    assert "after the escalation" in update.context["changed"]
    assert [a["filename"] for a in update.attachments] == [
        f"{request.reference}-v2.pdf",
        f"{request.reference}-v2.json",
    ]
    assert CaseFile.objects.filter(dispute=dispute).count() == 2, "the first is kept"


@pytest.mark.django_db
def test_the_requester_says_the_dispute_goes_on_and_the_body_gets_a_new_version(
    client, overdue, admin_user
):
    request, token, dispute = overdue
    with on("2026-04-10"):
        request_services.answer(request, "Here is your data.", admin_user)
        page = client.get(f"/requests/status/{token}/").content.decode()
        assert 'value="goes_on"' in page and 'value="withdraw"' in page
        client.post(
            f"/requests/status/{token}/escalate/{dispute.pk}/respond/", {"choice": "goes_on"}
        )

    dispute.refresh_from_db()
    assert dispute.goes_on_at is not None and dispute.is_open
    assert CaseFile.objects.filter(dispute=dispute).count() == 3
    assert OutboxEmail.objects.filter(kind="body_case_file_update").count() == 2


@pytest.mark.django_db
def test_withdrawing_after_the_escalation_closes_the_dispute_tells_the_body_and_stops_reminders(
    client, overdue
):
    request, token, dispute = overdue
    with on("2026-04-05"):
        services.add_deadline(
            dispute, BodyDeadline.Kind.HEARING, date(2026, 5, 20), date(2026, 4, 5)
        )
        client.post(f"/requests/status/{token}/withdraw/", {"confirm": "yes"})

    dispute.refresh_from_db()
    request.refresh_from_db()
    assert request.status == "withdrawn"
    assert dispute.withdrawn_at is not None
    assert (dispute.status, dispute.outcome) == ("closed", "withdrawn")
    assert dispute.next_reminder_at is None
    assert (
        validated(CaseFile.objects.filter(dispute=dispute).latest("version"))["dispute"][
            "withdrawn_on"
        ]
        == "2026-04-05"
    )
    assert OutboxEmail.objects.filter(kind="body_case_file_update", to=BODY_CONTACT).exists()
    assert OutboxEmail.objects.filter(kind="officer_dispute_withdrawn").count() == 1
    with on("2026-05-30"):
        assert reminders.sweep(timezone.now()) == []


@pytest.mark.django_db
def test_the_requester_may_withdraw_an_open_dispute_from_the_status_page(client, overdue):
    _request, token, dispute = overdue

    with on("2026-04-05"):
        response = client.post(
            f"/requests/status/{token}/escalate/{dispute.pk}/respond/", {"choice": "withdraw"}
        )
        again = client.post(
            f"/requests/status/{token}/escalate/{dispute.pk}/respond/", {"choice": "withdraw"}
        )

    assert response.status_code == again.status_code == 302
    assert Dispute.objects.get().outcome == "withdrawn"
    assert OutboxEmail.objects.filter(kind="officer_dispute_withdrawn").count() == 1, "once"


@pytest.mark.django_db
def test_another_requesters_dispute_cannot_be_answered_for(client, overdue):
    _request, _token, dispute = overdue
    _other, other_token = confirmed(email="someone@example.org")

    response = client.post(
        f"/requests/status/{other_token}/escalate/{dispute.pk}/respond/", {"choice": "withdraw"}
    )

    assert response.status_code == 404
    assert Dispute.objects.get().is_open


@pytest.mark.django_db
def test_a_dispute_step_makes_a_new_version_for_the_body(overdue):
    _request, _token, dispute = overdue

    with on("2026-04-08"):
        services.record_step(dispute, "acknowledge", acted_on=date(2026, 4, 7))

    latest = CaseFile.objects.filter(dispute=dispute).latest("version")
    assert latest.version == 2
    assert latest.change == {"kind": "step", "status": "acknowledged", "on": "2026-04-07"}
    assert validated(latest)["dispute"]["steps"][-1]["on"] == "2026-04-07"


@pytest.mark.django_db
def test_the_same_facts_make_the_same_pdf(overdue):
    _request, _token, dispute = overdue
    first = CaseFile.objects.get(dispute=dispute, version=1)
    case = facts(first)
    case.pop("version")
    with translation.override("de"):
        again = casefile.to_pdf(case)

    assert again == first.pdf.open("rb").read()
