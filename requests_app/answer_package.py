"""The answer package of an access run: a ZIP the requester downloads from the status page.

`data.json` holds every result, structured (the portability format); one CSV per table
holds the same rows for a spreadsheet; `index.html`, in the request's language, says what
GDPR Art. 15(1) requires beyond the data: purposes, categories, recipients, how long each
is kept, the source, the rights and the authority to complain to. It is built streaming
from the parts' JSON lines, a row at a time: a person with 100,000 rows costs the worker
no more memory than a person with ten.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from core import authorities
from requests_app.connectors.results import rows_of
from requests_app.models import (
    DataSystem,
    PrivacyRequest,
    RequestEvent,
    TransitionNotAllowed,
    private_storage,
)
from requests_app.models.runs import RunPart, SystemRun


@dataclass(frozen=True)
class Section:
    """One system's part of the package: what it holds and the tables found there."""

    system: DataSystem
    part: RunPart
    tables: list[dict[str, Any]]
    folder: str

    @property
    def files(self) -> list[str]:
        """Where the files of a processor's reply are in the package."""
        return [f"{self.folder}/{file['name']}" for file in self.part.files]


def build(run: SystemRun, staff_user: Any) -> SystemRun:
    """Write the package of a finished access run into the private storage, and record it."""
    if run.action != SystemRun.Action.ACCESS:
        raise TransitionNotAllowed(gettext("Only an access run has a copy of the data."))
    if not run.finished:
        raise TransitionNotAllowed(gettext("Some systems have not answered yet."))
    privacy_request = run.request
    sections = sections_of(run)
    name = f"packages/{privacy_request.reference}-run-{run.pk}.zip"
    path = private_storage().path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        with package.open("data.json", "w") as data:
            write_data_json(data, privacy_request, sections)
        for section in sections:
            write_csvs(package, section)
            for file, in_package in zip(section.part.files, section.files, strict=True):
                package.write(private_storage().path(file["path"]), in_package)
        package.writestr("index.html", index_html(privacy_request, run, sections))
    with transaction.atomic():
        run.package.name, run.package_built_at = name, timezone.now()
        run.save(update_fields=["package", "package_built_at"])
        privacy_request.record(
            RequestEvent.Kind.PACKAGE_BUILT,
            actor=RequestEvent.Actor.STAFF,
            staff_user=staff_user,
            data={"run": run.pk, "size": os.path.getsize(path)},
        )
    return run


def sections_of(run: SystemRun) -> list[Section]:
    parts = run.parts.select_related("system").filter(state=RunPart.State.DONE)
    sections = []
    for part in parts.order_by("system__name"):
        keep = {table.name: table.erase.reason for table in part.system.table_specs}
        folder = slugify(part.system.name) or f"system-{part.system_id}"
        tables = [
            {
                **count,
                "keep": keep.get(count["table"], ""),
                "file": csv_name(folder, count["table"]),
            }
            for count in part.counts
        ]
        sections.append(Section(part.system, part, tables, folder))
    return sections


def write_data_json(out: Any, privacy_request: PrivacyRequest, sections: list[Section]) -> None:
    """{"reference", "created", "systems": [{"system", "tables": {table: [rows]}, "reply"}]},
    written a row at a time."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    head = {"reference": privacy_request.reference, "created": timezone.now().isoformat()}
    text.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "systems": [')
    for number, section in enumerate(sections):
        text.write(", " if number else "")
        text.write(json.dumps({"system": section.system.name}, ensure_ascii=False)[:-1])
        if section.part.reply:
            text.write(", " + json.dumps({"reply": section.part.reply}, ensure_ascii=False)[1:-1])
        text.write(', "tables": {')
        table = None
        for name, row in rows_of(section.part):
            if name != table:
                text.write("], " if table is not None else "")
                text.write(json.dumps(name, ensure_ascii=False) + ": [")
                table, first = name, True
            text.write(("" if first else ", ") + json.dumps(row, ensure_ascii=False, default=str))
            first = False
        text.write("]}}" if table is not None else "}}")
    text.write("]}\n")
    text.flush()
    text.detach()


def csv_name(folder: str, table: str) -> str:
    return f"{folder}/{slugify(table) or 'table'}.csv"


def write_csvs(package: zipfile.ZipFile, section: Section) -> None:
    """One CSV per table, `<system>/<table>.csv`; a table's rows come together in the file."""
    table, out, writer = None, None, None
    try:
        for name, row in rows_of(section.part):
            if name != table:
                if out is not None:
                    out.close()
                table = name
                out = io.TextIOWrapper(
                    package.open(csv_name(section.folder, name), "w"),
                    encoding="utf-8-sig",
                    newline="",
                )
                writer = csv.DictWriter(out, fieldnames=list(row), extrasaction="ignore")
                writer.writeheader()
            writer.writerow({key: cell(value) for key, value in row.items()})
    finally:
        if out is not None:
            out.close()


def cell(value: Any) -> Any:
    """A spreadsheet cell: nested values as JSON; text that a spreadsheet would run as a
    formula starts with an apostrophe."""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def index_html(privacy_request: PrivacyRequest, run: SystemRun, sections: list[Section]) -> str:
    registered = DataSystem.objects.filter(active=True).order_by("kind", "name")
    context = {
        "request": privacy_request,
        "run": run,
        "sections": sections,
        "recipients": registered.filter(kind=DataSystem.Kind.SUBPROCESSOR),
        "automated": [system for system in registered if system.automated_decisions],
        "authority": authorities.authority_for(str(privacy_request.country)),
        "created": timezone.now(),
        "organisation_name": settings.ORGANISATION_NAME,
    }
    with translation.override(privacy_request.language):
        return render_to_string("requests/package_index.html", context)


def attached(privacy_request: PrivacyRequest, wanted: bool) -> list[File]:
    """The latest access run's package as a file for the answer, when the officer wants it."""
    if not wanted:
        return []
    run = (
        privacy_request.runs.filter(action=SystemRun.Action.ACCESS)
        .exclude(package="")
        .order_by("-package_built_at")
        .first()
    )
    if run is None:
        raise TransitionNotAllowed(gettext("No answer package was built for this request."))
    return [File(run.package.open("rb"), name=f"{privacy_request.reference}.zip")]
