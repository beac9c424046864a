"""The demo shop: a SQLite file the database connector finds demo@example.org in."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from requests_app.connectors.database import TableCount, collect, erase
from requests_app.connectors.demo_shop import DEMO_EMAIL, create_demo_shop
from requests_app.connectors.spec import DELETE, KEEP, MASK, NULL, Erase, Table, Via

BY_CUSTOMER = Via.parse("customer_id -> customers.id")
DEMO_MAP = [
    Table("customers", Erase(DELETE), identity="email"),
    Table("orders", Erase(MASK, ("shipping_address", "phone")), via=BY_CUSTOMER),
    Table("invoices", Erase(KEEP, reason="kept ten years for tax law"), via=BY_CUSTOMER),
    Table("newsletter", Erase(NULL, ("email",)), identity="email"),
]


def dump(path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return list(connection.iterdump())


def test_the_demo_shop_has_its_four_tables_and_the_demo_requesters_rows(tmp_path):
    path = tmp_path / "shop.sqlite3"
    create_demo_shop(path, customers=50)
    rows = []

    counts = collect(
        f"sqlite:///{path}",
        DEMO_MAP,
        DEMO_EMAIL,
        row_limit=100,
        timeout=5,
        write_row=lambda table, row: rows.append((table, row)),
    )

    with closing(sqlite3.connect(path)) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert {name for (name,) in tables} == {"customers", "orders", "invoices", "newsletter"}
        assert connection.execute("SELECT count(*) FROM customers").fetchone() == (50,)
    found = {count.table: count.rows for count in counts}
    assert found["customers"] == 1 and found["newsletter"] == 1
    assert found["orders"] >= 2 and found["invoices"] >= 1
    assert [row["email"] for table, row in rows if table == "customers"] == [DEMO_EMAIL]


def test_the_same_seed_writes_the_same_shop_and_a_rewrite_replaces_it(tmp_path):
    create_demo_shop(tmp_path / "a.sqlite3", customers=40, seed=7)
    create_demo_shop(tmp_path / "b.sqlite3", customers=40, seed=7)
    create_demo_shop(tmp_path / "b.sqlite3", customers=40, seed=7)
    create_demo_shop(tmp_path / "c.sqlite3", customers=40, seed=8)

    assert dump(tmp_path / "a.sqlite3") == dump(tmp_path / "b.sqlite3")
    assert dump(tmp_path / "a.sqlite3") != dump(tmp_path / "c.sqlite3")


def test_the_demo_requester_can_be_erased_from_the_demo_shop(tmp_path):
    path = tmp_path / "shop.sqlite3"
    create_demo_shop(path, customers=20)
    url = f"sqlite:///{path}"

    first = erase(url, DEMO_MAP, DEMO_EMAIL, dry_run=False, timeout=5)
    second = erase(url, DEMO_MAP, DEMO_EMAIL, dry_run=False, timeout=5)

    assert [(count.action, count.rows > 0) for count in first] == [
        (DELETE, True),
        (MASK, True),
        (KEEP, True),
        (NULL, True),
    ]
    assert first[2].reason == "kept ten years for tax law"
    assert second == [
        TableCount(count.table, 0, action=count.action, reason=count.reason) for count in first
    ]
