"""Escalation to a recourse body, walked under time travel (docs/RULES.md section 4)."""

import io
import json
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from pypdf import PdfReader

from disputes_app import reminders as dispute_reminders
from disputes_app.models import Dispute, DisputeEvent, Outcome, RecourseBody
from requests_app import outbox, services
from requests_app.models import OutboxEmail, PrivacyRequest, RefusalReason
from tests.disputes_app.walk import confirmed, escalate, on
from tests.helpers import link_in, run_at_once


@pytest.mark.django_db
def test_an_eu_complaint_can_be_escalated_after_45_days_and_not_before(client):
    request, token = confirmed(request_type="complaint")
    assert request.due_on.isoformat() == "2026-04-16"

    with on("2026-04-16"):
        early = client.get(f"/requests/status/{token}/escalate/")
        refused = escalate(client, token)
    assert early.status_code == 200
    assert "Escalation is not open yet." in early.content.decode()
    assert '<time datetime="2026-04-17">' in early.content.decode()
    assert refused.status_code == 200
    assert Dispute.objects.count() == 0

    with on("2026-04-17"):
        response = escalate(client, token)

    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.body.slug == "jams"
    assert dispute.answer_due_on.isoformat() == "2026-05-17"
    assert request.events.filter(kind="escalated").count() == 1


@pytest.mark.django_db
def test_an_overdue_access_request_can_be_escalated_the_day_after_its_due_date(client):
    request, token = confirmed()
    with on("2026-04-02"):
        escalate(client, token)
    assert Dispute.objects.count() == 0

    with on("2026-04-03"):
        escalate(client, token)

    assert Dispute.objects.get().request == request


@pytest.mark.django_db
def test_a_refused_request_can_be_escalated_at_once(client):
    request, token = confirmed()
    with on("2026-03-05"):
        request._refuse(RefusalReason.NO_DATA)
        escalate(client, token, "I know you hold my data.")

    assert Dispute.objects.get().reason == "I know you hold my data."


@pytest.mark.django_db
def test_a_request_closed_as_a_duplicate_is_escalated_from_the_one_that_goes_on(client):
    first, first_token = confirmed(details="Please send me my data.")
    later, token = confirmed(details="Please send me all my data.")
    with on("2026-03-05"):
        services.close_as_duplicate(later, first, None)

    with on("2026-04-03"):
        page = client.get(f"/requests/status/{token}/escalate/").content.decode()
        escalate(client, token)
        escalate(client, first_token)

    assert "closed as a duplicate of another of yours" in page
    assert Dispute.objects.get().request == first


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "body"),
    [("DE", "eu-dpa-panel"), ("GP", "eu-dpa-panel"), ("GB", "ico"), ("GI", "gra"), ("CH", "fdpic")],
)
def test_an_employment_data_complaint_goes_to_the_authorities(client, country, body):
    request, token = confirmed(request_type="complaint", country=country)
    with on("2026-05-01"):
        escalate(client, token, "About my HR file.", employment=True)

    assert Dispute.objects.get().body.slug == body


@pytest.mark.django_db
def test_posting_twice_makes_one_dispute(client):
    _request, token = confirmed()
    with on("2026-04-03"):
        escalate(client, token)
        escalate(client, token)

    assert Dispute.objects.count() == 1
    assert OutboxEmail.objects.filter(kind="escalated").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_tabs_posting_at_once_make_one_dispute():
    from disputes_app import services as dispute_services

    request, _token = confirmed()
    with on("2026-04-03"):
        results = run_at_once(
            [
                lambda: (
                    dispute_services.escalate(PrivacyRequest.objects.get(pk=request.pk), "Late.")[
                        0
                    ].pk
                )
                for _ in range(3)
            ]
        )

    assert Dispute.objects.count() == 1
    assert set(results) == {Dispute.objects.get().pk}


