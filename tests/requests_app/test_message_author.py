import re

import pytest

from requests_app import services
from requests_app.models import PrivacyRequest

ADMIN_AUTHOR = re.compile(r'<div class="readonly">(Requester|Privacy team|You)</div>')
STATUS_AUTHOR = re.compile(r'<article class="message message--\w+">\s*<h3>([^,<]+),')


@pytest.fixture
def conversation(status_token, admin_user) -> PrivacyRequest:
    request = PrivacyRequest.objects.get()
    services.post_requester_message(request, "Any news?")
    services.post_team_message(request, "We are on it.", admin_user)
    return request


@pytest.mark.django_db
def test_the_officer_reads_the_requesters_messages_as_from_the_requester(
    admin_client, conversation
):
    url = f"/admin/requests_app/privacyrequest/{conversation.pk}/change/"

    english = admin_client.get(url).content.decode()
    german = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert ADMIN_AUTHOR.findall(english) == ["Requester", "Privacy team"]
    assert '<div class="readonly">Antragstellende Person</div>' in german


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "you", "team"),
    [
        ("en", "You", "Privacy team"),
        ("de", "Sie", "Datenschutzteam"),
        ("fr", "Vous", "Équipe de protection des données"),
        ("it", "Lei", "Team privacy"),
    ],
)
def test_the_requester_reads_their_own_messages_as_from_you(
    client, conversation, status_token, language, you, team
):
    PrivacyRequest.objects.filter(pk=conversation.pk).update(language=language)

    page = client.get(f"/requests/status/{status_token}/").content.decode()

    assert STATUS_AUTHOR.findall(page) == [you, team]
