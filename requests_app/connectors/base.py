"""What every connector returns or raises, so that the run settles each system's part alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ConnectorError(Exception):
    """One clear line for the officer, never a password. `retry`: a later attempt may succeed
    (a server away, a timeout); otherwise the map or the system must change first."""

    def __init__(self, message: str, *, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class TableCount:
    """Rows found (access, dry run) or changed (erasure) in one table."""

    table: str
    rows: int
    limited: bool = False
    action: str = ""
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "rows": self.rows,
            "limited": self.limited,
            "action": self.action,
            "reason": self.reason,
        }


@dataclass
class Outcome:
    """How a system's part ended this attempt: done, or waiting for someone else."""

    counts: list[TableCount] = field(default_factory=list)
    preview: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    result_path: str = ""
    waiting_for: str = ""
    callback_hash: str = ""
    reply: str = ""
    files: list[dict[str, str]] = field(default_factory=list)
    # Unsaved outbox rows, queued in the transaction that settles the part.
    emails: list[Any] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(count.rows for count in self.counts)

    def fields(self) -> dict[str, Any]:
        """What a finished part stores of it."""
        return {
            "rows": self.rows,
            "counts": [count.to_json() for count in self.counts],
            "preview": self.preview,
            "result_path": self.result_path,
            "reply": self.reply,
            "files": self.files,
            "error": "",
        }
