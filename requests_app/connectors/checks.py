"""Does a system's database have what the data map says? Tables and columns, by reflection.

`check_database` reads the database's schema with SQLAlchemy (nothing is queried or written)
and returns every problem as a sentence naming the table or column. `check_system` does that
for a database system of the register, and says when a variable a connector needs is unset.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import sqlalchemy
from django.utils.translation import gettext
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from requests_app.connectors import spec
from requests_app.models import DataSystem, VariableNotSet


def check_database(url: str, tables: Sequence[spec.Table]) -> list[str]:
    """Every table and column of `tables` the database at `url` lacks; [] when all are there."""
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return [gettext("the database URL cannot be read")]
    missing = missing_sqlite_file(url)
    if missing:
        return [unreachable(shown, missing)]
    try:
        columns = reflect(url, {table.name for table in tables})
    except (SQLAlchemyError, ImportError) as error:
        return [unreachable(shown, reason(error, url))]
    return problems(tables, columns)


def check_system(system: DataSystem) -> list[str]:
    """What keeps `system` from running as the register says; [] when nothing does."""
    if system.connector == DataSystem.Connector.DATABASE:
        try:
            url = system.database_url()
        except VariableNotSet as error:
            return [str(error)]
        return check_database(url, system.table_specs)
    if system.connector == DataSystem.Connector.WEBHOOK and not system.secret_is_set:
        return [str(VariableNotSet(system.secret_env))]
    return []


def reflect(url: str, names: set[str]) -> dict[str, set[str]]:
    """The columns of each of `names` that exists (`schema.table` for another schema)."""
    engine = sqlalchemy.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            inspector = sqlalchemy.inspect(connection)
            found: dict[str, set[str]] = {}
            for name in sorted(names):
                schema, _dot, table = name.rpartition(".")
                if inspector.has_table(table, schema=schema or None):
                    columns = inspector.get_columns(table, schema=schema or None)
                    found[name] = {column["name"] for column in columns}
            return found
    finally:
        engine.dispose()


def problems(tables: Sequence[spec.Table], columns: dict[str, set[str]]) -> list[str]:
    found: list[str] = []
    for table in tables:
        if table.name not in columns:
            found.append(gettext("table %(table)s does not exist") % {"table": table.name})
            continue
        for column, role in needed_columns(table):
            if column not in columns[table.name]:
                found.append(no_column(table.name, column, role))
        via = table.via
        if via is not None and via.table in columns and via.key not in columns[via.table]:
            role = gettext("named by the via of %(table)s") % {"table": table.name}
            found.append(no_column(via.table, via.key, role))
    return found


def needed_columns(table: spec.Table) -> list[tuple[str, str]]:
    """The columns of its own the map names for `table`, each with what it is for."""
    needed = []
    if table.identity:
        needed.append((table.identity, "identity"))
    if table.via is not None:
        needed.append((table.via.column, "via"))
    needed += [(column, table.erase.action) for column in table.erase.columns]
    return needed


def no_column(table: str, column: str, role: str) -> str:
    return gettext("table %(table)s has no column %(column)s (%(role)s)") % {
        "table": table,
        "column": column,
        "role": role,
    }


def unreachable(shown: str, why: str) -> str:
    return gettext("cannot reach the database %(url)s: %(reason)s") % {"url": shown, "reason": why}


def missing_sqlite_file(url: str) -> str:
    """Connecting would create an SQLite file that is not there: say so instead."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return ""
    if database.startswith("file:") or Path(database).exists():
        return ""
    return gettext("there is no file %(path)s") % {"path": database}


def reason(error: Exception, url: str) -> str:
    """The driver's first line about the failure, without the password should it appear."""
    original = getattr(error, "orig", None) or error
    text = (str(original).strip().splitlines() or [type(original).__name__])[0]
    password = make_url(url).password
    return text.replace(str(password), "***") if password else text
