"""The database connector reads and erases a requester's rows, in SQLite, PostgreSQL and
MariaDB alike (the databases: conftest.py; the shop: shop.py)."""

from __future__ import annotations

import base64
import json
import time
import uuid
from decimal import Decimal

import psycopg
import pymysql.cursors
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from requests_app.connectors.database import ConnectorError, TableCount
from requests_app.connectors.spec import KEEP, Erase, Table
from tests.requests_app.connectors.shop import (
    ERASED_ONCE,
    KEPT,
    PHOTO,
    SHOP,
    TOKEN,
    Database,
    collected,
    erased,
    fill_shop,
    shop_schema,
)


def test_collect_finds_the_requester_by_email_in_any_case_and_through_keys(shop):
    counts, rows = collected(shop, email="ADA.lovelace@EXAMPLE.org")

    assert counts == [
        TableCount("customers", 1),
        TableCount("orders", 2),
        TableCount("invoices", 1),
        TableCount("newsletter", 1),
    ]
    assert {table: [row["id"] for row in found] for table, found in rows.items()} == {
        "customers": [1],
        "orders": [10, 11],
        "invoices": [20],
        "newsletter": [30],
    }


def test_collect_hands_over_json_safe_values(shop):
    _, rows = collected(shop)

    customer, order = rows["customers"][0], rows["orders"][0]
    assert json.loads(json.dumps(rows)) == rows
    assert customer["created_on"] == "2024-01-02"
    assert base64.b64decode(customer["photo"]) == PHOTO
    assert uuid.UUID(customer["token"]) == TOKEN
    assert order["total"] == "12.50"
    assert order["ordered_at"] == "2024-03-04T05:06:07"


def test_collect_stops_at_the_row_limit_and_says_there_are_more(shop):
    counts, rows = collected(shop, row_limit=1)

    assert counts[:2] == [TableCount("customers", 1), TableCount("orders", 1, limited=True)]
    assert [row["id"] for row in rows["orders"]] == [10]


def test_collect_hands_every_row_to_write_row_in_key_order(shop):
    many = [dict(id=1000 + n, customer_id=1, total=Decimal(n)) for n in range(1200)]
    with shop.engine.begin() as connection:
        connection.execute(shop_schema(enforced_keys=False).tables["orders"].insert(), many)

    counts, rows = collected(shop, row_limit=5000)

    assert counts[1] == TableCount("orders", 1202)
    assert [row["id"] for row in rows["orders"]] == [10, 11, *range(1000, 2200)]


@pytest.mark.parametrize("database", ["postgresql", "mariadb"], indirect=True)
def test_collect_reads_through_a_server_side_cursor_so_rows_never_pile_up(shop):
    server_side = {"postgresql": psycopg.ServerCursor, "mariadb": pymysql.cursors.SSCursor}
    cursors = []

    def note(connection, cursor, statement, *arguments):
        if statement.startswith("SELECT orders."):
            cursors.append(cursor)

    event.listen(sa.Engine, "before_cursor_execute", note)
    try:
        collected(shop)
    finally:
        event.remove(sa.Engine, "before_cursor_execute", note)

    assert [type(cursor) for cursor in cursors] == [server_side[shop.kind]]


def test_a_dry_run_counts_what_erasure_would_touch_and_changes_nothing(shop):
    before = shop.everything()

    assert erased(shop, dry_run=True) == ERASED_ONCE
    assert shop.everything() == before


def test_erasure_deletes_masks_nulls_and_keeps(shop):
    before = shop.everything()

    assert erased(shop) == ERASED_ONCE

    after = shop.everything()
    assert [customer["id"] for customer in after["customers"]] == [2]
    masked = [(o["shipping_address"], o["phone"], o["country"]) for o in after["orders"]]
    assert masked == [
        ("erased", "erased", "er"),
        (None, "erased", "er"),
        ("1 Bob Street", "+1 2", "US"),
    ]
    assert after["invoices"] == before["invoices"]
    assert [row["email"] for row in after["newsletter"]] == [None, "carol@example.org"]


def test_a_second_erasure_changes_nothing(shop):
    erased(shop)
    after_first = shop.everything()

    assert [count.rows for count in erased(shop)] == [0, 0, 0, 0]
    assert shop.everything() == after_first


def test_masked_and_nulled_rows_are_not_changed_again_while_their_parent_is_kept(shop):
    tables = [Table("customers", Erase(KEEP, reason=KEPT), identity="email"), *SHOP[1:]]
    erased(shop, tables)

    again = erased(shop, tables)

    assert [(count.table, count.rows) for count in again] == [
        ("customers", 1),
        ("orders", 0),
        ("invoices", 1),
        ("newsletter", 0),
    ]


@pytest.mark.parametrize("database", ["postgresql", "mariadb"], indirect=True)
def test_an_erasure_refused_by_a_foreign_key_changes_nothing(database):
    fill_shop(database, enforced_keys=True)  # the kept invoices still point to the customer
    before = database.everything()

    with pytest.raises(ConnectorError, match="refused the erasure in table customers") as error:
        erased(database)

    assert "nothing was changed" in str(error.value)
    assert database.everything() == before  # the orders masked first are back too


@pytest.mark.parametrize("database", ["postgresql", "mariadb"], indirect=True)
def test_a_url_without_a_driver_gets_the_installed_one(shop):
    url = sa.make_url(shop.url)
    plain = url.set(drivername=url.get_backend_name())

    counts, _ = collected(Database(shop.kind, plain.render_as_string(False), shop.engine))

    assert counts[0] == TableCount("customers", 1)


@pytest.mark.parametrize("database", ["mariadb"], indirect=True)
def test_a_case_sensitive_column_on_mariadb_is_still_matched_in_any_case(shop):
    shop.execute("ALTER TABLE newsletter MODIFY email VARCHAR(254) COLLATE utf8mb4_bin")

    counts, _ = collected(shop, email="ADA.LOVELACE@EXAMPLE.ORG")

    assert counts[3] == TableCount("newsletter", 1)


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_no_connection_is_left_open_after_a_run(shop):
    collected(shop)
    erased(shop, dry_run=True)

    others = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
    )
    with shop.engine.connect() as connection:
        for _ in range(50):  # a backend takes a moment to go once its client has closed
            if connection.execute(others, {"name": sa.make_url(shop.url).database}).scalar() == 0:
                break
            time.sleep(0.1)
        assert connection.execute(others, {"name": sa.make_url(shop.url).database}).scalar() == 0
