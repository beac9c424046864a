"""The answer package of an access run: data.json, a CSV per table, index.html in the
request's language with what Art. 15(1) requires beyond the data."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile

from requests_app import answer_package, runs, services
from requests_app.models import (
    DataSystem,
    RequestEvent,
    RunPart,
    SystemRun,
    TransitionNotAllowed,
    private_storage,
)
from tests.languages import TRANSLATED, english_left, visible_text


@pytest.fixture
def access_run(shop_system, confirmed, officer, django_capture_on_commit_callbacks):
    confirmed.language = "de"
    confirmed.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.start(confirmed, SystemRun.Action.ACCESS, officer)
    return SystemRun.objects.get(pk=run.pk), officer


def opened(run: SystemRun) -> zipfile.ZipFile:
    run.refresh_from_db()
    return zipfile.ZipFile(run.package.open("rb"))


def test_the_package_holds_every_row_as_json_and_as_csv(access_run):
    run, officer = access_run
    part = run.parts.get()

    answer_package.build(run, officer)

    package = opened(run)
    data = json.loads(package.read("data.json"))
    assert data["reference"] == run.request.reference
    (system,) = data["systems"]
    assert system["system"] == "Shop database"
    assert {table: len(rows) for table, rows in system["tables"].items()} == {
        count["table"]: count["rows"] for count in part.counts if count["rows"]
    }
    assert system["tables"]["customers"][0]["email"] == "demo@example.org"
    orders = list(
        csv.DictReader(io.TextIOWrapper(package.open("shop-database/orders.csv"), "utf-8-sig"))
    )
    assert len(orders) == len(system["tables"]["orders"])
    assert orders[0]["id"] == str(system["tables"]["orders"][0]["id"])
    assert run.request.events.filter(kind=RequestEvent.Kind.PACKAGE_BUILT).exists()


def test_the_index_says_in_the_requesters_language_what_art_15_requires(access_run):
    run, officer = access_run

    answer_package.build(run, officer)

    index = opened(run).read("index.html").decode()
    assert '<html lang="de">' in index
    assert "to sell and deliver what you ordered" in index
    assert "invoices ten years" in index
    assert "kept ten years for tax law" in index
    assert "FastSpring" in index, "the subprocessors of the register are the recipients"
    assert "Der Bundesbeauftragte" in index or "BfDI" in index, "the German authority"


def test_a_formula_in_a_cell_is_not_run_by_a_spreadsheet():
    assert answer_package.cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert answer_package.cell("plain") == "plain"
    assert answer_package.cell({"a": 1}) == '{"a": 1}'


def test_only_a_finished_access_run_has_a_package(access_run):
    run, officer = access_run
    RunPart.objects.filter(run=run).update(state=RunPart.State.RUNNING)

    with pytest.raises(TransitionNotAllowed, match="not answered yet"):
        answer_package.build(run, officer)


def test_the_answer_carries_the_package_for_the_status_page(access_run):
    run, officer = access_run
    privacy_request = run.request
    with pytest.raises(TransitionNotAllowed, match="No answer package"):
        answer_package.attached(privacy_request, True)
    answer_package.build(run, officer)
    privacy_request.start(officer)

    services.answer(
        privacy_request,
        "Here is a copy of your data.",
        officer,
        open_tasks_reason="The other systems hold nothing.",
        files=answer_package.attached(privacy_request, True),
    )

    (attached,) = privacy_request.files.all()
    assert attached.name == f"{privacy_request.reference}.zip"
    assert attached.size == run.package.size
    assert answer_package.attached(privacy_request, False) == []


def test_a_processors_reply_and_its_files_go_into_the_package(access_run):
    run, officer = access_run
    stored = private_storage().save("connectors/reply/letter.pdf", ContentFile(b"%PDF-1.4"))
    RunPart.objects.filter(run=run).update(
        reply="We hold your invoices only.", files=[{"path": stored, "name": "letter.pdf"}]
    )

    answer_package.build(run, officer)

    package = opened(run)
    assert package.read("shop-database/letter.pdf") == b"%PDF-1.4"
    assert json.loads(package.read("data.json"))["systems"][0]["reply"] == (
        "We hold your invoices only."
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_packages_readable_page_is_in_the_requesters_language_with_no_english_left(
    access_run, language
):
    run, _officer = access_run
    privacy_request = run.request
    sections = answer_package.sections_of(run)
    # What the officer typed into the register (purposes, retention) is theirs, not ours.
    theirs = tuple(
        value
        for system in DataSystem.objects.all()
        for value in (system.holds, system.purpose, system.retention, system.name)
    )

    privacy_request.language = "en"
    english = answer_package.index_html(privacy_request, run, sections)
    privacy_request.language = language
    translated = answer_package.index_html(privacy_request, run, sections)

    assert f'<html lang="{language}">' in translated
    assert english_left(visible_text(english), visible_text(translated), theirs) == set()
