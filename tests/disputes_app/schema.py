"""The case file's published schema (docs/casefile.schema.json), and a check against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from django.conf import settings

SCHEMA = json.loads((Path(settings.BASE_DIR) / "docs" / "casefile.schema.json").read_text())


def validated(case_file) -> dict:
    """A stored case file's JSON, checked against the schema."""
    with case_file.json.open("rb") as handle:
        facts = json.load(handle)
    jsonschema.validate(facts, SCHEMA, format_checker=jsonschema.FormatChecker())
    return facts
