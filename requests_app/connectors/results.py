"""Where an access part keeps its rows: JSON lines in the private storage, and a preview."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from requests_app.models import private_storage
from requests_app.models.runs import RunPart

# Rows per table the officer previews before building the package.
PREVIEW_ROWS = 5


@dataclass
class Results:
    """A part's file being written: `write(table, row)` a row at a time."""

    path: str
    lines: Any
    preview: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def write(self, table: str, row: dict[str, Any]) -> None:
        self.lines.write(json.dumps({"table": table, "row": row}, ensure_ascii=False) + "\n")
        first = self.preview.setdefault(table, [])
        if len(first) < PREVIEW_ROWS:
            first.append(row)


@contextmanager
def results_of(part: RunPart) -> Iterator[Results]:
    """The part's file, written anew (a retry replaces what an earlier attempt wrote)."""
    name = f"connectors/{part.run.request.reference}/run-{part.run_id}/part-{part.pk}.jsonl"
    path = private_storage().path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as lines:
        yield Results(name, lines)


def rows_of(part: RunPart) -> Iterator[tuple[str, dict[str, Any]]]:
    """The part's rows as (table, row), read a line at a time."""
    if not part.result_path:
        return
    with private_storage().open(part.result_path, "rb") as lines:
        for line in lines:
            record = json.loads(line)
            yield record["table"], record["row"]
