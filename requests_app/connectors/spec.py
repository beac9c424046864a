"""The data map's parts as plain values: what a connector is told about a system.

`DataSystem` keeps a system's tables as JSON in the same shape as the YAML file
(docs/CONNECTORS.md); `Table.from_json` reads that shape back. Nothing here touches a
database: `datamap.py` validates a file, `database.py` runs the queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DELETE, MASK, NULL, KEEP = "delete", "mask", "null", "keep"
ERASE_ACTIONS = (DELETE, MASK, NULL, KEEP)


@dataclass(frozen=True)
class Via:
    """Rows reached through a key: `column` of this table equals `key` of `table`'s rows."""

    column: str
    table: str
    key: str

    @classmethod
    def parse(cls, text: str) -> Via:
        """`customer_id -> customers.id`; ValueError when it is not that shape."""
        column, arrow, target = (part.strip() for part in text.partition("->"))
        table, dot, key = (part.strip() for part in target.rpartition("."))
        if not (arrow and dot and column and table and key):
            raise ValueError(f"{text!r} is not 'column -> table.column'")
        return cls(column, table, key)

    def __str__(self) -> str:
        return f"{self.column} -> {self.table}.{self.key}"


@dataclass(frozen=True)
class Erase:
    """What erasure does to a table's rows: delete them, mask or null columns, or keep them."""

    action: str
    columns: tuple[str, ...] = ()
    reason: str = ""

    @classmethod
    def from_json(cls, value: Any) -> Erase:
        if value in (DELETE, KEEP) and isinstance(value, str):
            return cls(value)
        ((action, argument),) = value.items()
        if action == KEEP:
            return cls(KEEP, reason=str(argument))
        return cls(action, columns=tuple(argument))

    def to_json(self) -> Any:
        if self.action == DELETE:
            return DELETE
        if self.action == KEEP:
            return {KEEP: self.reason} if self.reason else KEEP
        return {self.action: list(self.columns)}


@dataclass(frozen=True)
class Table:
    """One table of a database system, found by identity column or through another table."""

    name: str
    erase: Erase
    identity: str | None = None
    via: Via | None = None

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Table:
        via = value.get("via")
        return cls(
            name=value["name"],
            identity=value.get("identity"),
            via=Via.parse(via) if via else None,
            erase=Erase.from_json(value.get("erase", KEEP)),
        )

    def to_json(self) -> dict[str, Any]:
        found = {"identity": self.identity} if self.identity else {"via": str(self.via)}
        return {"name": self.name, **found, "erase": self.erase.to_json()}
