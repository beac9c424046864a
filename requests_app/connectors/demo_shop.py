"""A small shop's SQLite database, for trying the database connector without a real system.

`create_demo_shop(path)` writes it. Its tables match the demo map (`demo_datamap.yaml`, read
by `demo_tables()`): customers and the newsletter found by e-mail, orders and invoices through
`customer_id`; erasure deletes customers, masks the orders' address and phone, keeps the
invoices (tax law) and nulls the newsletter's e-mail.

One of the customers is demo@example.org (with orders, an invoice and a newsletter row
written as Demo@Example.org), so a demo request by that address finds data. The keys to
customers are declared but not enforced (SQLite leaves foreign keys off unless a connection
turns them on), so deleting a customer whose invoices are kept succeeds.
"""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

DEMO_EMAIL = "demo@example.org"
SCHEMA = """
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email VARCHAR(254) NOT NULL,
    name VARCHAR(100) NOT NULL,
    phone VARCHAR(30),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX customers_email ON customers (lower(email));
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    shipping_address VARCHAR(200),
    phone VARCHAR(30),
    total NUMERIC(10, 2) NOT NULL,
    ordered_at TIMESTAMP NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    number VARCHAR(20) NOT NULL UNIQUE,
    amount NUMERIC(10, 2) NOT NULL,
    issued_on DATE NOT NULL
);
CREATE INDEX invoices_customer ON invoices (customer_id);
CREATE TABLE newsletter (
    id INTEGER PRIMARY KEY,
    email VARCHAR(254),
    subscribed_at TIMESTAMP NOT NULL
);
CREATE INDEX newsletter_email ON newsletter (lower(email));
"""
FIRST_NAMES = [
    "Ada", "Alan", "Amara", "Bruno", "Chen", "Dagny", "Elif", "Farah", "Grace", "Hugo",
    "Ines", "Jonas", "Kofi", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Ravi", "Sofia",
]  # fmt: skip
LAST_NAMES = [
    "Andersen", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hansen", "Ito",
    "Jansen", "Kowalski", "Lopez", "Müller", "Novak", "Okafor", "Petit", "Rossi", "Schmidt",
]  # fmt: skip
STREETS = ["High Street", "Station Road", "Church Lane", "Mill Road", "Park Avenue"]
TOWNS = ["Bristol", "Leeds", "York", "Bath", "Exeter", "Derby"]
START = datetime(2021, 1, 1, 9, 0)  # noqa: DTZ001 (SQLite keeps naive UTC timestamps)


def create_demo_shop(path: Path, customers: int = 300, seed: int = 1) -> None:
    """Write the shop to `path` (replacing the file): `customers` customers, demo@example.org
    first, each with a few orders and invoices, and newsletter rows for about a third of them
    and a few others. The same seed gives the same rows."""
    rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
    path = Path(path)
    path.unlink(missing_ok=True)
    rows: dict[str, list[tuple]] = {"customers": [], "orders": [], "invoices": [], "newsletter": []}
    for number in range(1, customers + 1):
        if number == 1:
            name, email = "Demo Requester", DEMO_EMAIL
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name, email = f"{first} {last}", f"{first}.{last}{number}@example.com".lower()
        created = START + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        rows["customers"].append((number, email, name, _phone(rng), _timestamp(created)))
        _add_orders_and_invoices(rows, rng, number, created, at_least_one=number == 1)
        if number == 1 or rng.random() < 0.33:
            written = "Demo@Example.org" if number == 1 else email
            rows["newsletter"].append((written, _timestamp(created)))
    for number in range(max(3, customers // 20)):  # readers who never bought anything
        rows["newsletter"].append((f"reader{number}@example.net", _timestamp(START)))
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.executescript(SCHEMA)
        connection.executemany("INSERT INTO customers VALUES (?, ?, ?, ?, ?)", rows["customers"])
        connection.executemany(
            "INSERT INTO orders (customer_id, shipping_address, phone, total, ordered_at)"
            " VALUES (?, ?, ?, ?, ?)",
            rows["orders"],
        )
        connection.executemany(
            "INSERT INTO invoices (customer_id, number, amount, issued_on) VALUES (?, ?, ?, ?)",
            rows["invoices"],
        )
        connection.executemany(
            "INSERT INTO newsletter (email, subscribed_at) VALUES (?, ?)", rows["newsletter"]
        )


def _add_orders_and_invoices(
    rows: dict[str, list[tuple]],
    rng: random.Random,
    customer: int,
    since: datetime,
    at_least_one: bool,
) -> None:
    for _ in range(rng.randint(2 if at_least_one else 0, 4)):
        ordered = since + timedelta(minutes=rng.randrange(1, 120 * 24 * 60))
        address = f"{rng.randint(1, 200)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}"
        total = f"{rng.randint(5, 400)}.{rng.randint(0, 99):02d}"
        rows["orders"].append((customer, address, _phone(rng), total, _timestamp(ordered)))
        if at_least_one or rng.random() < 0.5:
            at_least_one = False
            number = f"INV-{ordered.year}-{len(rows['invoices']) + 1:05d}"
            rows["invoices"].append((customer, number, total, ordered.date().isoformat()))


def _phone(rng: random.Random) -> str:
    return f"+44 20 7946 {rng.randint(0, 999):03d}{rng.randint(0, 9)}"


def _timestamp(moment: datetime) -> str:
    """The format SQLAlchemy reads back as a datetime from a SQLite TIMESTAMP column."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


DEMO_MAP = Path(__file__).with_name("demo_datamap.yaml")


def demo_tables() -> list[dict]:
    """The demo shop's tables as the register stores them, from the demo map."""
    from requests_app.connectors import datamap  # the map's reader needs Django's models

    (system,) = datamap.parse(DEMO_MAP.read_text(encoding="utf-8"))
    return [table.to_json() for table in system.tables]
