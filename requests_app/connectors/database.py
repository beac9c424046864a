"""The database connector: reads and erases a requester's rows with SQLAlchemy Core.

A system's tables come from the data map (`spec.Table`). A table is found by its identity
column, matched to the e-mail address whatever its case, or through a key to another table
of the same list (`orders.customer_id -> customers.id`), as deep as the chain goes:
`child.column IN (SELECT parent.key FROM parent WHERE <parent's own condition>)`.

Every call opens one connection (NullPool: a worker holds none between runs), works in one
transaction, limits every statement to `timeout` seconds and closes the connection
(`dbconnection.py`, which also says how the limit works per dialect). What goes wrong comes
out as a ConnectorError: one line for the officer, without the password.

The index an organisation should have on each identity column, so that finding a requester
reads an index instead of the whole table:
- PostgreSQL: an index on lower(column): `CREATE INDEX ON customers (lower(email))`. A
  citext column is compared as it is, and a plain index on it serves.
- MariaDB/MySQL: a case-insensitive collation (`..._ci`, the default) and a plain index on
  the column, which is then compared as it is. A case-sensitive or binary column is
  compared through lower(), which only a functional index (MySQL 8.0.13+) serves.
- SQLite: an index on the expression: `CREATE INDEX customers_email ON customers (lower(email))`.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as time_of_day
from typing import Any

import sqlalchemy as sa
from django.utils.translation import gettext
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.exc import NoSuchTableError

from requests_app.connectors.base import ConnectorError, TableCount
from requests_app.connectors.dbconnection import Run, connected
from requests_app.connectors.spec import DELETE, KEEP, MASK, NULL, Table

__all__ = ["ConnectorError", "TableCount", "collect", "erase"]

PLACEHOLDER = "erased"
BATCH = 500  # rows fetched at a time from a server-side cursor


@dataclass(frozen=True)
class _Found:
    """A listed table, reflected, with the condition that selects the requester's rows."""

    spec: Table
    table: sa.Table
    where: sa.ColumnElement[bool]
    depth: int  # 0 for an identity table, one more than its parent for a table reached via


def collect(
    url: str,
    tables: Sequence[Table],
    email: str,
    *,
    row_limit: int,
    timeout: float,
    write_row: Callable[[str, dict[str, Any]], None],
) -> list[TableCount]:
    """Read every row the requester's e-mail reaches, table by table, streaming: each row is
    handed to write_row(table_name, row_as_json_safe_dict) as it is fetched. At most row_limit
    rows per table; TableCount.limited says the limit was hit. Values are made JSON-safe:
    dates and times ISO 8601, Decimal and UUID as str, bytes as base64."""
    if row_limit < 0:
        raise ValueError("row_limit must not be negative")
    with connected(url, timeout, commit=False, read_only=True) as run:
        return [_read(run, found, row_limit, write_row) for found in _find(run, tables, email)]


def erase(
    url: str, tables: Sequence[Table], email: str, *, dry_run: bool, timeout: float
) -> list[TableCount]:
    """Erase the requester's rows as each table's action says, in one transaction: all or
    nothing. Tables reached via others go before the tables they point to, so the via
    subqueries still find their rows. Rows already erased are not found again: a second run
    changes nothing. A dry run counts what would change and changes nothing. The counts come
    in the order of `tables`; a kept table is counted with its reason."""
    with connected(url, timeout, commit=not dry_run, read_only=False) as run:
        found = _find(run, tables, email)
        for item in found:
            _check_erasable(item)
        counts = {}
        for item in sorted(found, key=lambda item: -item.depth):
            counts[item.spec.name] = _erase_rows(run, item, dry_run)
    return [counts[item.spec.name] for item in found]


