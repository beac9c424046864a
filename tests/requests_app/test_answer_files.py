"""Files of an answer: uploaded in the admin, downloaded through expiring links, never e-mailed."""

import os
import re
import stat
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from requests_app import outbox
from requests_app.models import AccessLink, AnswerFile, OutboxEmail, RequestEvent, Status
from tests.helpers import file_request, link_in


@pytest.fixture
def answered(admin_client):
    request = file_request()
    request._confirm_email()
    response = admin_client.post(
        f"/admin/requests_app/privacyrequest/{request.pk}/step/answer/",
        {
            "body": "Your data is attached.",
            "files": [
                SimpleUploadedFile("export.json", b'{"name": "Erika"}'),
                SimpleUploadedFile("notes.txt", b"none"),
            ],
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    return request


def status_page(client, request) -> str:
    token = link_in(OutboxEmail.objects.get(kind="answered"), "status")
    return token, client.get(f"/requests/status/{token}/").content.decode()


def download_links(page: str) -> list[str]:
    return [
        url.replace("&amp;", "&") for url in re.findall(r'href="([^"]+/files/\d+/\?s=[^"]+)"', page)
    ]


@pytest.mark.django_db
def test_the_answers_files_are_stored_privately_with_the_message(answered):
    assert answered.status == Status.ANSWERED
    names = sorted(AnswerFile.objects.values_list("name", flat=True))
    assert names == ["export.json", "notes.txt"]
    assert AnswerFile.objects.first().message.body == "Your data is attached."


@pytest.mark.django_db
def test_the_answers_files_are_readable_by_the_portals_user_alone(answered):
    modes = {stat.S_IMODE(os.stat(f.file.path).st_mode) for f in AnswerFile.objects.all()}

    assert modes == {0o600}


@pytest.mark.django_db
def test_the_email_carries_no_file_and_no_answer(answered, mailoutbox):
    rendered = outbox.render(OutboxEmail.objects.get(kind="answered"))

    assert "Your data is attached." not in rendered.text
    assert "Erika" not in rendered.text + rendered.html


@pytest.mark.django_db
def test_the_requester_downloads_a_file_from_the_status_page(client, answered):
    _token, page = status_page(client, answered)
    links = download_links(page)

    response = client.get(links[0])

    assert len(links) == 2
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b'{"name": "Erika"}'
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Referrer-Policy"] == "no-referrer"
    assert answered.events.filter(kind=RequestEvent.Kind.FILE_DOWNLOADED).count() == 1


@pytest.mark.django_db
def test_a_download_link_expires(client, answered):
    _token, page = status_page(client, answered)
    link = download_links(page)[0]

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = client.get(link)

    assert response.status_code == 410
    assert "Back to your request, for a fresh link" in response.content.decode()


@pytest.mark.django_db
def test_a_download_link_opens_only_its_own_file_of_its_own_request(client, answered):
    token, page = status_page(client, answered)
    first, second = download_links(page)
    signature_of_first = first.split("?s=")[1]
    second_path = second.split("?s=")[0]

    assert client.get(f"{second_path}?s={signature_of_first}").status_code == 410
    other = file_request(email="other@example.org", details="someone else")
    other._confirm_email()
    other_token = AccessLink.issue(other, AccessLink.Purpose.STATUS)
    assert client.get(first.replace(token, other_token)).status_code == 404


@pytest.mark.django_db
def test_a_link_older_than_answer_file_days_gives_no_files_and_says_how_to_get_a_fresh_one(
    client, answered, settings
):
    settings.ANSWER_FILE_DAYS = 30
    token, page = status_page(client, answered)
    (first, _second) = download_links(page)

    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        old_page = client.get(f"/requests/status/{token}/").content.decode()
        refused = client.get(first)

    assert download_links(old_page) == []
    assert "export.json" in old_page
    assert "/requests/status/" in old_page and "Ask for a fresh link" in old_page
    assert refused.status_code == 410
    assert "Send me a new link" in refused.content.decode()
    assert not answered.events.filter(kind=RequestEvent.Kind.FILE_DOWNLOADED).exists()


@pytest.mark.django_db
def test_a_fresh_link_from_the_lost_link_page_gives_the_files_again(client, answered, settings):
    settings.ANSWER_FILE_DAYS = 30
    with time_machine.travel(timezone.now() + timedelta(days=40)):
        client.post("/requests/status/", {"email": answered.email})
        token = link_in(OutboxEmail.objects.get(kind="lost_links"), "status")
        page = client.get(f"/requests/status/{token}/").content.decode()
        downloaded = client.get(download_links(page)[0])

    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == b'{"name": "Erika"}'
