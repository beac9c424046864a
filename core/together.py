"""Rows that belong together, written by one PostgreSQL statement of data-modifying CTEs.

Each part is an unsaved model instance written by `INSERT … SELECT … FROM <source>`: its
columns and values come from the model's own fields (`pre_save` and `get_db_prep_save`, as
`Model.save` takes them), except the columns the caller takes from an earlier part (a
foreign key to the row just inserted) or computes in SQL. One round trip writes all of
them; in autocommit it is also its own transaction. The statement's text is built once per
shape; a value every row of a kind writes alike (NULL, FALSE, 0, '') stands in it as a
constant rather than a parameter. The values travel apart from the text, which PostgreSQL
parses and plans once per connection: a prepared statement.

Only the fields are written: a model's `save()` and its signals do not run, so the caller
does what they would (see `PrivacyRequest.derive_email_key`).

(Measured against the alternatives in docs/BENCHMARKS.md: prepared, a filing's statement
costs PostgreSQL a third of what the same text with its values quoted in it does; values as
one JSON parameter per row, read by `jsonb_populate_record`, save Python half of its work
and cost PostgreSQL twice as much.)
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.db.backends.utils import CursorWrapper


@dataclass
class Part:
    """One CTE: `alias AS (INSERT INTO <instance's table> … SELECT … FROM source RETURNING …)`.

    `linked` maps a column to an SQL expression of an earlier part (`"new_request.id"`);
    `computed` maps a column to an SQL expression with its parameters. `source` is the FROM
    clause (with any WHERE) and `returning` the columns the later parts or the caller read.
    A part that writes one row gives its instance the new primary key; one that may write
    any number (`one_row=False`, an INSERT from a query) returns the list of its keys.
    """

    alias: str
    instance: models.Model
    one_row: bool = True
    source: str = ""
    source_params: Sequence[Any] = ()
    linked: dict[str, str] = field(default_factory=dict)
    computed: dict[str, tuple[str, Sequence[Any]]] = field(default_factory=dict)
    returning: tuple[str, ...] = ("id",)

    def sql(self) -> tuple[str, list[Any]]:
        fields = _parameter_fields(type(self.instance), tuple(self.linked))
        params: list[Any] = []
        constants: list[tuple[str, str]] = []
        for model_field in fields:
            if model_field.column in self.computed:
                params.extend(self.computed[model_field.column][1])
                continue
            value = model_field.get_db_prep_save(
                model_field.pre_save(self.instance, True), connection
            )
            literal = _literal(value)
            if literal is None:
                params.append(value)
            else:
                constants.append((model_field.column, literal))
        text = _template(
            type(self.instance),
            self.alias,
            self.source,
            tuple(self.linked.items()),
            tuple((column, expression) for column, (expression, _p) in self.computed.items()),
            tuple(constants),
            self.returning,
        )
        return text, [*params, *self.source_params]


def _literal(value: Any) -> str | None:
    """A value every filing writes the same (no date, no reference, nothing the requester
    typed) as an SQL constant, or None for a parameter. Fewer parameters keep the statement
    within psycopg's cache of converted queries (50 parameters), and each one is a value
    converted in Python for every filing."""
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "TRUE" if value else "FALSE"
    if type(value) is int and value == 0:
        return "0"
    if type(value) is str and value == "":
        return "''"
    return None


@functools.cache
def _parameter_fields(model: type[models.Model], linked: tuple[str, ...]) -> list[models.Field]:
    """The fields whose values the statement takes (all but the key and the linked ones)."""
    return [
        model_field
        for model_field in model._meta.concrete_fields
        if not model_field.primary_key and model_field.column not in linked
    ]


@functools.cache
def _template(
    model: type[models.Model],
    alias: str,
    source: str,
    linked: tuple[tuple[str, str], ...],
    computed: tuple[tuple[str, str], ...],
    constants: tuple[tuple[str, str], ...],
    returning: tuple[str, ...],
) -> str:
    """The CTE's text, built once per shape: a column's value is a parameter (`%s`), an
    earlier part's column, an SQL expression, or a constant."""
    quote = connection.ops.quote_name
    given = {**dict(constants), **dict(computed), **dict(linked)}
    columns, values = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key:
            continue
        columns.append(quote(model_field.column))
        values.append(given.get(model_field.column, "%s"))
    from_clause = f" FROM {source}" if source else ""
    return (
        f"{alias} AS (INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)}{from_clause} RETURNING {', '.join(returning)})"
    )


def write(
    prelude: Sequence[tuple[str, Sequence[Any]]],
    parts: Sequence[Part],
    *,
    extra: Sequence[str] = (),
) -> list[Any]:
    """Write the parts, after the CTEs of `prelude`, in one statement.

    Each one-row part's instance gets its primary key and counts as saved from then on.
    Returns, in order, the keys of each part that writes any number of rows, then the values
    of the SQL expressions `extra` (over the one-row parts' aliases).
    """
    ctes, params = [], []
    for text, cte_params in prelude:
        ctes.append(text)
        params.extend(cte_params)
    for part in parts:
        text, part_params = part.sql()
        ctes.append(text)
        params.extend(part_params)
    single = [part for part in parts if part.one_row]
    many = [part for part in parts if not part.one_row]
    columns = [f"{part.alias}.id" for part in single]
    columns += [f"ARRAY(SELECT id FROM {part.alias} ORDER BY id)" for part in many]  # noqa: S608
    columns += list(extra)
    sql = (
        f"WITH {', '.join(ctes)} SELECT {', '.join(columns)} "  # noqa: S608
        f"FROM {', '.join(part.alias for part in single)}"
    )
    with cursor_binding_on_server() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    for part, pk in zip(single, row, strict=False):
        part.instance.pk = pk
        part.instance._state.adding = False
        part.instance._state.db = connection.alias
    return list(row[len(single) :])


@contextmanager
def cursor_binding_on_server() -> Iterator[CursorWrapper]:
    """Django's cursor (its errors, its query log and execute wrappers) over a psycopg cursor
    that sends the values apart from the text. The text is the same for every row of a shape,
    so psycopg prepares it once per connection (settings: `DATABASE_PREPARED_STATEMENTS`)
    and PostgreSQL parses and plans it once, not for every filing."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
    make = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with make(raw) as cursor:
        yield cursor