def _find(run: Run, tables: Sequence[Table], email: str) -> list[_Found]:
    """Reflect the listed tables and build each one's condition, in the order listed;
    ConnectorError names the table or column that is missing or wrong."""
    specs: dict[str, Table] = {}
    for spec in tables:
        if spec.name in specs:
            message = gettext("Table %(table)s is listed twice.")
            raise ConnectorError(message % {"table": spec.name})
        specs[spec.name] = spec
    depths = _depths(specs)
    metadata = sa.MetaData()
    reflected = {name: _reflect(run, metadata, name) for name in specs}
    where: dict[str, sa.ColumnElement[bool]] = {}
    for name in sorted(specs, key=depths.__getitem__):  # parents before the tables reached via them
        spec, table = specs[name], reflected[name]
        run.table = name
        if spec.identity:
            where[name] = _matches(run, table, _column(table, spec.identity), email)
        else:
            via = spec.via  # _depths made sure there is one
            keys = sa.select(_column(reflected[via.table], via.key)).where(where[via.table])
            where[name] = _column(table, via.column).in_(keys)
    return [_Found(specs[name], reflected[name], where[name], depths[name]) for name in specs]


def _depths(specs: dict[str, Table]) -> dict[str, int]:
    """How many via steps lead from each table to a table with an identity column."""
    depths = {}
    for name in specs:
        chain = [name]
        while not specs[chain[-1]].identity:
            via = specs[chain[-1]].via
            if via is None:
                message = gettext("Table %(table)s has neither an identity column nor a via key.")
                raise ConnectorError(message % {"table": chain[-1]})
            if via.table not in specs:
                message = gettext(
                    "Table %(table)s is reached via %(parent)s, which is not one of this"
                    " system's tables."
                )
                raise ConnectorError(message % {"table": chain[-1], "parent": via.table})
            if via.table in chain:
                message = gettext("Tables %(tables)s reach each other in a circle.")
                raise ConnectorError(message % {"tables": " -> ".join([*chain, via.table])})
            chain.append(via.table)
        depths[name] = len(chain) - 1
    return depths


def _reflect(run: Run, metadata: sa.MetaData, name: str) -> sa.Table:
    """The table's columns and primary key, and nothing else (nor any other table)."""
    run.table = name
    run.restart_clock()
    schema, _, table_name = name.rpartition(".")
    inspector = sa.inspect(run.connection)
    try:
        columns = inspector.get_columns(table_name, schema or None)
    except NoSuchTableError:
        message = gettext("Table %(table)s does not exist in the database.")
        raise ConnectorError(message % {"table": name}) from None
    key = inspector.get_pk_constraint(table_name, schema or None)["constrained_columns"]
    return sa.Table(
        table_name,
        metadata,
        *(
            sa.Column(
                column["name"],
                column["type"],
                nullable=column["nullable"],
                primary_key=column["name"] in key,
            )
            for column in columns
        ),
        schema=schema or None,
    )


def _column(table: sa.Table, name: str) -> sa.Column[Any]:
    column = table.c.get(name)
    if column is None:
        message = gettext("Column %(column)s does not exist in table %(table)s.")
        raise ConnectorError(message % {"column": name, "table": table.fullname})
    return column


def _compares_case_insensitively(run: Run, table: sa.Table, column: sa.Column[Any]) -> bool:
    """True when the column's own comparison ignores case, so an index on it serves."""
    if isinstance(column.type, postgresql.CITEXT):
        return True
    if run.dialect.name not in ("mysql", "mariadb"):
        return False
    query = sa.text(
        "SELECT collation_name FROM information_schema.columns"
        " WHERE table_schema = COALESCE(:schema, DATABASE())"
        " AND table_name = :table AND column_name = :column"
    ).bindparams(schema=table.schema, table=table.name, column=column.name)
    collation = run.execute(query).scalar()
    return bool(collation) and collation.lower().endswith("_ci")


def _matches(
    run: Run, table: sa.Table, column: sa.Column[Any], email: str
) -> sa.ColumnElement[bool]:
    """The identity condition, written so that the index the module's docstring asks for
    serves it: the column itself where its comparison ignores case, lower(column) elsewhere."""
    if _compares_case_insensitively(run, table, column):
        return column == email
    return sa.func.lower(column) == email.lower()


