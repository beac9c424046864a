"""The right authority named at the right time: on a refusal at once, for employment data
instead of the default body, and after an unresolved dispute in Annex I's order."""

from __future__ import annotations

import html
from datetime import date

import pytest

from core.authorities import authority_for
from disputes_app import services
from disputes_app.models import ArbitrationBar, Dispute, Outcome
from requests_app import outbox
from requests_app import services as request_services
from requests_app.models import OutboxEmail, PrivacyRequest, RefusalReason
from tests.disputes_app.walk import confirmed, escalate, on

LODGE = "You have the right to lodge a complaint with a data protection authority"
LAENDER = "https://www.bfdi.bund.de/DE/Service/Anschriften/Laender/Laender-node.html"


def refused(language: str, country: str, officer) -> tuple[PrivacyRequest, str]:
    request, token = confirmed(country=country)
    PrivacyRequest.objects.filter(pk=request.pk).update(language=language)
    request.refresh_from_db()
    with on("2026-03-10"):
        request_services.refuse(request, RefusalReason.NO_DATA, "We hold nothing.", officer)
    return request, token


@pytest.mark.django_db
def test_a_refusal_names_the_requesters_own_authority_at_once_in_their_language(client, admin_user):
    request, token = refused("fr", "FR", admin_user)

    with on("2026-03-10"):
        page = client.get(f"/requests/status/{token}/").content.decode()
    text = outbox.render(OutboxEmail.objects.get(kind="refused")).text

    cnil = authority_for("FR")
    for written in (html.unescape(page), text):
        assert cnil.local_name in written
        assert cnil.url in written
        assert LODGE not in written, "in the requester's language"
    assert '<html lang="fr">' in page


@pytest.mark.django_db
def test_a_german_refusal_names_the_federal_authority_and_links_the_laender(client, admin_user):
    _request, token = refused("de", "DE", admin_user)

    with on("2026-03-10"):
        page = client.get(f"/requests/status/{token}/").content.decode()
    text = outbox.render(OutboxEmail.objects.get(kind="refused")).text

    for written in (page, text):
        assert "Bundesbeauftragte für den Datenschutz" in written
        assert LAENDER in written
        assert "Land" in written


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "name"),
    [
        ("GP", "French Data Protection Authority (CNIL)"),
        ("AX", "Office of the Data Protection Ombudsman"),
        ("GI", "Gibraltar Regulatory Authority (GRA)"),
    ],
)
def test_a_territory_is_pointed_to_its_states_authority_and_gibraltar_to_the_gra(
    client, admin_user, country, name
):
    _request, token = refused("en", country, admin_user)

    with on("2026-03-10"):
        page = client.get(f"/requests/status/{token}/").content.decode()

    assert name in html.unescape(page)
    assert authority_for(country).url in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("works_in", "body"),
    [("FR", "eu-dpa-panel"), ("AX", "eu-dpa-panel"), ("GB", "ico"), ("GI", "gra"), ("CH", "fdpic")],
)
def test_employment_data_goes_by_the_country_where_the_person_works(client, works_in, body):
    _request, token = confirmed(request_type="complaint", country="DE")
    with on("2026-05-01"):
        escalate(client, token, "About my HR file.", employment=True, works_in=works_in)

    dispute = Dispute.objects.get()
    assert dispute.body.slug == body
    assert dispute.employment_country == works_in


@pytest.mark.django_db
def test_the_status_page_names_the_authority_that_takes_an_employment_complaint_up(client):
    _request, token = confirmed(request_type="complaint", country="DE")
    with on("2026-05-01"):
        escalate(client, token, "About my HR file.", employment=True, works_in="FR")
        page = client.get(f"/requests/status/{token}/").content.decode()

    assert authority_for("FR").name in page


@pytest.mark.django_db
def test_employment_data_goes_instead_of_the_default_body_never_beside_it(client):
    _request, token = confirmed(request_type="complaint", country="DE")
    with on("2026-05-01"):
        escalate(client, token, "About my HR file.", employment=True, works_in="DE")
        escalate(client, token, "And to JAMS as well.")

    assert [d.body.slug for d in Dispute.objects.all()] == ["eu-dpa-panel"]


@pytest.mark.django_db
def test_without_employment_data_the_country_where_one_works_is_not_kept(client):
    _request, token = confirmed(request_type="complaint", country="DE")
    with on("2026-05-01"):
        escalate(client, token, "Not about HR.", works_in="FR")

    dispute = Dispute.objects.get()
    assert (dispute.body.slug, dispute.employment_country) == ("jams", "")


def unresolved(client) -> tuple[Dispute, str]:
    _request, token = confirmed(request_type="complaint", country="FR")
    with on("2026-05-01"):
        escalate(client, token)
    dispute = Dispute.objects.get()
    services.decide(dispute, Outcome.NOT_UPHELD)
    return Dispute.objects.get(), token


def next_steps(client, token) -> str:
    page = client.get(f"/requests/status/{token}/").content.decode()
    start = page.index('<ol class="next-steps">')
    return page[start : page.index("</ol>", start)]


@pytest.mark.django_db
def test_after_an_unresolved_dispute_the_authority_comes_first_and_arbitration_waits(client):
    dispute, token = unresolved(client)

    steps = next_steps(client, token)

    assert steps.index("cnil.fr") < steps.index("arbitration")
    assert "Department of Commerce" in steps and "Federal Trade Commission" in steps
    assert "becomes open once the step above has been taken" in steps
    assert "administered by" not in steps
    assert not dispute.arbitration_open


@pytest.mark.django_db
def test_arbitration_opens_once_the_authority_took_the_matter_up(client):
    dispute, token = unresolved(client)

    services.record_authority_step(dispute, date(2026, 6, 1))

    steps = next_steps(client, token)
    assert "binding arbitration under Annex I" in steps
    assert "administered by ICDR-AAA" in steps
    assert Dispute.objects.get().authority_step_on == date(2026, 6, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("bar", ArbitrationBar.values)
def test_arbitration_is_never_open_to_a_claim_arbitrated_settled_or_judged(client, bar):
    dispute, token = unresolved(client)
    services.record_authority_step(dispute, date(2026, 6, 1))

    services.bar_arbitration(Dispute.objects.get(), bar)

    steps = next_steps(client, token)
    assert "administered by" not in steps
    assert str(ArbitrationBar(bar).label) in steps
    assert not Dispute.objects.get().arbitration_open
