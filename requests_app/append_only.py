"""The one way past the events' append-only rule: the retention purge (docs/RULES.md section 5).

On PostgreSQL a trigger refuses every UPDATE and DELETE of a request's events (migration
0012; other apps attach the same trigger function to their own event tables) unless the
transaction has set `privacyportal.retention_purge`. Only `retention_purge()` sets it, for
the statements inside its block, and the purge records what it did as an event of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

SETTING = "privacyportal.retention_purge"


def _set(value: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # is_local: the setting ends with the transaction, whatever happens.
            cursor.execute("SELECT set_config(%s, %s, true)", [SETTING, value])


@contextmanager
def retention_purge() -> Iterator[None]:
    """Let the statements inside change recorded events; only inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("retention_purge() needs a transaction (transaction.atomic).")
    _set("on")
    try:
        yield
    finally:
        _set("")
