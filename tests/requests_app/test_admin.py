import pytest
from django.contrib import admin as admin_site

from requests_app.models import Message, OutboxEmail, RequestEvent
from tests.helpers import file_request, link_in, message_form


def change_url(request) -> str:
    return f"/admin/requests_app/privacyrequest/{request.pk}/change/"


@pytest.mark.django_db
def test_officer_message_reaches_the_requester_by_email_and_status_page(admin_client, client):
    request = file_request()
    request._confirm_email()

    response = admin_client.post(change_url(request), message_form(request, "We are on it."))

    assert response.status_code == 302, response.content.decode()[:2000]
    message = Message.objects.get()
    assert (message.author, message.body) == (Message.Author.TEAM, "We are on it.")
    assert request.events.filter(kind=RequestEvent.Kind.MESSAGE_FROM_TEAM).count() == 1
    notice = OutboxEmail.objects.get(kind="team_message")
    assert notice.to == request.email
    status_page = client.get(f"/requests/status/{link_in(notice, 'status')}/").content.decode()
    assert "We are on it." in status_page


@pytest.mark.django_db
def test_nobody_can_delete_a_request_in_the_admin(admin_client):
    request = file_request()

    delete_url = f"/admin/requests_app/privacyrequest/{request.pk}/delete/"
    assert admin_client.get(delete_url).status_code == 403
    assert (
        admin_client.get(f"/admin/requests_app/requestevent/{request.pk}/delete/").status_code
        == 404
    )


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


SEARCHABLE = [
    (model, model_admin)
    for model, model_admin in admin_site.site._registry.items()
    if model_admin.search_fields
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "model_admin"), SEARCHABLE, ids=[m._meta.label for m, _ in SEARCHABLE]
)
def test_every_search_box_of_the_admin_is_labelled_in_words(admin_client, model, model_admin):
    opts = model._meta

    page = admin_client.get(f"/admin/{opts.app_label}/{opts.model_name}/").content.decode()

    assert (
        f'<label for="searchbar"><img src="/static/admin/img/search.svg" alt="">'
        f'<span class="visually-hidden">Search {opts.verbose_name_plural}</span></label>'
    ) in page
