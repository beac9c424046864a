"""A system of the register: its tables as values, and the variables it names but never stores."""

from __future__ import annotations

import pytest

from requests_app.connectors import datamap
from requests_app.models import DataSystem, VariableNotSet
from tests.requests_app.connectors.datamap_files import EXAMPLE_MAP

SHOP = datamap.parse(EXAMPLE_MAP)[0]


def shop() -> DataSystem:
    return DataSystem(name=SHOP.name, **SHOP.model_fields())


def test_the_stored_tables_read_back_as_the_maps_tables():
    assert shop().table_specs == list(SHOP.tables)


def test_the_database_url_comes_from_the_variable_it_names(monkeypatch):
    monkeypatch.setenv("SHOP_DATABASE_URL", "sqlite:///shop.sqlite3")

    assert shop().url_is_set
    assert shop().database_url() == "sqlite:///shop.sqlite3"


@pytest.mark.parametrize("value", [None, ""])
def test_an_unset_database_url_is_an_error_naming_the_variable(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("SHOP_DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("SHOP_DATABASE_URL", value)

    with pytest.raises(VariableNotSet, match="variable SHOP_DATABASE_URL is not set") as raised:
        shop().database_url()

    assert raised.value.variable == "SHOP_DATABASE_URL"
    assert not shop().url_is_set


def test_the_variable_a_connector_needs_is_reported_set_or_not(monkeypatch):
    webhook = DataSystem(connector="webhook", secret_env="BILLING_SECRET")
    monkeypatch.delenv("BILLING_SECRET", raising=False)
    assert (webhook.secret_is_set, webhook.variable_is_set) == (False, False)

    monkeypatch.setenv("BILLING_SECRET", "whsec_test")
    assert (webhook.secret_is_set, webhook.variable_is_set) == (True, True)
    assert DataSystem(connector="manual").variable_is_set is None


@pytest.mark.django_db
def test_the_systems_seeded_from_the_notice_are_worked_by_hand():
    seeded = list(DataSystem.objects.all())

    assert seeded
    assert {(system.connector, system.variable_is_set) for system in seeded} == {("manual", None)}
    assert all(system.tables == [] and system.table_specs == [] for system in seeded)
