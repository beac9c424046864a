"""Each kind of database the connector's tests run against: a SQLite file, PostgreSQL and
MariaDB. PostgreSQL and MariaDB each get a scratch database, pp_connector_test, for the
module, emptied before each test. A server that cannot be reached skips its tests (which
tests/conftest.py fails under CI=true). For the map's tests, the example map as a file and
a SQLite database with its tables; for the runs' tests, the demo shop as a connected system
of the register."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from requests_app.connectors.demo_shop import create_demo_shop, demo_tables
from requests_app.models import DataSystem
from tests.helpers import file_request
from tests.requests_app.connectors.datamap_files import EXAMPLE_MAP, SHOP_SCHEMA
from tests.requests_app.connectors.shop import Database, fill_shop

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
MARIADB_SERVER = os.environ.get("MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
SCRATCH = "pp_connector_test"
RESET = {
    "sqlite": [],  # a new file for every test
    "postgresql": ["DROP SCHEMA public CASCADE", "CREATE SCHEMA public"],
    "mariadb": [f"DROP DATABASE {SCRATCH}", f"CREATE DATABASE {SCRATCH}"],
}


def scratch_database(server_url: str) -> Iterator[str]:
    server = sa.create_engine(server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    drop = f"DROP DATABASE IF EXISTS {SCRATCH}"
    if server.dialect.name == "postgresql":
        drop += " WITH (FORCE)"
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(drop)
            connection.exec_driver_sql(f"CREATE DATABASE {SCRATCH}")
    except OperationalError as error:
        server.dispose()
        pytest.skip(f"{server.url.render_as_string()} is unreachable: {error.orig}")
    try:
        yield server.url.set(database=SCRATCH).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(drop)
        server.dispose()


@pytest.fixture(scope="module")
def postgresql_url() -> Iterator[str]:
    yield from scratch_database(POSTGRES_SERVER)


@pytest.fixture(scope="module")
def mariadb_url() -> Iterator[str]:
    yield from scratch_database(MARIADB_SERVER)


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database(request, tmp_path) -> Iterator[Database]:
    """An empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    else:
        url = request.getfixturevalue(f"{request.param}_url")
    engine = sa.create_engine(url, poolclass=NullPool)
    database = Database(request.param, url, engine)
    database.execute(*RESET[request.param])
    yield database
    engine.dispose()


@pytest.fixture
def shop(database) -> Database:
    """The shop's tables and rows, without enforced keys."""
    fill_shop(database, enforced_keys=False)
    return database


@pytest.fixture
def shop_system(tmp_path, monkeypatch, db):
    """The demo shop's SQLite file, named by SHOP_DATABASE_URL, and its system in the map."""
    path = tmp_path / "shop.sqlite3"
    create_demo_shop(path, customers=50)
    monkeypatch.setenv("SHOP_DATABASE_URL", f"sqlite:///{path}")
    DataSystem.objects.create(
        name="Shop database",
        kind=DataSystem.Kind.INTERNAL,
        connector=DataSystem.Connector.DATABASE,
        url_env="SHOP_DATABASE_URL",
        tables=demo_tables(),
        holds="name, e-mail address, orders",
        purpose="to sell and deliver what you ordered",
        retention="as long as you have an account, invoices ten years",
    )
    return path


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user("officer", is_staff=True)


@pytest.fixture
def confirmed(db):
    """A request by the shop's demo customer, its e-mail address confirmed."""
    request = file_request(email="Demo@Example.org", country="DE")
    request._confirm_email()
    return request


@pytest.fixture
def map_file(tmp_path) -> Path:
    path = tmp_path / "datamap.yaml"
    path.write_text(EXAMPLE_MAP, encoding="utf-8")
    return path


@pytest.fixture
def shop_database(tmp_path) -> str:
    """The URL of an SQLite file with every table and column EXAMPLE_MAP names."""
    path = tmp_path / "shop.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.executescript(SHOP_SCHEMA)
    connection.close()
    return f"sqlite:///{path}"
