"""Connecting to a system's database: one connection, in one transaction, with a time limit
on every statement, and whatever goes wrong told as one line for the officer.

The time limit, per dialect (`timeout` seconds for each statement, not for the whole run):
- PostgreSQL: `statement_timeout`, set for the transaction only (SET LOCAL).
- MariaDB: `max_statement_time` for the session, which covers every statement. MySQL's
  `max_execution_time` covers only SELECTs; an UPDATE or DELETE there is bounded only by
  `innodb_lock_wait_timeout` (also set), not by its own running time.
- SQLite: a progress handler that interrupts a statement past its deadline; the clock
  restarts with each statement and each batch of rows read.
Connecting itself gives up after `timeout` seconds too (at least one; libpq: two).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from django.utils.translation import gettext
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.pool import NullPool

from requests_app.connectors.base import ConnectorError

# A URL without a driver gets the one the portal installs (SQLAlchemy's own defaults,
# psycopg2 and mysqlclient, are not).
DEFAULT_DRIVERS = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
}
CONNECT_TIMEOUT_ARGUMENT = {
    "psycopg": "connect_timeout",
    "psycopg2": "connect_timeout",
    "pymysql": "connect_timeout",
    "mysqldb": "connect_timeout",
    "pysqlite": "timeout",  # how long to wait for another writer's lock
}
PG_QUERY_CANCELED = "57014"  # statement_timeout
# MariaDB max_statement_time, MySQL max_execution_time, InnoDB lock wait timeout.
MYSQL_TIMEOUTS = {1969, 3024, 1205}


class Run:
    """A connection in its transaction, and where it is, for an error message."""

    def __init__(self, connection: sa.Connection, timeout: float, password: str) -> None:
        self.connection = connection
        self.timeout = timeout
        self.password = password
        self.dialect = connection.dialect
        self.table = ""  # the table at work, named in an error
        self.deadline = math.inf
        self.expired = False

    def limit_statements(self) -> None:
        """Each statement may take `timeout` seconds; a statement that takes longer fails."""
        milliseconds = max(1, round(self.timeout * 1000))
        if self.dialect.name == "postgresql":
            setting = sa.func.set_config("statement_timeout", str(milliseconds), True)
            self.connection.execute(sa.select(setting))  # SET LOCAL: this transaction only
        elif self.dialect.name in ("mysql", "mariadb"):
            if self.dialect.is_mariadb:
                self.connection.exec_driver_sql(f"SET SESSION max_statement_time = {self.timeout}")
            else:  # MySQL limits only SELECTs; the lock wait below bounds the rest
                self.connection.exec_driver_sql(f"SET SESSION max_execution_time = {milliseconds}")
            lock_wait = max(1, math.ceil(self.timeout))
            self.connection.exec_driver_sql(f"SET SESSION innodb_lock_wait_timeout = {lock_wait}")
        elif self.dialect.name == "sqlite":
            sqlite = self.connection.connection.driver_connection
            sqlite.set_progress_handler(self._past_deadline, 1000)

    def _past_deadline(self) -> int:
        """SQLite's progress handler: a true value interrupts the statement."""
        self.expired = time.monotonic() > self.deadline
        return int(self.expired)

    def restart_clock(self) -> None:
        self.deadline = time.monotonic() + self.timeout

    def execute(self, statement: sa.Executable, **options: Any) -> sa.CursorResult[Any]:
        self.restart_clock()
        return self.connection.execute(statement, execution_options=options)

    def failure(self, error: DBAPIError) -> ConnectorError:
        values = {
            "table": self.table,
            "seconds": f"{self.timeout:g}",
            "reason": _reason(error, self.password),
        }
        retry = False
        if self.expired or _is_timeout(error):
            message = gettext("The database timed out after %(seconds)s s on table %(table)s.")
            retry = True
        elif isinstance(error, IntegrityError):
            message = gettext(
                "The database refused the erasure in table %(table)s, so nothing was changed:"
                " %(reason)s"
            )
        elif self.table:
            message = gettext("The database failed on table %(table)s: %(reason)s")
            retry = isinstance(error, OperationalError)  # the connection lost, the server away
        else:
            message = gettext("The database failed: %(reason)s")
            retry = isinstance(error, OperationalError)
        return ConnectorError(message % values, retry=retry)


@contextmanager
def connected(url: str, timeout: float, *, commit: bool, read_only: bool) -> Iterator[Run]:
    """A connection to the database at `url`, in one transaction, committed only if `commit`."""
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    parsed = _parse(url)
    engine = _engine(parsed, timeout)
    try:
        try:
            connection = engine.connect()
        except DBAPIError as error:
            message = gettext("Cannot connect to the database %(where)s: %(reason)s")
            values = {"where": _where(parsed), "reason": _reason(error, parsed.password)}
            raise ConnectorError(message % values, retry=True) from error
        with connection:
            if read_only and connection.dialect.name == "postgresql":
                # One snapshot for all the tables, and no way to write by mistake.
                connection.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
            run = Run(connection, timeout, parsed.password or "")
            try:
                with connection.begin() as transaction:
                    run.limit_statements()
                    yield run
                    if not commit:
                        transaction.rollback()
            except DBAPIError as error:
                raise run.failure(error) from error
    finally:
        engine.dispose()


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # Not chained: SQLAlchemy's message repeats the URL, password and all.
        raise ConnectorError(gettext("The database URL cannot be read.")) from None
    parsed = parsed.set(drivername=DEFAULT_DRIVERS.get(parsed.drivername, parsed.drivername))
    database = parsed.database or ""
    if parsed.drivername.startswith("sqlite") and database not in ("", ":memory:"):
        # SQLite would quietly create an empty file where the system's file is missing.
        if not database.startswith("file:") and not Path(database).is_file():
            message = gettext("The SQLite database file %(path)s does not exist.")
            raise ConnectorError(message % {"path": database})
    return parsed


def _engine(url: URL, timeout: float) -> sa.Engine:
    argument = CONNECT_TIMEOUT_ARGUMENT.get(url.get_driver_name())
    connect_args = {argument: max(1, math.ceil(timeout))} if argument else {}
    try:
        return sa.create_engine(
            url,
            poolclass=NullPool,
            hide_parameters=True,  # the requester's e-mail stays out of error messages and logs
            connect_args=connect_args,
        )
    except (NoSuchModuleError, ImportError) as error:
        message = gettext("No database driver for %(driver)s is installed.")
        raise ConnectorError(message % {"driver": url.drivername}) from error


def _where(url: URL) -> str:
    """The URL with its password hidden and without its query (which may hold other secrets)."""
    return url.set(query={}).render_as_string(hide_password=True)


def _reason(error: DBAPIError, password: str) -> str:
    """The first line of the driver's own message (its details may quote personal data)."""
    arguments = getattr(error.orig, "args", ())
    if len(arguments) == 2 and isinstance(arguments[0], int):  # PyMySQL: (code, message)
        text = str(arguments[1])
    else:
        text = str(error.orig)
    line = text.strip().splitlines()[0] if text.strip() else type(error.orig).__name__
    return line.replace(password, "***") if password else line


def _is_timeout(error: DBAPIError) -> bool:
    if getattr(error.orig, "sqlstate", None) == PG_QUERY_CANCELED:
        return True
    arguments = getattr(error.orig, "args", ())
    return bool(arguments) and arguments[0] in MYSQL_TIMEOUTS
