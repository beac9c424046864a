"""Reading the data map: the example parses; every wrong input names its line and what is wrong."""

from __future__ import annotations

import re
import textwrap

import pytest
from django.conf import settings

from requests_app.connectors import datamap, spec
from requests_app.connectors.datamap import DatamapError, SystemSpec
from tests.requests_app.connectors.datamap_files import EXAMPLE_MAP

CUSTOMERS = spec.Table("customers", spec.Erase(spec.DELETE), identity="email")
BY_CUSTOMER = spec.Via("customer_id", "customers", "id")


def problems_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(DatamapError) as raised:
        datamap.parse(textwrap.dedent(text))
    return raised.value.problems


def test_the_example_map_parses_into_its_three_systems():
    shop, billing, fastspring = datamap.parse(EXAMPLE_MAP)

    assert shop == SystemSpec(
        name="Shop database",
        kind="database",
        category="internal",
        url_env="SHOP_DATABASE_URL",
        tables=(
            CUSTOMERS,
            spec.Table(
                "orders", spec.Erase(spec.MASK, ("shipping_address", "phone")), via=BY_CUSTOMER
            ),
            spec.Table(
                "invoices",
                spec.Erase(spec.KEEP, reason="kept ten years for tax law"),
                via=BY_CUSTOMER,
            ),
            spec.Table("newsletter", spec.Erase(spec.NULL, ("email",)), identity="email"),
        ),
    )
    assert billing == SystemSpec(
        name="Billing service",
        kind="webhook",
        category="internal",
        url="https://billing.internal/privacy",
        secret_env="BILLING_WEBHOOK_SECRET",
    )
    assert (fastspring.kind, fastspring.category, fastspring.contact) == (
        "processor",
        "subprocessor",
        "privacy@fastspring.com",
    )


def test_the_example_of_the_documentation_parses():
    docs = (settings.BASE_DIR / "docs" / "CONNECTORS.md").read_text(encoding="utf-8")
    example = re.search(r"## An example\n\n```yaml\n(.*?)```", docs, re.DOTALL)

    systems = datamap.parse(example.group(1))

    assert [(system.name, system.kind, system.category) for system in systems] == [
        ("Shop database", "database", "internal"),
        ("Billing service", "webhook", "internal"),
        ("FastSpring", "processor", "subprocessor"),
        ("www.kzsoftware.com", "manual", "website"),
    ]


def test_a_manual_system_carries_what_an_access_answer_tells():
    (system,) = datamap.parse(
        textwrap.dedent(
            """\
            systems:
              - name: www.example.com
                kind: manual
                category: website
                require_identity_check: true
                holds: Name, e-mail address
                purpose: Answering questions
                retention: |
                  Two years after the last message.
                source: The person
                contact: webmaster
            """
        )
    )

    assert system == SystemSpec(
        name="www.example.com",
        kind="manual",
        category="website",
        require_identity_check=True,
        holds="Name, e-mail address",
        purpose="Answering questions",
        retention="Two years after the last message.\n",
        source="The person",
        contact="webmaster",
    )


@pytest.mark.parametrize("written", ["{null: [email]}", "{'null': [email]}", '{"null": [email]}'])
def test_null_is_an_erase_action_however_it_is_quoted(written):
    (table,) = datamap.parse_tables(f"- name: t\n  identity: email\n  erase: {written}\n")

    assert table.erase == spec.Erase(spec.NULL, ("email",))


def test_the_admins_yaml_of_stored_tables_reads_back_as_the_same_tables():
    (shop, *_others) = datamap.parse(EXAMPLE_MAP)
    text = datamap.dump_tables([table.to_json() for table in shop.tables])

    assert datamap.parse_tables(text) == shop.tables
    assert "erase: {mask: [shipping_address, phone]}" in text


def test_an_error_lists_every_problem_by_line():
    error = DatamapError([(9, "b"), (2, "a")])

    assert error.problems == [(2, "a"), (9, "b")]
    assert str(error) == "line 2: a\nline 9: b"


SYSTEM = """\
systems:
  - name: Shop
    kind: database
    url_env: SHOP_URL
    tables:
      - name: customers
        identity: email
        erase: delete
"""

