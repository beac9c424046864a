"""What the database connector refuses or cannot do, each told in one line for the officer
without the password."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from requests_app.connectors.database import ConnectorError, collect, erase
from requests_app.connectors.spec import DELETE, KEEP, MASK, NULL, Erase, Table, Via
from tests.requests_app.connectors.shop import BY_CUSTOMER, REQUESTER, SHOP, collected, erased

SLOW_VIEW = {
    "sqlite": "CREATE VIEW slow_people AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
    " SELECT i + 1 FROM n WHERE i < 1000000000) SELECT customers.email FROM customers, n",
    "postgresql": "CREATE VIEW slow_people AS SELECT email FROM customers"
    " WHERE pg_sleep(30) IS NOT NULL",
    "mariadb": "CREATE VIEW slow_people AS SELECT email FROM customers WHERE SLEEP(30) = 0",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (Table("orders", Erase(MASK, ("total",)), via=BY_CUSTOMER), "orders.total is not text"),
        (
            Table("customers", Erase(NULL, ("name",)), identity="email"),
            "customers.name is NOT NULL",
        ),
    ],
)
def test_masking_a_number_or_nulling_a_not_null_column_is_refused_before_any_change(
    shop, change, message
):
    tables = [change if table.name == change.name else table for table in SHOP]
    before = shop.everything()

    with pytest.raises(ConnectorError, match=message):
        erased(shop, tables)

    assert shop.everything() == before


def test_a_missing_table_is_named(shop):
    tables = [*SHOP, Table("wishlists", Erase(DELETE), identity="email")]

    with pytest.raises(ConnectorError, match="Table wishlists does not exist"):
        collected(shop, tables)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (Table("customers", Erase(DELETE), identity="e_mail"), "Column e_mail does not exist"),
        (
            Table("orders", Erase(DELETE), via=Via("buyer_id", "customers", "id")),
            "Column buyer_id does not exist in table orders",
        ),
        (
            Table("orders", Erase(DELETE), via=Via("customer_id", "customers", "number")),
            "Column number does not exist in table customers",
        ),
    ],
)
def test_a_missing_column_is_named(shop, table, message):
    tables = [table if listed.name == table.name else listed for listed in SHOP]

    with pytest.raises(ConnectorError, match=message):
        erased(shop, tables, dry_run=True)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_via_to_a_table_not_in_the_list_or_in_a_circle_is_refused(shop):
    with pytest.raises(ConnectorError, match="reached via customers, which is not one of"):
        collected(shop, SHOP[1:2])
    circle = [
        Table("orders", Erase(KEEP), via=Via("id", "invoices", "id")),
        Table("invoices", Erase(KEEP), via=Via("id", "orders", "id")),
    ]
    with pytest.raises(ConnectorError, match="orders -> invoices -> orders reach each other"):
        collected(shop, circle)


def test_a_slow_statement_times_out_with_a_clear_message(shop):
    shop.execute(SLOW_VIEW[shop.kind])
    tables = [Table("slow_people", Erase(KEEP), identity="email")]
    started = time.monotonic()

    with pytest.raises(ConnectorError) as error:
        collect(shop.url, tables, REQUESTER, row_limit=10, timeout=0.5, write_row=print)

    assert str(error.value) == "The database timed out after 0.5 s on table slow_people."
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://postgres:s3cret-pw@127.0.0.1:1/shop",
        "mysql+pymysql://root:s3cret-pw@127.0.0.1:1/shop",
    ],
)
def test_an_unreachable_server_is_named_without_the_password(url):
    with pytest.raises(ConnectorError, match="Cannot connect to the database") as error:
        collect(url, SHOP, REQUESTER, row_limit=10, timeout=2, write_row=print)

    assert "127.0.0.1:1/shop" in str(error.value)
    assert "s3cret-pw" not in str(error.value)


@pytest.mark.parametrize("database", ["postgresql", "mariadb"], indirect=True)
def test_wrong_credentials_are_named_without_the_password(database):
    url = sa.make_url(database.url).set(username="pp_nobody", password="s3cret-pw")

    with pytest.raises(ConnectorError, match="Cannot connect.*pp_nobody") as error:
        collect(
            url.render_as_string(hide_password=False),
            SHOP,
            REQUESTER,
            row_limit=1,
            timeout=2,
            write_row=print,
        )

    assert "s3cret-pw" not in str(error.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("oracle+nodriver://scott:s3cret-pw@db/shop", "No database driver for oracle+nodriver"),
        ("postgresql+psycopg2://scott:s3cret-pw@db/shop", "No database driver for postgresql+psy"),
        ("scott:s3cret-pw at the shop", "The database URL cannot be read"),
        (
            "sqlite:////nowhere/shop.sqlite3",
            "The SQLite database file /nowhere/shop.sqlite3 does not",
        ),
    ],
)
def test_an_unusable_url_is_named_without_the_password(url, message):
    with pytest.raises(ConnectorError, match=re.escape(message)) as error:
        erase(url, SHOP, REQUESTER, dry_run=True, timeout=2)

    assert "s3cret-pw" not in str(error.value)
    assert not Path("/nowhere/shop.sqlite3").exists()
