"""The register in the admin: connectors listed, tables edited as YAML, the check action."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from requests_app.connectors import datamap
from requests_app.models import DataSystem
from tests.requests_app.connectors.datamap_files import EXAMPLE_MAP, alter

pytestmark = pytest.mark.django_db

LIST = "/admin/requests_app/datasystem/"


def change_url(system: DataSystem) -> str:
    return f"{LIST}{system.pk}/change/"


def shop() -> DataSystem:
    datamap.load(datamap.parse(EXAMPLE_MAP))
    return DataSystem.objects.get(name="Shop database")


def form_data(system: DataSystem, **changes: str) -> dict[str, str]:
    """The change form as the admin posts it, with the system's own values."""
    data = {
        "name": system.name,
        "kind": system.kind,
        "contact": system.contact,
        "active": "on",
        "connector": system.connector,
        "url_env": system.url_env,
        "url": system.url,
        "secret_env": system.secret_env,
        "tables": datamap.dump_tables(system.tables),
        "holds": system.holds,
        "purpose": system.purpose,
        "retention": system.retention,
        "source": system.source,
    }
    return data | changes


def test_the_list_shows_each_connector_and_whether_its_variable_is_set_never_its_value(
    admin_client, monkeypatch
):
    shop()
    monkeypatch.setenv("SHOP_DATABASE_URL", "sqlite:////srv/very-private-shop.sqlite3")

    listing = admin_client.get(LIST, {"connector__exact": "database"}).content.decode()
    monkeypatch.delenv("SHOP_DATABASE_URL")
    unset = admin_client.get(LIST, {"connector__exact": "database"}).content.decode()

    assert "Shop database" in listing
    assert "icon-yes.svg" in listing
    assert "very-private-shop" not in listing
    assert "icon-no.svg" in unset
    assert "Variable set" in listing


def test_the_change_page_shows_the_tables_as_yaml_with_labels(admin_client):
    page = admin_client.get(change_url(shop())).content.decode()

    assert "via: customer_id -&gt; customers.id" in page
    assert "erase: {mask: [shipping_address, phone]}" in page
    assert '<label for="id_tables">Tables:</label>' in page
    assert '<label for="id_url_env">Database URL variable:</label>' in page
    assert "For the answer to an access request" in page


def test_the_tables_and_new_fields_are_saved_from_the_form(admin_client):
    system = shop()
    tables = "- name: accounts\n  identity: email\n  erase: {null: [email, phone]}\n"

    response = admin_client.post(
        change_url(system),
        form_data(system, tables=tables, purpose="Selling", require_identity_check="on"),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    system.refresh_from_db()
    assert system.tables == [
        {"name": "accounts", "identity": "email", "erase": {"null": ["email", "phone"]}}
    ]
    assert (system.purpose, system.require_identity_check) == ("Selling", True)


def test_a_bad_table_is_refused_on_the_field_with_its_line(admin_client):
    system = shop()
    tables = "- name: accounts\n  identity: email\n  erase: remove\n- name: orders\n  erase: keep\n"

    response = admin_client.post(change_url(system), form_data(system, tables=tables))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["tables"] == [
        'line 3: "erase" must be delete, keep, {keep: reason}, {mask: [columns]} or '
        "{null: [columns]}",
        'line 4: a table needs "identity" or "via"',
    ]
    system.refresh_from_db()
    assert system.tables[0]["name"] == "customers"


def test_a_database_system_needs_its_variable_and_a_table(admin_client):
    system = shop()

    response = admin_client.post(change_url(system), form_data(system, url_env="", tables=""))

    errors = response.context["adminform"].form.errors
    assert errors["url_env"] == ["A database system needs this."]
    assert errors["tables"] == ["A database system needs this."]


def test_a_variable_name_is_a_name_not_a_url(admin_client):
    system = shop()

    response = admin_client.post(
        change_url(system), form_data(system, url_env="postgres://shop:pw@db/shop")
    )

    assert "url_env" in response.context["adminform"].form.errors


def test_a_processors_contact_is_an_email_address(admin_client):
    fastspring = DataSystem.objects.get(name="FastSpring")

    response = admin_client.post(
        change_url(fastspring), form_data(fastspring, connector="processor", contact="by phone")
    )

    assert response.context["adminform"].form.errors["contact"] == [
        "A processor's contact is an e-mail address."
    ]


def test_the_check_action_reports_each_system(admin_client, shop_database, monkeypatch):
    system = shop()
    broken = DataSystem.objects.create(
        name="Old shop",
        kind="internal",
        connector="database",
        url_env="OLD_SHOP_DATABASE_URL",
        tables=system.tables,
    )
    alter(shop_database, "CREATE TABLE old (id INTEGER)")
    monkeypatch.setenv("SHOP_DATABASE_URL", shop_database)
    monkeypatch.delenv("OLD_SHOP_DATABASE_URL", raising=False)
    manual = DataSystem.objects.get(name="Google")

    response = admin_client.post(
        LIST,
        {"action": "check_against_database", "_selected_action": [system.pk, broken.pk, manual.pk]},
    )

    assert response.status_code == 302
    assert [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)] == [
        ("info", "Google has no database to check (manual)."),
        ("error", "Old shop: variable OLD_SHOP_DATABASE_URL is not set"),
        ("success", "Shop database matches the map."),
    ]


def test_the_check_action_lists_the_problems_it_finds(admin_client, shop_database, monkeypatch):
    system = shop()
    alter(shop_database, "DROP TABLE invoices", "ALTER TABLE orders DROP COLUMN phone")
    monkeypatch.setenv("SHOP_DATABASE_URL", shop_database)

    response = admin_client.post(
        LIST, {"action": "check_against_database", "_selected_action": [system.pk]}, follow=True
    )

    assert (
        "Shop database: table orders has no column phone (mask); table invoices does not exist"
        in response.content.decode()
    )