WRONG_MAPS = {
    "empty file": ("", 1, 'the data map is empty: it needs a "systems" list'),
    "not YAML": ("systems: [\n", 2, "not valid YAML"),
    "no systems key": ("system: []\n", 1, 'unknown key "system"'),
    "systems not a list": ("systems: Shop\n", 1, '"systems" must be a list'),
    "unknown key": (SYSTEM + "    colour: blue\n", 9, 'unknown key "colour"'),
    "key given twice": (SYSTEM + "    name: Shop 2\n", 9, 'the key "name" is given twice'),
    "no kind": ("systems:\n  - name: Shop\n", 2, 'a system needs a "kind"'),
    "unknown kind": (SYSTEM.replace("database", "fax"), 3, '"kind" must be one of manual,'),
    "no name": ("systems:\n  - kind: manual\n", 2, 'a system needs a "name"'),
    "empty name": (SYSTEM.replace("name: Shop", "name: ' '"), 2, "name must not be empty"),
    "long name": (
        SYSTEM.replace("name: Shop", "name: " + "x" * 201),
        2,
        "is longer than 200 characters",
    ),
    "name twice": (
        SYSTEM + "  - name: Shop\n    kind: manual\n",
        9,
        'the name "Shop" is used twice (first on line 2)',
    ),
    "name not text": (SYSTEM.replace("name: Shop", "name: [Shop]"), 2, "name must be text"),
    "unknown category": (
        SYSTEM + "    category: vendor\n",
        9,
        '"category" must be one of website, subprocessor, internal',
    ),
    "identity check not boolean": (
        SYSTEM + "    require_identity_check: sometimes\n",
        9,
        '"require_identity_check" must be true or false',
    ),
    "database without url_env": (
        SYSTEM.replace("    url_env: SHOP_URL\n", ""),
        2,
        'a database system needs "url_env"',
    ),
    "database without tables": (
        "systems:\n  - name: Shop\n    kind: database\n    url_env: SHOP_URL\n",
        2,
        'a database system needs "tables"',
    ),
    "database with no table": (
        "systems:\n  - name: Shop\n    kind: database\n    url_env: SHOP_URL\n    tables: []\n",
        5,
        "a database system needs at least one table",
    ),
    "variable in lower case": (
        SYSTEM.replace("SHOP_URL", "shop_url"),
        4,
        '"shop_url" is not an environment variable name',
    ),
    "variable starting with a digit": (
        SYSTEM.replace("SHOP_URL", "1SHOP"),
        4,
        '"1SHOP" is not an environment variable name',
    ),
    "webhook without url": (
        "systems:\n  - name: Billing\n    kind: webhook\n    secret_env: SECRET\n",
        2,
        'a webhook system needs "url"',
    ),
    "webhook without secret": (
        "systems:\n  - name: Billing\n    kind: webhook\n    url: https://b.example/\n",
        2,
        'a webhook system needs "secret_env"',
    ),
    "webhook over ftp": (
        "systems:\n  - name: Billing\n    kind: webhook\n    secret_env: SECRET\n"
        "    url: ftp://b.example/\n",
        5,
        '"url" must be an http:// or https:// address',
    ),
    "webhook with tables": (
        "systems:\n  - name: Billing\n    kind: webhook\n    secret_env: SECRET\n"
        "    url: https://b.example/\n    tables: []\n",
        6,
        '"tables" is for database systems, not webhook ones',
    ),
    "processor without contact": (
        "systems:\n  - name: FastSpring\n    kind: processor\n",
        2,
        'a processor system needs "contact"',
    ),
    "processor contact not an address": (
        "systems:\n  - name: FastSpring\n    kind: processor\n    contact: their office\n",
        4,
        'a processor\'s "contact" must be an e-mail address',
    ),
    "manual with url_env": (
        "systems:\n  - name: Intranet\n    kind: manual\n    url_env: X\n",
        4,
        '"url_env" is for database systems, not manual ones',
    ),
    "tables not a list": (
        SYSTEM.split("    tables:")[0] + "    tables: customers\n",
        5,
        '"tables" must be a list',
    ),
    "table not a mapping": (SYSTEM + "      - orders\n", 9, "a table must be a mapping of keys"),
    "table without name": (
        SYSTEM + "      - identity: email\n        erase: delete\n",
        9,
        'a table needs "name"',
    ),
    "table without erase": (
        SYSTEM + "      - name: orders\n        identity: email\n",
        9,
        'a table needs "erase"',
    ),
    "table with identity and via": (
        SYSTEM + "      - name: orders\n        identity: email\n"
        "        via: customer_id -> customers.id\n        erase: delete\n",
        9,
        'a table has "identity" or "via", not both',
    ),
    "table with neither identity nor via": (
        SYSTEM + "      - name: orders\n        erase: delete\n",
        9,
        'a table needs "identity" or "via"',
    ),
    "unknown table key": (
        SYSTEM + "        columns: [email]\n",
        9,
        'unknown key "columns" (known: name, identity, via, erase)',
    ),
    "table listed twice": (
        SYSTEM + "      - name: customers\n        identity: email\n        erase: keep\n",
        9,
        'the table "customers" is listed twice (first on line 6)',
    ),
    "via without an arrow": (
        SYSTEM + "      - name: orders\n        via: customers.id\n        erase: delete\n",
        10,
        '"via" must read "column -> table.column", not "customers.id"',
    ),
    "via to a table not listed": (
        SYSTEM + "      - name: orders\n        via: client_id -> clients.id\n"
        "        erase: delete\n",
        10,
        '"via" names the table "clients", which this system does not list',
    ),
    "via to itself": (
        SYSTEM + "      - name: orders\n        via: parent_id -> orders.id\n"
        "        erase: delete\n",
        10,
        '"via" goes round in a circle: orders -> orders',
    ),
    "via in a circle": (
        SYSTEM + "      - name: a\n        via: b_id -> b.id\n        erase: delete\n"
        "      - name: b\n        via: a_id -> a.id\n        erase: delete\n",
        10,
        '"via" goes round in a circle: a -> b -> a',
    ),
    "unknown erase word": (
        SYSTEM.replace("erase: delete", "erase: remove"),
        8,
        '"erase" must be delete, keep, {keep: reason}, {mask: [columns]} or {null: [columns]}',
    ),
    "unknown erase action": (
        SYSTEM.replace("erase: delete", "erase: {hash: [email]}"),
        8,
        '"erase" must be delete, keep',
    ),
    "two erase actions": (
        SYSTEM.replace("erase: delete", "erase: {mask: [a], null: [b]}"),
        8,
        '"erase" must be delete, keep',
    ),
    "keep without reason": (
        SYSTEM.replace("erase: delete", "erase: {keep: ''}"),
        8,
        "the reason to keep the rows must not be empty",
    ),
    "mask without columns": (
        SYSTEM.replace("erase: delete", "erase: {mask: []}"),
        8,
        'the columns to "mask" must not be empty',
    ),
    "null of a single column": (
        SYSTEM.replace("erase: delete", "erase: {null: email}"),
        8,
        'the columns to "null" must be a list',
    ),
    "column listed twice": (
        SYSTEM.replace("erase: delete", "erase:\n          mask:\n          - a\n          - a"),
        11,
        'the column "a" is listed twice',
    ),
}


