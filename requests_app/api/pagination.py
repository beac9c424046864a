"""Keyset pagination of the request list: a page starts right after the last row of the one
before, found through the index on (due_on, id) or (received_at, id), so that a page deep in a
million rows costs what the first does. No page number, no OFFSET, no count; a row filed
while a client pages through shows up or not, but no row is skipped or shown twice."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.models import F, Func, QuerySet, Value
from django.db.models.lookups import GreaterThan, LessThan

# The orders a client may ask for: the column, and how a cursor's value of it is read back.
KEYS = {"due_on": date.fromisoformat, "received_at": datetime.fromisoformat}
ORDERINGS = [*KEYS, *(f"-{key}" for key in KEYS)]
DEFAULT_ORDERING = "due_on"


class Row(Func):
    """A row value, `(a, b)`, compared as a whole: `(due_on, id) > (%s, %s)` lets the index
    on (due_on, id) start the scan at the cursor."""

    function = ""
    output_field = models.Field()


@dataclass(frozen=True)
class Cursor:
    """A position in one order: the key and id of a row, and whether the page ends before it
    (a "previous" link) or starts after it."""

    ordering: str
    key: date | datetime
    pk: int
    before: bool = False

    def encode(self) -> str:
        raw = json.dumps([self.ordering, self.key.isoformat(), self.pk, self.before])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """The cursor of `text`; ValueError if it is not one of ours."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            ordering, key, pk, before = json.loads(raw)
            if ordering not in ORDERINGS or not isinstance(key, str):
                raise ValueError(ordering)
            if type(pk) is not int or not 0 < pk < 2**63 or type(before) is not bool:
                raise ValueError(pk)
            value = KEYS[ordering.lstrip("-")](key)
        except (binascii.Error, TypeError, UnicodeDecodeError) as error:
            raise ValueError(text) from error
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError(key)
        return cls(ordering, value, pk, before)

    @classmethod
    def at(cls, ordering: str, row: models.Model, *, before: bool = False) -> Cursor:
        return cls(ordering, getattr(row, ordering.lstrip("-")), row.pk, before)


@dataclass
class Page:
    rows: list[Any]
    next: Cursor | None
    previous: Cursor | None


def page(queryset: QuerySet, ordering: str, cursor: Cursor | None, size: int) -> Page:
    """The `size` rows of `queryset` in `ordering` that follow `cursor` (or precede it, for a
    "previous" cursor), with the cursors of the pages after and before."""
    key = ordering.lstrip("-")
    backwards = cursor is not None and cursor.before
    # A "previous" page reads the order in reverse from its cursor, then turns the rows round.
    ascending = ordering.startswith("-") == backwards
    selected = queryset
    if cursor is not None:
        position = Row(F(key), F("pk"))
        start = Row(Value(cursor.key), Value(cursor.pk))
        selected = queryset.filter((GreaterThan if ascending else LessThan)(position, start))
    order = [key, "pk"] if ascending else [f"-{key}", "-pk"]
    rows = list(selected.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        if not more:
            # Back at the start: the first page, full, as a client that began there saw it.
            return page(queryset, ordering, None, size)
        rows.reverse()
        return Page(
            rows,
            next=Cursor.at(ordering, rows[-1]),
            previous=Cursor.at(ordering, rows[0], before=True),
        )
    return Page(
        rows,
        next=Cursor.at(ordering, rows[-1]) if more else None,
        previous=Cursor.at(ordering, rows[0], before=True) if cursor and rows else None,
    )
