"""The data map file: read and check it (every problem with its line), then load it.

The file is YAML (docs/CONNECTORS.md), read node by node (`yamlnodes.py`) so that each
problem names the line of the key or value at fault. A system's keys are checked here, its
tables in `tables.py`; `parse_tables` reads the admin's tables field by those same rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext

from requests_app.connectors import spec
from requests_app.connectors.tables import TableReader
from requests_app.connectors.yamlnodes import Entries
from requests_app.models.systems import ENV_NAME, DataSystem, http_url

Connector, Category = DataSystem.Connector, DataSystem.Kind
NAME_LENGTH = DataSystem._meta.get_field("name").max_length
CONTACT_LENGTH = DataSystem._meta.get_field("contact").max_length
URL_LENGTH = DataSystem._meta.get_field("url").max_length
ENV_LENGTH = DataSystem._meta.get_field("url_env").max_length

TEXT_KEYS = ("contact", "holds", "purpose", "retention", "source", "automated_decisions")
COMMON_KEYS = ("name", "kind", "category", "require_identity_check", *TEXT_KEYS)
# The keys only one connector takes.
KIND_KEYS = {
    "url_env": Connector.DATABASE,
    "tables": Connector.DATABASE,
    "url": Connector.WEBHOOK,
    "secret_env": Connector.WEBHOOK,
}


class DatamapError(ValueError):
    """A data map that cannot be loaded; `problems` holds (line, message) pairs by line."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = sorted(problems, key=lambda problem: problem[0])
        super().__init__(
            "\n".join(
                gettext("line %(line)d: %(message)s") % {"line": line, "message": message}
                for line, message in self.problems
            )
        )


@dataclass(frozen=True)
class SystemSpec:
    """One system of the map, as the file gives it (defaults filled in)."""

    name: str
    kind: str
    category: str
    url_env: str = ""
    url: str = ""
    secret_env: str = ""
    contact: str = ""
    require_identity_check: bool = False
    tables: tuple[spec.Table, ...] = ()
    holds: str = ""
    purpose: str = ""
    retention: str = ""
    source: str = ""
    automated_decisions: str = ""

    def model_fields(self) -> dict[str, Any]:
        """The DataSystem fields the map sets (the row's `kind` is the map's `category`)."""
        values = {key: getattr(self, key) for key in ("url_env", "url", "secret_env")}
        values |= {key: getattr(self, key) for key in TEXT_KEYS}
        return values | {
            "connector": self.kind,
            "kind": self.category,
            "require_identity_check": self.require_identity_check,
            "tables": [table.to_json() for table in self.tables],
            "active": True,
        }


def parse(text: str) -> list[SystemSpec]:
    """The systems of a data map file; DatamapError lists every problem found."""
    reader = SystemReader()
    root = reader.compose(text)
    systems: list[SystemSpec] = []
    if root is not None:
        entries = reader.mapping(root, gettext("the data map"))
        if entries is not None:
            reader.unknown_keys(entries, ("systems",))
            if "systems" not in entries:
                reader.problem(root, gettext('the data map needs a "systems" list'))
            else:
                systems = reader.systems(entries["systems"][1])
    elif not reader.problems:
        reader.problems.append((1, gettext('the data map is empty: it needs a "systems" list')))
    if reader.problems:
        raise DatamapError(reader.problems)
    return systems


def parse_tables(text: str) -> tuple[spec.Table, ...]:
    """A list of tables in the map's shape (the admin's field); DatamapError if wrong."""
    reader = TableReader()
    root = reader.compose(text)
    tables = reader.tables(root) if root is not None else ()
    if reader.problems:
        raise DatamapError(reader.problems)
    return tables


def dump_tables(tables: list[dict[str, Any]]) -> str:
    """Stored tables as the YAML that parse_tables reads back, written as in the file."""
    if not tables:
        return ""
    return yaml.dump(tables, Dumper=TablesDumper, sort_keys=False, allow_unicode=True, width=100)


