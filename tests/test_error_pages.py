"""Error pages in the portal's frame and language; a 503 while the database is away."""

import pytest
from django.db import OperationalError
from django.test import Client

from requests_app.models import PrivacyRequest


@pytest.fixture
def failing_filing(monkeypatch):
    """file_request fails with `error` (set by the test)."""
    raised = {}

    def fail(*args, **kwargs):
        raise raised["error"]

    monkeypatch.setattr("requests_app.services.file_request", fail)
    return raised


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "Please try again in a minute"),
        ("de", "Bitte versuchen Sie es in einer Minute erneut"),
    ],
)
def test_a_filing_while_the_database_is_away_gets_a_503_that_says_to_send_it_again(
    client, filing, failing_filing, language, heading, caplog
):
    failing_filing["error"] = OperationalError("connection refused")

    response = client.post("/requests/new/", filing, HTTP_ACCEPT_LANGUAGE=language)

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert f'<html lang="{language}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert "database unavailable" in caplog.text
    assert PrivacyRequest.objects.count() == 0


@pytest.mark.django_db
def test_any_other_failure_gets_the_portals_500_page_in_the_readers_language(
    filing, failing_filing
):
    failing_filing["error"] = RuntimeError("a bug")
    client = Client(raise_request_exception=False)

    response = client.post("/requests/new/", filing, HTTP_ACCEPT_LANGUAGE="fr")

    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="fr">' in page
    assert "<h1>Une erreur s'est produite</h1>" in page
    assert 'class="language-switcher"' in page