def _read(
    run: Run, found: _Found, row_limit: int, write_row: Callable[[str, dict[str, Any]], None]
) -> TableCount:
    name = found.spec.name
    run.table = name
    statement = (
        sa.select(found.table)
        .where(found.where)
        .order_by(*found.table.primary_key.columns)
        .limit(row_limit + 1)  # one more than the limit tells whether there are more
    )
    rows = 0
    # yield_per: a server-side cursor on PostgreSQL and MariaDB, BATCH rows at a time.
    with run.execute(statement, yield_per=BATCH) as result:
        for batch in result.partitions():
            run.restart_clock()  # the time limit is for the database's work, not write_row's
            for row in batch:
                if rows == row_limit:
                    return TableCount(name, rows, limited=True)
                write_row(name, {key: _json_safe(value) for key, value in row._mapping.items()})
                rows += 1
    return TableCount(name, rows)


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime | date | time_of_day):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(item) for item in value]
    return str(value)  # Decimal, UUID, timedelta (MySQL's TIME), and whatever else


def _check_erasable(found: _Found) -> None:
    """Refuse, before anything changes, what the database would refuse or what would erase
    nothing."""
    erase, name = found.spec.erase, found.spec.name
    if erase.action not in (DELETE, MASK, NULL, KEEP):
        message = gettext("Table %(table)s has an unknown erase action %(action)s.")
        raise ConnectorError(message % {"table": name, "action": erase.action})
    if erase.action in (MASK, NULL) and not erase.columns:
        message = gettext("Table %(table)s names no column to %(action)s.")
        raise ConnectorError(message % {"table": name, "action": erase.action})
    for column_name in erase.columns:
        column = _column(found.table, column_name)
        values = {"table": name, "column": column_name}
        if erase.action == MASK and not _is_text(column):
            message = gettext("Column %(table)s.%(column)s is not text, so it cannot be masked.")
            raise ConnectorError(message % values)
        if erase.action == NULL and not column.nullable:
            message = gettext("Column %(table)s.%(column)s is NOT NULL, so it cannot be nulled.")
            raise ConnectorError(message % values)


def _is_text(column: sa.Column[Any]) -> bool:
    return isinstance(column.type, sa.String) and not isinstance(column.type, sa.Enum | mysql.SET)


def _erase_rows(run: Run, found: _Found, dry_run: bool) -> TableCount:
    """Erase (or, in a dry run, count) the rows still to erase; those already masked or nulled
    are left out, so a second run finds nothing."""
    erase, table = found.spec.erase, found.table
    run.table = found.spec.name
    columns = [table.c[name] for name in erase.columns]
    where, values = found.where, {}
    if erase.action == MASK:
        masks = {column: sa.literal(_mask(column), column.type) for column in columns}
        # A NULL has nothing to mask and stays NULL.
        values = {
            column: sa.case((column.is_(None), sa.null()), else_=masks[column])
            for column in columns
        }
        unmasked = [sa.and_(column.is_not(None), column != masks[column]) for column in columns]
        where = sa.and_(where, sa.or_(*unmasked))
    elif erase.action == NULL:
        values = {column: None for column in columns}
        where = sa.and_(where, sa.or_(*(column.is_not(None) for column in columns)))
    if dry_run or erase.action == KEEP:
        rows = run.execute(sa.select(sa.func.count()).select_from(table).where(where)).scalar_one()
    elif erase.action == DELETE:
        rows = run.execute(sa.delete(table).where(where)).rowcount
    else:
        rows = run.execute(sa.update(table).where(where).values(values)).rowcount
    return TableCount(found.spec.name, rows, action=erase.action, reason=erase.reason)


def _mask(column: sa.Column[Any]) -> str:
    length = getattr(column.type, "length", None)
    return PLACEHOLDER[:length] if length else PLACEHOLDER
