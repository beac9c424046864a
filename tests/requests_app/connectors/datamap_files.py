"""The example data map of docs/CONNECTORS.md and the SQLite shop database it describes."""

from __future__ import annotations

import sqlite3

EXAMPLE_MAP = """\
systems:
  - name: Shop database
    kind: database
    url_env: SHOP_DATABASE_URL
    require_identity_check: false
    tables:
      - name: customers
        identity: email
        erase: delete
      - name: orders
        via: customer_id -> customers.id
        erase: {mask: [shipping_address, phone]}
      - name: invoices
        via: customer_id -> customers.id
        erase: {keep: "kept ten years for tax law"}
      - name: newsletter
        identity: email
        erase: {null: [email]}
  - name: Billing service
    kind: webhook
    url: https://billing.internal/privacy
    secret_env: BILLING_WEBHOOK_SECRET
  - name: FastSpring
    kind: processor
    contact: privacy@fastspring.com
"""

SHOP_SCHEMA = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, name TEXT);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY, customer_id INTEGER, shipping_address TEXT, phone TEXT
);
CREATE TABLE invoices (id INTEGER PRIMARY KEY, customer_id INTEGER, total INTEGER);
CREATE TABLE newsletter (id INTEGER PRIMARY KEY, email TEXT);
"""


def alter(url: str, *statements: str) -> None:
    """Run SQL statements on the SQLite file behind `url`."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()