@pytest.mark.django_db
def test_escalating_tells_the_requester_and_the_officer_and_sends_the_body_the_case_file(
    client, mailoutbox
):
    RecourseBody.objects.filter(is_default=True).update(contact_email="dpf-claims@jams.example")
    request, token = confirmed()
    with on("2026-04-03"):
        escalate(client, token)

    to_body = OutboxEmail.objects.get(kind="body_case_file")
    assert to_body.to == "dpf-claims@jams.example"
    assert OutboxEmail.objects.filter(kind="escalated", to=request.email).exists()
    assert OutboxEmail.objects.filter(kind="officer_escalated").exists()
    outbox.send(to_body.pk)
    message = mailoutbox[-1]
    assert request.reference in message.subject
    assert [name for name, _content, _type in message.attachments] == [
        f"{request.reference}-v1.pdf",
        f"{request.reference}-v1.json",
    ]


@pytest.mark.django_db
def test_without_a_body_address_only_the_requester_gets_the_case_file(client, settings):
    settings.RECOURSE_BODY_EMAIL = ""
    call_command("migrate", verbosity=0, interactive=False)
    _request, token = confirmed()
    with on("2026-04-03"):
        escalate(client, token)

    assert not OutboxEmail.objects.filter(kind="body_case_file").exists()


@pytest.mark.django_db
def test_on_a_fresh_install_recourse_body_email_gets_the_case_files(client, settings):
    settings.RECOURSE_BODY_EMAIL = "dpf-claims@jams.example"
    call_command("migrate", verbosity=0, interactive=False)
    _request, token = confirmed()
    with on("2026-04-03"):
        escalate(client, token)

    assert OutboxEmail.objects.get(kind="body_case_file").to == "dpf-claims@jams.example"


@pytest.mark.django_db
def test_the_case_file_goes_to_the_contact_the_default_bodys_row_has(client, settings):
    RecourseBody.objects.filter(is_default=True).update(contact_email="claims@jams.example")
    settings.RECOURSE_BODY_EMAIL = "someone-else@jams.example"
    _request, token = confirmed()
    with on("2026-04-03"):
        escalate(client, token)

    assert OutboxEmail.objects.get(kind="body_case_file").to == "claims@jams.example"


def case_file_links(page: str) -> dict[str, str]:
    links = re.findall(r'href="([^"]+/case-file\.(pdf|json)\?s=[^"]+)"', page)
    return {fmt: url.replace("&amp;", "&") for url, fmt in links}


@pytest.mark.django_db
def test_the_case_file_holds_every_fact_and_no_name_or_address(client):
    officer = get_user_model().objects.create_user("officer")
    request, token = confirmed(full_name="Zoë Beispiel", email="zoe@example.de")
    with on("2026-03-04"):
        services.ask_requester(request, "identity", "Your customer number?", officer)
    with on("2026-03-06"):
        services.post_requester_message(request, "It is 4711, Grüße aus Zürich.")
    with on("2026-03-20"):
        services.extend(request, "Data in three systems.", officer)
    with on("2026-06-03"):
        escalate(client, token, "Still no answer after three months.")
        page = client.get(f"/requests/status/{token}/").content.decode()
        links = case_file_links(page)
        pdf = b"".join(client.get(links["pdf"]).streaming_content)
        data = json.loads(b"".join(client.get(links["json"]).streaming_content))

    assert data["reference"] == request.reference
    assert (data["received_on"], data["due_on"]) == ("2026-03-02", "2026-06-02")
    assert data["due_rule"] == "gdpr_month_extended"
    assert data["extension"]["reason"] == "Data in three systems."
    assert [w["reason"] for w in data["waits"]] == ["email", "identity"]
    assert any(m["body"] == "It is 4711, Grüße aus Zürich." for m in data["messages"])
    assert data["escalation"]["reason"] == "Still no answer after three months."
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for fact in [
        request.reference,
        "2026-06-02",
        "Data in three systems.",
        "Grüße aus Zürich",
        "Still no answer after three months.",
    ]:
        assert fact in text, fact
    for personal in ["Zoë", "Beispiel", "zoe@example.de", "192.0.2.1"]:
        assert personal not in text
        assert personal not in json.dumps(data, ensure_ascii=False)


