"""The default recourse body's row is the truth; RECOURSE_BODY_EMAIL only seeds it on migrate."""

import pytest
from django.core.management import call_command

from disputes_app.models import RecourseBody
from requests_app import hooks

SENTENCE = "an independent dispute resolution body in the United States"


def default_body() -> RecourseBody:
    return RecourseBody.objects.get(is_default=True)


@pytest.mark.django_db
def test_migrate_fills_the_default_bodys_empty_contact_from_recourse_body_email(settings):
    settings.RECOURSE_BODY_EMAIL = "dpf-claims@jams.example"
    assert default_body().contact_email == ""

    call_command("migrate", verbosity=0, interactive=False)

    assert default_body().contact_email == "dpf-claims@jams.example"


@pytest.mark.django_db
def test_migrate_keeps_the_contact_the_default_body_has(settings):
    RecourseBody.objects.filter(is_default=True).update(contact_email="claims@jams.example")
    settings.RECOURSE_BODY_EMAIL = "someone-else@jams.example"

    call_command("migrate", verbosity=0, interactive=False)

    assert default_body().contact_email == "claims@jams.example"


@pytest.mark.django_db
def test_migrate_without_recourse_body_email_leaves_the_contact_empty(settings):
    settings.RECOURSE_BODY_EMAIL = ""

    call_command("migrate", verbosity=0, interactive=False)

    assert default_body().contact_email == ""


@pytest.mark.django_db
def test_recourse_body_email_seeds_the_default_body_only(settings):
    settings.RECOURSE_BODY_EMAIL = "dpf-claims@jams.example"

    call_command("migrate", verbosity=0, interactive=False)

    others = RecourseBody.objects.filter(is_default=False)
    assert others.exists()
    assert set(others.values_list("contact_email", flat=True)) == {""}


@pytest.mark.django_db
def test_the_home_page_names_the_default_body_as_its_row_has_it(client):
    RecourseBody.objects.filter(is_default=True).update(name="Example Dispute Resolution")

    page = client.get("/").content.decode()

    assert f"take your complaint to Example Dispute Resolution, {SENTENCE}" in page
    assert "JAMS" not in page


@pytest.mark.django_db
def test_without_a_default_body_the_home_page_names_none(client):
    RecourseBody.objects.filter(is_default=True).update(is_default=False)

    page = client.get("/").content.decode()

    assert SENTENCE not in page
    assert "binding arbitration" in page


@pytest.mark.django_db
def test_without_the_disputes_app_the_home_page_leaves_the_body_out(client, monkeypatch):
    monkeypatch.setattr(hooks, "recourse_body", [])

    page = client.get("/").content.decode()

    assert SENTENCE not in page
    assert "JAMS" not in page
    assert "the data protection authority of your country" in page
