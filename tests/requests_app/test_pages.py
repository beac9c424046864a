import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.django_db
def test_home_names_the_organisation_its_websites_and_subprocessors(client):
    page = client.get("/").content.decode()

    assert "Kaizen Software Solutions, LLC" in page
    assert "privacy@kaizensoftware.com" in page
    assert "39962 Cedar Blvd, Suite 323" in page
    for name in ["www.kaizensoftware.com", "www.kzsoftware.com", "Google", "FastSpring"]:
        assert name in page
    assert 'href="/requests/new/"' in page


@pytest.mark.django_db
def test_home_reads_the_organisation_from_settings(client, settings):
    settings.ORGANISATION_NAME = "Example Widgets Inc."
    settings.ORGANISATION_SUBPROCESSORS = ["Acme Mail"]

    page = client.get("/").content.decode()

    assert "Example Widgets Inc." in page
    assert "Acme Mail" in page
    assert "Kaizen" not in page


@pytest.mark.django_db
def test_home_explains_rights_deadlines_and_the_path_of_recourse(client):
    page = client.get("/").content.decode()

    for right in ["Access", "Correction", "Deletion", "Portability", "Restriction", "Objection"]:
        assert f"<dt>{right}</dt>" in page
    assert "one month" in page
    assert "30 days" in page
    assert "45 days" in page
    assert "JAMS" in page and "free of charge" in page
    assert "binding arbitration" in page


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/requests/new/", "/requests/status/"])
def test_public_pages_send_a_strict_content_security_policy(client, path):
    response = client.get(path)

    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_has_inline_script_or_style():
    for template in TEMPLATES.rglob("*.html"):
        if template.parts[-2] == "emails":
            continue  # e-mail clients need inline styles; no browser policy applies there
        source = template.read_text()
        # A script from a file (the API reference's Swagger UI) is no inline script.
        assert not re.search(r"<script(?![^>]*\ssrc=)", source), template
        assert not re.search(r"<script[^>]*>[^<]", source), template
        assert not re.search(r"\sstyle=", source), template
        assert not re.search(r"\son[a-z]+=", source), template


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/requests/new/", "/requests/status/"])
def test_pages_declare_their_language_and_offer_a_skip_link(client, path):
    page = client.get(path).content.decode()

    assert '<html lang="en">' in page
    assert 'href="#main"' in page
    assert '<main id="main"' in page


@pytest.mark.django_db
def test_every_form_input_has_a_label(client):
    page = client.get("/requests/new/").content.decode()

    ids = re.findall(r'<(?:input(?! type="hidden")|select|textarea)[^>]*\bid="([^"]+)"', page)
    assert ids
    for input_id in ids:
        assert f'for="{input_id}"' in page, input_id
