"""The schema check: a real database compared with what the map says, problem by problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from sqlalchemy.engine import URL

from requests_app.connectors import datamap, spec
from requests_app.connectors.checks import check_database, check_system
from requests_app.models import DataSystem
from tests.requests_app.connectors.datamap_files import EXAMPLE_MAP, alter

SHOP_TABLES = datamap.parse(EXAMPLE_MAP)[0].tables


def test_a_database_that_matches_the_map_has_no_problem(shop_database):
    assert check_database(shop_database, SHOP_TABLES) == []


def test_a_missing_table_is_named(shop_database):
    alter(shop_database, "DROP TABLE invoices")

    assert check_database(shop_database, SHOP_TABLES) == ["table invoices does not exist"]


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        (
            "ALTER TABLE customers RENAME COLUMN email TO mail",
            "table customers has no column email (identity)",
        ),
        (
            "ALTER TABLE orders RENAME COLUMN customer_id TO client_id",
            "table orders has no column customer_id (via)",
        ),
        (
            "ALTER TABLE orders DROP COLUMN shipping_address",
            "table orders has no column shipping_address (mask)",
        ),
        (
            "ALTER TABLE newsletter RENAME COLUMN email TO address",
            "table newsletter has no column email (identity)",
        ),
    ],
)
def test_a_missing_column_is_named_with_what_the_map_uses_it_for(shop_database, statement, problem):
    alter(shop_database, statement)

    assert problem in check_database(shop_database, SHOP_TABLES)


def test_a_column_to_null_that_is_missing_is_named(shop_database):
    tables = [spec.Table("newsletter", spec.Erase(spec.NULL, ("email", "phone")), identity="email")]

    assert check_database(shop_database, tables) == ["table newsletter has no column phone (null)"]


def test_a_via_key_missing_in_the_parent_table_is_named(shop_database):
    orders = spec.Table(
        "orders",
        spec.Erase(spec.DELETE),
        via=spec.Via("customer_id", "customers", "number"),
    )
    tables = [SHOP_TABLES[0], orders]

    assert check_database(shop_database, tables) == [
        "table customers has no column number (named by the via of orders)"
    ]


def test_every_problem_is_reported_not_only_the_first(shop_database):
    alter(shop_database, "DROP TABLE newsletter", "ALTER TABLE orders DROP COLUMN phone")

    assert check_database(shop_database, SHOP_TABLES) == [
        "table orders has no column phone (mask)",
        "table newsletter does not exist",
    ]


def test_a_table_may_be_named_with_its_schema(shop_database):
    tables = [spec.Table("main.customers", spec.Erase(spec.DELETE), identity="email")]

    assert check_database(shop_database, tables) == []


def test_an_unreachable_database_is_one_problem_without_its_password():
    problems = check_database("postgresql+psycopg://shop:s3cret@127.0.0.1:1/shop", SHOP_TABLES)

    assert len(problems) == 1
    assert problems[0].startswith("cannot reach the database postgresql+psycopg://shop:***@")
    assert "s3cret" not in problems[0]


def test_a_missing_sqlite_file_is_a_problem_and_is_not_created(tmp_path):
    path = tmp_path / "absent.sqlite3"

    problems = check_database(f"sqlite:///{path}", SHOP_TABLES)

    assert problems == [f"cannot reach the database sqlite:///{path}: there is no file {path}"]
    assert not path.exists()


def test_a_url_that_is_no_url_is_a_problem():
    assert check_database("shop database", SHOP_TABLES) == ["the database URL cannot be read"]


@pytest.mark.django_db
def test_the_check_reads_the_portals_own_database_whatever_its_engine():
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{Path(settings['NAME']).resolve()}"
    else:
        url = URL.create(
            "postgresql+psycopg",
            username=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=int(settings["PORT"]) if settings["PORT"] else None,
            database=settings["NAME"],
        ).render_as_string(hide_password=False)
    systems = spec.Table("requests_app_datasystem", spec.Erase(spec.KEEP), identity="contact")
    tasks = spec.Table(
        "requests_app_systemtask",
        spec.Erase(spec.NULL, ("outcome", "summary")),
        via=spec.Via("system_id", "requests_app_datasystem", "id"),
    )

    assert check_database(url, [systems, tasks]) == [
        "table requests_app_systemtask has no column summary (null)"
    ]


# ------------------------------------------------------------------------ check_system


def shop_system(**fields) -> DataSystem:
    tables = [table.to_json() for table in SHOP_TABLES]
    return DataSystem(
        name="Shop", connector="database", url_env="SHOP_DATABASE_URL", tables=tables, **fields
    )


def test_a_database_system_whose_variable_is_unset_says_so(monkeypatch):
    monkeypatch.delenv("SHOP_DATABASE_URL", raising=False)

    assert check_system(shop_system()) == ["variable SHOP_DATABASE_URL is not set"]


def test_a_database_system_is_checked_against_the_database_its_variable_names(
    shop_database, monkeypatch
):
    monkeypatch.setenv("SHOP_DATABASE_URL", shop_database)
    assert check_system(shop_system()) == []

    alter(shop_database, "DROP TABLE customers")
    assert check_system(shop_system()) == ["table customers does not exist"]


def test_a_webhook_needs_its_secret_in_the_environment(monkeypatch):
    webhook = DataSystem(
        name="Billing", connector="webhook", url="https://b.example/", secret_env="BILLING_SECRET"
    )
    monkeypatch.delenv("BILLING_SECRET", raising=False)
    assert check_system(webhook) == ["variable BILLING_SECRET is not set"]

    monkeypatch.setenv("BILLING_SECRET", "whsec_test")
    assert check_system(webhook) == []


@pytest.mark.parametrize("connector", ["manual", "processor"])
def test_manual_and_processor_systems_have_nothing_to_check(connector):
    assert check_system(DataSystem(name="X", connector=connector)) == []