@pytest.mark.django_db
def test_a_case_file_link_expires(client):
    _request, token = confirmed()
    with on("2026-04-03"):
        escalate(client, token)
        links = case_file_links(client.get(f"/requests/status/{token}/").content.decode())
    with on("2026-04-04"):
        assert client.get(links["pdf"]).status_code == 410


@pytest.mark.django_db
def test_a_dispute_walks_every_state_with_its_reminders_and_emails(client):
    officer = get_user_model().objects.create_user("officer")
    request, token = confirmed()
    with on("2026-04-03"):
        escalate(client, token)
    dispute = Dispute.objects.get()
    assert dispute.answer_due_on.isoformat() == "2026-05-03"

    sent = []
    moment = datetime.fromisoformat("2026-04-03T13:00:00+00:00")
    with time_machine.travel(moment, tick=False) as clock:
        while moment < datetime.fromisoformat("2026-05-12T00:00:00+00:00"):
            sent += [(moment.date().isoformat(), q.kind) for q in dispute_reminders.sweep(moment)]
            moment += timedelta(hours=6)
            clock.move_to(moment)
    assert sent == [
        ("2026-04-26", "dispute_answer_soon"),
        ("2026-05-01", "dispute_answer_soon"),
        ("2026-05-03", "dispute_answer_soon"),
        ("2026-05-04", "dispute_answer_late"),
        ("2026-05-07", "dispute_answer_late"),
        ("2026-05-10", "dispute_answer_late"),
    ]

    from disputes_app import services as dispute_services

    dispute.acknowledge(officer)
    dispute.request_answer(officer)
    dispute.answer(officer)
    assert dispute_reminders.sweep(datetime.fromisoformat("2026-05-20T12:00:00+00:00")) == []
    dispute_services.decide(dispute, Outcome.UPHELD, officer)
    dispute_services.remedy_done(dispute, officer)
    dispute.close(officer)

    steps = dispute.events.filter(kind=DisputeEvent.Kind.STEP)
    assert list(steps.values_list("status", flat=True)) == [
        "filed",
        "acknowledged",
        "answer_due",
        "answered",
        "decided",
        "remedy_done",
        "closed",
    ]
    assert OutboxEmail.objects.filter(kind="dispute_decided", to=request.email).count() == 1
    assert OutboxEmail.objects.filter(kind="dispute_remedy_done", to=request.email).count() == 1


@pytest.mark.django_db
def test_the_requester_hears_of_the_decision_and_the_remedy_with_a_status_link(client):
    request, token = confirmed()
    with on("2026-04-03"):
        escalate(client, token)
    dispute = Dispute.objects.get()
    from disputes_app import services as dispute_services

    dispute_services.decide(dispute, Outcome.UPHELD)
    dispute_services.remedy_done(dispute)

    for kind in ("dispute_decided", "dispute_remedy_done"):
        email = OutboxEmail.objects.get(kind=kind)
        assert (email.to, email.request) == (request.email, request)
        assert dispute.body.name in outbox.render(email).text
        page = client.get(f"/requests/status/{link_in(email, 'status')}/")
        assert request.reference in page.content.decode()


@pytest.mark.django_db
def test_an_unresolved_dispute_names_the_authority_and_arbitration(client):
    _request, token = confirmed(country="FR")
    with on("2026-04-03"):
        escalate(client, token)
    from disputes_app import services as dispute_services

    dispute_services.decide(Dispute.objects.get(), Outcome.NOT_UPHELD)
    page = client.get(f"/requests/status/{token}/").content.decode()

    assert "cnil.fr" in page
    assert "binding arbitration under Annex I" in page


@pytest.mark.django_db
def test_a_settled_or_employment_dispute_does_not_offer_arbitration(client):
    _request, token = confirmed(request_type="complaint", country="DE")
    with on("2026-05-01"):
        escalate(client, token, "HR data.", employment=True)
    from disputes_app import services as dispute_services

    dispute_services.decide(Dispute.objects.get(), Outcome.NOT_UPHELD)
    page = client.get(f"/requests/status/{token}/").content.decode()

    assert "binding arbitration under Annex I" not in page