@pytest.mark.parametrize(
    ("text", "line", "message"), list(WRONG_MAPS.values()), ids=list(WRONG_MAPS)
)
def test_a_wrong_map_names_the_line_and_the_problem(text, line, message):
    problems = problems_of(text)

    assert any(at == line and message in said for at, said in problems), problems


def test_every_problem_of_a_file_is_reported_at_once():
    text = SYSTEM.replace("SHOP_URL", "shop") + "  - name: X\n    kind: fax\n"

    assert [line for line, _message in problems_of(text)] == [4, 10]


def test_a_wrong_table_is_not_also_reported_as_missing_by_a_via_to_it():
    text = SYSTEM.replace("erase: delete", "erase: remove") + (
        "      - name: orders\n        via: customer_id -> customers.id\n        erase: delete\n"
    )

    assert [line for line, _message in problems_of(text)] == [8]


def test_the_admins_tables_field_is_read_by_the_same_rules_with_its_own_lines():
    with pytest.raises(DatamapError) as raised:
        datamap.parse_tables("- name: orders\n  via: customer_id -> customers.id\n  erase: keep\n")

    assert raised.value.problems == [
        (2, '"via" names the table "customers", which this system does not list')
    ]


def test_unsafe_yaml_tags_are_refused_not_run():
    text = "systems:\n  - !!python/object/apply:os.system [echo]\n"
    text += "  - name: !!python/name:os.system\n    kind: manual\n"

    assert problems_of(text) == [
        (2, "a system must be a mapping of keys"),
        (3, "a system's name must be text"),
    ]
