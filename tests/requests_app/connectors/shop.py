"""The small shop the database connector's tests erase and read, in any of the databases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from requests_app.connectors.database import TableCount, collect, erase
from requests_app.connectors.spec import DELETE, KEEP, MASK, NULL, Erase, Table, Via

REQUESTER = "ada.lovelace@example.org"
TOKEN = uuid.UUID("0f8fad5b-d9cb-469f-a165-70867728950e")
PHOTO = b"\x89PNG\r\n\x1a\n"
KEPT = "kept ten years for tax law"
at = datetime.fromisoformat  # naive, as a system's DATETIME column keeps them
BY_CUSTOMER = Via("customer_id", "customers", "id")
SHOP = [
    Table("customers", Erase(DELETE), identity="email"),
    Table("orders", Erase(MASK, ("shipping_address", "phone", "country")), via=BY_CUSTOMER),
    Table("invoices", Erase(KEEP, reason=KEPT), via=BY_CUSTOMER),
    Table("newsletter", Erase(NULL, ("email",)), identity="email"),
]
SHOP_ROWS = {
    "customers": [
        dict(id=1, email="Ada.Lovelace@Example.org", name="Ada Lovelace", phone="+44 1",
             created_on=date(2024, 1, 2), photo=PHOTO, token=TOKEN),
        dict(id=2, email="bob@example.org", name="Bob", phone=None,
             created_on=date(2024, 2, 3), photo=None, token=None),
    ],
    "orders": [
        dict(id=10, customer_id=1, shipping_address="12 St James's Square", phone="+44 1",
             country="GB", total=Decimal("12.50"), ordered_at=at("2024-03-04 05:06:07")),
        dict(id=11, customer_id=1, shipping_address=None, phone="+44 1", country="GB",
             total=Decimal("3.00"), ordered_at=at("2024-03-05")),
        dict(id=12, customer_id=2, shipping_address="1 Bob Street", phone="+1 2", country="US",
             total=Decimal("8.00"), ordered_at=at("2024-03-06")),
    ],
    "invoices": [
        dict(id=20, customer_id=1, number="INV-20", amount=Decimal("12.50"),
             issued_on=date(2024, 3, 4)),
        dict(id=21, customer_id=2, number="INV-21", amount=Decimal("8.00"),
             issued_on=date(2024, 3, 6)),
    ],
    "newsletter": [
        dict(id=30, email="ADA.LOVELACE@example.ORG", subscribed_at=at("2024-01-01")),
        dict(id=31, email="carol@example.org", subscribed_at=at("2024-01-01")),
    ],
}  # fmt: skip


@dataclass
class Database:
    kind: str
    url: str
    engine: sa.Engine

    def execute(self, *statements: str) -> None:
        with self.engine.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)

    def rows(self, table: str) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
            found = connection.execute(sa.select(reflected).order_by(reflected.c.id))
            return [dict(row._mapping) for row in found]

    def everything(self) -> dict[str, list[dict[str, Any]]]:
        return {table: self.rows(table) for table in SHOP_ROWS}


def fill_shop(database: Database, *, enforced_keys: bool) -> None:
    metadata = shop_schema(enforced_keys=enforced_keys)
    metadata.create_all(database.engine)
    with database.engine.begin() as connection:
        for table, rows in SHOP_ROWS.items():
            connection.execute(metadata.tables[table].insert(), rows)


def shop_schema(*, enforced_keys: bool) -> sa.MetaData:
    """The demo shop's tables, with more kinds of values; the keys to customers declared to
    the database only if `enforced_keys`."""

    def customer_id() -> sa.Column[int]:
        keys = [sa.ForeignKey("customers.id")] if enforced_keys else []
        return sa.Column("customer_id", sa.Integer, *keys, nullable=False)

    def table(name: str, *columns: sa.Column[Any]) -> None:
        sa.Table(name, metadata, sa.Column("id", sa.Integer, primary_key=True), *columns)

    metadata = sa.MetaData()
    table(
        "customers",
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(30)),
        sa.Column("created_on", sa.Date),
        sa.Column("photo", sa.LargeBinary),
        sa.Column("token", sa.Uuid),
    )
    table(
        "orders",
        customer_id(),
        sa.Column("shipping_address", sa.String(200)),
        sa.Column("phone", sa.String(30)),
        sa.Column("country", sa.String(2)),  # too short for the whole placeholder
        sa.Column("total", sa.Numeric(10, 2), nullable=False),
        sa.Column("ordered_at", sa.DateTime),
    )
    table(
        "invoices",
        customer_id(),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("amount", sa.Numeric(10, 2), nullable=False),
        sa.Column("issued_on", sa.Date),
    )
    table(
        "newsletter",
        sa.Column("email", sa.String(254)),
        sa.Column("subscribed_at", sa.DateTime),
    )
    return metadata


def collected(
    shop: Database, tables: list[Table] = SHOP, email: str = REQUESTER, row_limit: int = 100
) -> tuple[list[TableCount], dict[str, list[dict[str, Any]]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    counts = collect(
        shop.url,
        tables,
        email,
        row_limit=row_limit,
        timeout=10,
        write_row=lambda table, row: rows.setdefault(table, []).append(row),
    )
    return counts, rows


def erased(
    shop: Database, tables: list[Table] = SHOP, *, dry_run: bool = False
) -> list[TableCount]:
    return erase(shop.url, tables, REQUESTER, dry_run=dry_run, timeout=10)


ERASED_ONCE = [
    TableCount("customers", 1, action=DELETE),
    TableCount("orders", 2, action=MASK),
    TableCount("invoices", 1, action=KEEP, reason=KEPT),
    TableCount("newsletter", 1, action=NULL),
]