class TablesDumper(yaml.SafeDumper):
    """Tables as blocks; an erase action and its columns on one line: `{mask: [a, b]}`."""

    def represent_dict(self, data: dict[str, Any]) -> yaml.Node:
        return self.represent_mapping("tag:yaml.org,2002:map", data, flow_style=len(data) == 1)

    def represent_list(self, data: list[Any]) -> yaml.Node:
        flow = all(isinstance(item, str) for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


TablesDumper.add_representer(dict, TablesDumper.represent_dict)
TablesDumper.add_representer(list, TablesDumper.represent_list)


class SystemReader(TableReader):
    """Reads the systems of a map: names, kinds, the keys each kind needs and takes."""

    def systems(self, node: yaml.Node) -> list[SystemSpec]:
        items = self.sequence(node, '"systems"')
        if items is None:
            return []
        systems, first_line = [], {}
        for item in items:
            system = self.system(item)
            if system is None:
                continue
            if system.name in first_line:
                self.problem(
                    item,
                    gettext('the name "%(name)s" is used twice (first on line %(line)d)')
                    % {"name": system.name, "line": first_line[system.name]},
                )
            else:
                first_line[system.name] = item.start_mark.line + 1
                systems.append(system)
        return systems

    def system(self, node: yaml.Node) -> SystemSpec | None:
        entries = self.mapping(node, gettext("a system"))
        if entries is None:
            return None
        before = len(self.problems)
        kind = self.kind(node, entries)
        self.unknown_keys(entries, (*COMMON_KEYS, *KIND_KEYS))
        values: dict[str, Any] = {"kind": kind}
        for key, (key_node, value_node) in entries.items():
            if key in KIND_KEYS and kind is not None and KIND_KEYS[key] != kind:
                self.problem(
                    key_node,
                    gettext('"%(key)s" is for %(owner)s systems, not %(kind)s ones')
                    % {"key": key, "owner": KIND_KEYS[key], "kind": kind},
                )
            elif key != "kind" and key in (*COMMON_KEYS, *KIND_KEYS):
                values[key] = self.value(key, value_node)
        if "name" not in entries:
            self.problem(node, gettext('a system needs a "name"'))
        for needed in DataSystem.NEEDS.get(kind, ()):
            if needed not in entries:
                self.problem(
                    node,
                    gettext('a %(kind)s system needs "%(key)s"') % {"kind": kind, "key": needed},
                )
        if kind == Connector.PROCESSOR and "contact" in entries:
            self.processor_contact(entries["contact"][1], values.get("contact"))
        if len(self.problems) > before:
            return None
        category = values.pop("category", None)
        if category is None:
            processor = kind == Connector.PROCESSOR
            category = Category.SUBPROCESSOR if processor else Category.INTERNAL
        return SystemSpec(category=category, **values)

    def kind(self, node: yaml.Node, entries: Entries) -> str | None:
        if "kind" not in entries:
            kinds = ", ".join(Connector.values)
            self.problem(node, gettext('a system needs a "kind": %(kinds)s') % {"kinds": kinds})
            return None
        return self.choice(entries["kind"][1], '"kind"', Connector.values)

    def value(self, key: str, node: yaml.Node) -> Any:
        """The value of one of a system's keys; None when it is wrong (a problem noted)."""
        if key == "name":
            return self.word(node, gettext("a system's name"), max_length=NAME_LENGTH)
        if key == "category":
            return self.choice(node, '"category"', Category.values)
        if key == "require_identity_check":
            return self.boolean(node, '"require_identity_check"')
        if key in ("url_env", "secret_env"):
            return self.env_name(node)
        if key == "url":
            return self.url(node)
        if key == "tables":
            return self.database_tables(node)
        if key == "contact":
            return self.text(node, '"contact"', max_length=CONTACT_LENGTH)
        return self.text(node, f'"{key}"')

    def env_name(self, node: yaml.Node) -> str | None:
        value = self.text(node, gettext("an environment variable's name"), max_length=ENV_LENGTH)
        if value is not None and not re.match(ENV_NAME, value):
            self.problem(
                node,
                gettext(
                    '"%(value)s" is not an environment variable name: capital letters, '
                    "digits and _, not starting with a digit"
                )
                % {"value": value},
            )
            return None
        return value

    def url(self, node: yaml.Node) -> str | None:
        value = self.text(node, '"url"', max_length=URL_LENGTH)
        if value is None:
            return None
        try:
            http_url(value)
        except ValidationError:
            self.problem(
                node,
                gettext('"url" must be an http:// or https:// address, not "%(value)s"')
                % {"value": value},
            )
            return None
        return value

    def processor_contact(self, node: yaml.Node, value: str | None) -> None:
        if value is None:
            return
        try:
            validate_email(value)
        except ValidationError:
            self.problem(
                node,
                gettext('a processor\'s "contact" must be an e-mail address, not "%(value)s"')
                % {"value": value},
            )

    def database_tables(self, node: yaml.Node) -> tuple[spec.Table, ...] | None:
        tables = self.tables(node)
        if isinstance(node, yaml.SequenceNode) and not node.value:
            self.problem(node, gettext("a database system needs at least one table"))
        return tables


# ---------------------------------------------------------------------- loading


@dataclass(frozen=True)
class Loaded:
    system: DataSystem
    outcome: str  # "created", "updated" or "unchanged"


@dataclass(frozen=True)
class LoadResult:
    loaded: list[Loaded] = field(default_factory=list)
    not_in_file: list[DataSystem] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.loaded if item.outcome == outcome)


def load(specs: Sequence[SystemSpec]) -> LoadResult:
    """Create or update a row per system of the map, in one transaction; others stay as they are."""
    with transaction.atomic():
        existing = {system.name: system for system in DataSystem.objects.select_for_update()}
        loaded = [load_one(system_spec, existing.get(system_spec.name)) for system_spec in specs]
        in_file = {system_spec.name for system_spec in specs}
        not_in_file = [system for name, system in existing.items() if name not in in_file]
    return LoadResult(loaded, sorted(not_in_file, key=lambda system: system.name))


def load_one(system_spec: SystemSpec, system: DataSystem | None) -> Loaded:
    values = system_spec.model_fields()
    if system is None:
        system = DataSystem(name=system_spec.name, **values)
        system.full_clean()
        system.save()
        return Loaded(system, "created")
    changed = [key for key, value in values.items() if getattr(system, key) != value]
    for key in changed:
        setattr(system, key, values[key])
    if not changed:
        return Loaded(system, "unchanged")
    system.full_clean()
    system.save(update_fields=changed)
    return Loaded(system, "updated")