@pytest.mark.django_db
def test_the_late_notice_links_to_the_escalate_page():
    from requests_app import reminders

    request, _token = confirmed()
    with on("2026-04-03"):
        reminders.sweep()
    late = OutboxEmail.objects.get(kind="reminder_late")

    text = outbox.render(late).text
    assert re.search(r"/requests/status/[A-Za-z0-9_-]+/escalate/", text)


@pytest.mark.django_db
def test_the_dashboard_counts_open_disputes_and_the_report_their_outcomes(client, admin_client):
    _request, token = confirmed()
    with on("2026-04-03"):
        escalate(client, token)
    other, other_token = confirmed(email="other@example.org", details="another")
    with on("2026-04-03"):
        escalate(client, other_token)
    from disputes_app import services as dispute_services

    dispute_services.decide(Dispute.objects.get(request=other), Outcome.SETTLED)

    dashboard = admin_client.get("/admin/").content.decode()
    figures = admin_client.get(
        "/admin/requests_app/privacyrequest/report/?year=2026"
    ).content.decode()

    row = dashboard[dashboard.index("Open disputes") :]
    assert row[row.index("<td>") + 4 : row.index("</td>")] == "1"
    assert "Escalations to a recourse body, by outcome" in figures
    assert '<th scope="row">Not decided yet</th><td>1</td>' in figures
    assert '<th scope="row">Escalated in all</th><td>2</td>' in figures
    assert admin_client.get("/admin/disputes_app/dispute/?outcome__exact=").status_code == 200


@pytest.mark.django_db
def test_a_dispute_event_is_append_only(client):
    _request, token = confirmed()
    with on("2026-04-03"):
        escalate(client, token)
    event = Dispute.objects.get().events.get()
    event.status = Dispute.Status.CLOSED

    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    assert Dispute.objects.get().events.get().status == Dispute.Status.FILED


@pytest.mark.django_db
def test_the_officer_records_the_bodys_steps_with_admin_actions(client, admin_client):
    _request, token = confirmed()
    with on("2026-04-03"):
        escalate(client, token)
    dispute = Dispute.objects.get()
    changelist = "/admin/disputes_app/dispute/"

    for action in ["acknowledge", "answer", "decide_not_upheld", "close"]:
        admin_client.post(changelist, {"action": action, "_selected_action": [dispute.pk]})

    dispute.refresh_from_db()
    assert (dispute.status, dispute.outcome) == ("closed", "not_upheld")
    assert (
        dispute.request.reference
        in admin_client.get(f"{changelist}?q={dispute.request.reference}").content.decode()
    )


@pytest.mark.django_db
def test_a_step_the_state_does_not_allow_is_refused_with_a_warning(client, admin_client):
    _request, token = confirmed()
    with on("2026-04-03"):
        escalate(client, token)
    dispute = Dispute.objects.get()

    response = admin_client.post(
        "/admin/disputes_app/dispute/",
        {"action": "remedy_done", "_selected_action": [dispute.pk]},
        follow=True,
    )

    assert "not possible in its state" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == "filed"


@pytest.mark.django_db
def test_the_case_file_is_in_the_language_of_the_request(client):
    request, token = confirmed()
    PrivacyRequest.objects.filter(pk=request.pk).update(language="de")
    with on("2026-04-03"):
        escalate(client, token)

    data = json.loads(Dispute.objects.get().case_file_json.read())
    assert data["request_type_label"] != "Access: a copy of my data and how it is used"


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["\u200b\u200b", "No\x00answer."])
def test_a_reason_that_shows_nothing_or_holds_control_characters_escalates_nothing(client, reason):
    _request, token = confirmed(request_type="complaint")
    with on("2026-04-17"):
        response = escalate(client, token, reason)

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Dispute.objects.exists()
