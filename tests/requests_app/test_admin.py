import pytest

from requests_app.models import Message, OutboxEmail, RequestEvent
from tests.helpers import file_request, link_in


def change_url(request) -> str:
    return f"/admin/requests_app/privacyrequest/{request.pk}/change/"


def inline_form(request, body: str) -> dict[str, str]:
    return {
        "request_type": request.request_type,
        "full_name": request.full_name,
        "email": request.email,
        "country": str(request.country),
        "details": request.details,
        "messages-TOTAL_FORMS": "1",
        "messages-INITIAL_FORMS": "0",
        "messages-MIN_NUM_FORMS": "0",
        "messages-MAX_NUM_FORMS": "1000",
        "messages-0-body": body,
        "messages-0-request": str(request.pk),
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "0",
    }


@pytest.mark.django_db
def test_officer_message_reaches_the_requester_by_email_and_status_page(admin_client, client):
    request = file_request()
    request.confirm_email()

    response = admin_client.post(change_url(request), inline_form(request, "We are on it."))

    assert response.status_code == 302, response.content.decode()[:2000]
    message = Message.objects.get()
    assert (message.author, message.body) == (Message.Author.TEAM, "We are on it.")
    assert request.events.filter(kind=RequestEvent.Kind.MESSAGE_FROM_TEAM).count() == 1
    notice = OutboxEmail.objects.get(kind="team_message")
    assert notice.to == request.email
    status_page = client.get(f"/requests/status/{link_in(notice, 'status')}/").content.decode()
    assert "We are on it." in status_page


@pytest.mark.django_db
def test_officer_can_neither_add_nor_delete_requests(admin_client):
    request = file_request()

    assert admin_client.get("/admin/requests_app/privacyrequest/add/").status_code == 403
    delete_url = f"/admin/requests_app/privacyrequest/{request.pk}/delete/"
    assert admin_client.get(delete_url).status_code == 403


@pytest.mark.django_db
def test_request_list_and_page_show_reference_and_due_date(admin_client):
    request = file_request()

    listing = admin_client.get("/admin/requests_app/privacyrequest/").content.decode()
    page = admin_client.get(change_url(request)).content.decode()

    assert request.reference in listing
    assert request.reference in page
    assert "Request received" in page


@pytest.mark.django_db
def test_failed_emails_can_be_queued_again(admin_client, mailoutbox):
    file_request()
    OutboxEmail.objects.update(state=OutboxEmail.State.FAILED, attempts=8)
    email = OutboxEmail.objects.get()

    admin_client.post(
        "/admin/requests_app/outboxemail/",
        {"action": "retry", "_selected_action": [email.pk]},
    )

    email.refresh_from_db()
    assert email.state == OutboxEmail.State.SENT
    assert len(mailoutbox) == 1
