"""The request list's bulk actions: each request through its own move, one report of the lot."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from requests_app import services
from requests_app.models import (
    AccessLink,
    Message,
    OutboxEmail,
    PrivacyRequest,
    RefusalReason,
    RequestEvent,
    Status,
)
from tests.helpers import file_request, last_email, link_in

CHANGELIST = reverse("admin:requests_app_privacyrequest_changelist")


def confirmed(**overrides: str) -> PrivacyRequest:
    request = file_request(**overrides)
    link = AccessLink.find(link_in(last_email("confirm_address"), "verify"), "verify")
    services.confirm_email(link)
    request.refresh_from_db()
    return request


def act(client, action: str, requests: list[PrivacyRequest], **data):
    payload = {"action": action, "_selected_action": [r.pk for r in requests], **data}
    return client.post(CHANGELIST, payload, follow="apply" in data or not data)


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("anna", email="anna@example.com", is_staff=True)


def test_starting_reports_what_was_done_and_why_the_rest_was_not(admin_client):
    ready = [confirmed(full_name="One"), confirmed(full_name="Two")]
    unconfirmed = file_request(full_name="Three")

    response = act(admin_client, "start_requests", [*ready, unconfirmed])

    messages = said(response)
    assert "Start work: done for 2 requests." in messages
    assert any(
        m.startswith("Not possible for 1 request:") and unconfirmed.reference in m for m in messages
    )
    statuses = {r.reference: r.status for r in PrivacyRequest.objects.all()}
    assert statuses == {
        ready[0].reference: Status.IN_PROGRESS,
        ready[1].reference: Status.IN_PROGRESS,
        unconfirmed.reference: Status.UNCONFIRMED,
    }


def test_assigning_to_a_chosen_officer_asks_whom_then_assigns_each(admin_client, officer):
    requests = [confirmed(full_name="One"), confirmed(full_name="Two")]

    page = act(admin_client, "assign_to_officer", requests)
    assert page.status_code == 200
    assert all(r.reference in page.content.decode() for r in requests)

    response = act(admin_client, "assign_to_officer", requests, assignee=officer.pk, apply="Assign")

    assert "Assign: done for 2 requests." in said(response)
    assert set(PrivacyRequest.objects.values_list("assignee", flat=True)) == {officer.pk}
    assigned = RequestEvent.objects.filter(kind=RequestEvent.Kind.ASSIGNED)
    assert {e.data["to"] for e in assigned} == {"anna"}


def test_spam_closes_only_unconfirmed_requests_and_tells_no_one(admin_client, admin_user):
    spam = [file_request(full_name="Spam one"), file_request(full_name="Spam two")]
    genuine = confirmed(full_name="Genuine")
    emails_before = OutboxEmail.objects.count()

    response = act(admin_client, "close_as_spam", [*spam, genuine])

    assert "Close as spam: done for 2 requests." in said(response)
    assert OutboxEmail.objects.count() == emails_before
    for request in spam:
        request.refresh_from_db()
        assert request.status == Status.CLOSED
        assert request.next_reminder_at is None
        event = request.events.get(kind=RequestEvent.Kind.CLOSED_AS_SPAM)
        assert event.staff_user == admin_user
    genuine.refresh_from_db()
    assert genuine.status == Status.NEW


def test_refusing_as_unfounded_lists_each_request_with_its_reason_first(admin_client):
    requests = [confirmed(full_name="One"), confirmed(full_name="Two")]

    page = act(admin_client, "refuse_as_unfounded", requests)

    html = page.content.decode()
    assert all(r.reference in html for r in requests)
    assert html.count(str(RefusalReason.UNFOUNDED.label)) >= len(requests)
    assert PrivacyRequest.objects.filter(status=Status.REFUSED).count() == 0


def test_refusing_needs_the_officers_confirmation(admin_client):
    request = confirmed()

    page = act(
        admin_client,
        "refuse_as_unfounded",
        [request],
        explanation="The same request for the tenth time this week.",
        apply="Refuse",
    )

    assert page.status_code == 200
    assert "This field is required." in page.content.decode()
    request.refresh_from_db()
    assert request.status == Status.NEW


def test_each_requester_is_told_of_the_refusal_in_their_language(admin_client, client):
    german = confirmed(full_name="Erika")
    PrivacyRequest.objects.filter(pk=german.pk).update(language="de")
    english = confirmed(full_name="Emma")

    response = act(
        admin_client,
        "refuse_as_unfounded",
        [german, english],
        explanation="Repeated requests.",
        confirm="on",
        apply="Refuse",
    )

    assert "Refuse: done for 2 requests." in said(response)
    bodies = {
        m.request.language: m.body for m in Message.objects.filter(request__in=[german, english])
    }
    assert "Grund: Offenkundig unbegründet oder exzessiv" in bodies["de"]
    assert "Reason: Manifestly unfounded" in bodies["en"]
    assert set(OutboxEmail.objects.filter(kind="refused").values_list("language", flat=True)) == {
        "de",
        "en",
    }
    for request in (german, english):
        request.refresh_from_db()
        assert request.status == Status.REFUSED
        assert request.refusal_reason == RefusalReason.UNFOUNDED


def test_the_selection_exports_as_csv(admin_client):
    chosen = [confirmed(full_name="One"), confirmed(full_name="Two")]
    confirmed(full_name="Not chosen")

    response = act(admin_client, "export_selected", chosen)

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    references = {row[0] for row in rows[1:]}
    assert references == {r.reference for r in chosen}


def test_a_view_only_member_is_offered_only_the_export(view_only_client):
    confirmed()

    page = view_only_client.get(CHANGELIST)

    actions = [choice[0] for choice in page.context["action_form"].fields["action"].choices]
    assert actions == ["", "export_selected"]
