"""Loading the data map into the register: `datamap.load` and `manage.py load_datamap`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.forms.models import model_to_dict

from requests_app.connectors import datamap
from requests_app.models import DataSystem
from tests.requests_app.connectors.datamap_files import EXAMPLE_MAP, alter

pytestmark = pytest.mark.django_db


def register() -> dict[str, dict]:
    """Every system of the register with all its fields."""
    return {system.name: model_to_dict(system) for system in DataSystem.objects.all()}


def outcomes(result: datamap.LoadResult) -> dict[str, str]:
    return {item.system.name: item.outcome for item in result.loaded}


def load_datamap(path, *options: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_datamap", str(path), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# ------------------------------------------------------------------------ datamap.load


def test_loading_creates_new_systems_and_updates_those_of_the_same_name():
    seeded = register()

    result = datamap.load(datamap.parse(EXAMPLE_MAP))

    assert outcomes(result) == {
        "Shop database": "created",
        "Billing service": "created",
        "FastSpring": "updated",
    }
    shop = DataSystem.objects.get(name="Shop database")
    assert (shop.connector, shop.kind, shop.url_env) == (
        "database",
        "internal",
        "SHOP_DATABASE_URL",
    )
    assert shop.tables[1] == {
        "name": "orders",
        "via": "customer_id -> customers.id",
        "erase": {"mask": ["shipping_address", "phone"]},
    }
    assert [table.name for table in shop.table_specs] == [
        "customers",
        "orders",
        "invoices",
        "newsletter",
    ]
    fastspring = DataSystem.objects.get(name="FastSpring")
    assert (fastspring.connector, fastspring.kind, fastspring.contact) == (
        "processor",
        "subprocessor",
        "privacy@fastspring.com",
    )
    assert fastspring.pk == seeded["FastSpring"]["id"]


def test_systems_not_in_the_file_are_listed_and_left_as_they_are():
    seeded = register()

    result = datamap.load(datamap.parse(EXAMPLE_MAP))

    not_in_file = {system.name for system in result.not_in_file}
    assert not_in_file == set(seeded) - {"FastSpring"}
    assert "Google" in not_in_file
    now = register()
    assert {name: now[name] for name in not_in_file} == {name: seeded[name] for name in not_in_file}


def test_loading_the_same_map_twice_changes_nothing_the_second_time():
    datamap.load(datamap.parse(EXAMPLE_MAP))
    once = register()

    result = datamap.load(datamap.parse(EXAMPLE_MAP))

    assert set(outcomes(result).values()) == {"unchanged"}
    assert register() == once


def test_a_changed_map_updates_the_system_it_changes():
    datamap.load(datamap.parse(EXAMPLE_MAP))
    changed = EXAMPLE_MAP.replace("erase: delete", 'erase: {keep: "open contracts"}')

    result = datamap.load(datamap.parse(changed))

    assert outcomes(result)["Shop database"] == "updated"
    assert outcomes(result)["Billing service"] == "unchanged"
    shop = DataSystem.objects.get(name="Shop database")
    assert shop.tables[0]["erase"] == {"keep": "open contracts"}


def test_a_system_in_the_file_is_made_active_again():
    DataSystem.objects.filter(name="FastSpring").update(active=False)

    datamap.load(datamap.parse(EXAMPLE_MAP))

    assert DataSystem.objects.get(name="FastSpring").active


def test_a_load_that_fails_halfway_leaves_the_register_as_it_was():
    before = register()
    good = datamap.SystemSpec(name="Intranet", kind="manual", category="internal")
    bad = datamap.SystemSpec(name="Wiki", kind="webhook", category="internal", url="x")

    with pytest.raises(ValidationError):
        datamap.load([good, bad])

    assert register() == before


# ------------------------------------------------------------------------ the command


def test_the_command_checks_loads_and_reports_each_system(map_file, shop_database, monkeypatch):
    monkeypatch.setenv("SHOP_DATABASE_URL", shop_database)
    monkeypatch.setenv("BILLING_WEBHOOK_SECRET", "whsec_test")

    out, err = load_datamap(map_file)

    assert err == ""
    lines = out.splitlines()
    assert lines[:3] == [
        "created Shop database (database)",
        "created Billing service (webhook)",
        "updated FastSpring (processor)",
    ]
    assert "not in the file, left as it is: Google (manual)" in lines
    assert lines[-1] == "loaded 3 systems: 2 created, 1 updated, 0 unchanged; 6 not in the file"
    assert DataSystem.objects.filter(name="Shop database", connector="database").exists()


def test_a_wrong_file_exits_non_zero_listing_each_problem_and_changes_nothing(tmp_path):
    path = tmp_path / "datamap.yaml"
    path.write_text(
        EXAMPLE_MAP.replace("SHOP_DATABASE_URL", "shop_url").replace("kind: processor", "kind: fax")
    )
    before = register()
    err = StringIO()

    with pytest.raises(CommandError, match="2 problem.* nothing was loaded") as raised:
        call_command("load_datamap", str(path), stderr=err)

    assert raised.value.returncode != 0
    assert err.getvalue().splitlines() == [
        f'{path}:4: "shop_url" is not an environment variable name: capital letters, digits '
        "and _, not starting with a digit",
        f'{path}:24: "kind" must be one of manual, database, webhook, processor, not "fax"',
    ]
    assert register() == before


def test_a_missing_table_or_column_stops_the_load_naming_it(map_file, shop_database, monkeypatch):
    alter(shop_database, "DROP TABLE newsletter", "ALTER TABLE orders DROP COLUMN phone")
    monkeypatch.setenv("SHOP_DATABASE_URL", shop_database)
    before = register()

    with pytest.raises(CommandError, match="2 problem"):
        load_datamap(map_file)

    assert register() == before


def test_each_schema_problem_is_printed_with_the_file_and_system(
    map_file, shop_database, monkeypatch
):
    alter(shop_database, "DROP TABLE newsletter", "ALTER TABLE orders DROP COLUMN phone")
    monkeypatch.setenv("SHOP_DATABASE_URL", shop_database)
    monkeypatch.delenv("BILLING_WEBHOOK_SECRET", raising=False)
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("load_datamap", str(map_file), stderr=err)

    assert err.getvalue().splitlines() == [
        f"{map_file}: Shop database: table orders has no column phone (mask)",
        f"{map_file}: Shop database: table newsletter does not exist",
        f"{map_file}: Billing service: BILLING_WEBHOOK_SECRET is not set",
    ]


def test_without_the_check_a_map_is_loaded_whatever_the_database_holds(
    map_file, shop_database, monkeypatch
):
    alter(shop_database, "DROP TABLE newsletter")
    monkeypatch.setenv("SHOP_DATABASE_URL", shop_database)

    load_datamap(map_file, "--no-check")

    assert DataSystem.objects.filter(name="Shop database").exists()


def test_a_database_whose_variable_is_unset_is_loaded_with_a_warning(map_file, monkeypatch):
    monkeypatch.delenv("SHOP_DATABASE_URL", raising=False)
    monkeypatch.delenv("BILLING_WEBHOOK_SECRET", raising=False)

    out, err = load_datamap(map_file)

    assert f"{map_file}: Shop database: not checked: SHOP_DATABASE_URL is not set" in err
    assert f"{map_file}: Billing service: BILLING_WEBHOOK_SECRET is not set" in err
    assert "created Shop database (database)" in out


def test_a_file_that_cannot_be_read_is_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        load_datamap(tmp_path / "missing.yaml")
