"""A database system's tables as the data map gives them: how rows are found, what erasure does.

The file's reader (`datamap.py`) and the admin's tables field (`datamap.parse_tables`) both read
tables with `TableReader`, so that one set of rules and messages holds for both.
"""

from __future__ import annotations

import yaml
from django.utils.translation import gettext

from requests_app.connectors import spec
from requests_app.connectors.yamlnodes import NodeReader, key_text

TABLE_KEYS = ("name", "identity", "via", "erase")
ERASE_FORMS = "delete, keep, {keep: reason}, {mask: [columns]} or {null: [columns]}"


class TableReader(NodeReader):
    """Reads a list of tables: each found by identity or via, each with its erase action."""

    def tables(self, node: yaml.Node) -> tuple[spec.Table, ...]:
        items = self.sequence(node, '"tables"')
        if items is None:
            return ()
        found: dict[str, tuple[yaml.Node, spec.Table]] = {}
        for item in items:
            table = self.table(item)
            if table is None:
                continue
            if table.name in found:
                self.problem(
                    item,
                    gettext('the table "%(name)s" is listed twice (first on line %(line)d)')
                    % {"name": table.name, "line": found[table.name][0].start_mark.line + 1},
                )
            else:
                found[table.name] = (item, table)
        self.links(found, listed={name_of(item) for item in items})
        return tuple(table for _node, table in found.values())

    def table(self, node: yaml.Node) -> spec.Table | None:
        entries = self.mapping(node, gettext("a table"))
        if entries is None:
            return None
        before = len(self.problems)
        self.unknown_keys(entries, TABLE_KEYS)
        for needed in ("name", "erase"):
            if needed not in entries:
                self.problem(node, gettext('a table needs "%(key)s"') % {"key": needed})
        if "identity" in entries and "via" in entries:
            self.problem(node, gettext('a table has "identity" or "via", not both'))
        elif "identity" not in entries and "via" not in entries:
            self.problem(node, gettext('a table needs "identity" or "via"'))
        name = self.word(entries["name"][1], gettext("a table's name")) if "name" in entries else ""
        identity = via = erase = None
        if "identity" in entries:
            identity = self.word(entries["identity"][1], '"identity"')
        if "via" in entries:
            via = self.via(entries["via"][1])
        if "erase" in entries:
            erase = self.erase(entries["erase"][1])
        if len(self.problems) > before:
            return None
        return spec.Table(name=name, identity=identity, via=via, erase=erase)

    def via(self, node: yaml.Node) -> spec.Via | None:
        value = self.text(node, '"via"')
        if value is None:
            return None
        try:
            return spec.Via.parse(value)
        except ValueError:
            self.problem(
                node,
                gettext('"via" must read "column -> table.column", not "%(value)s"')
                % {"value": value},
            )
            return None

    def erase(self, node: yaml.Node) -> spec.Erase | None:
        value = self.scalar(node)
        if value in (spec.DELETE, spec.KEEP):
            return spec.Erase(value)
        action = argument = None
        if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
            key_node, argument = node.value[0]
            action = key_text(key_node)
        if action not in (spec.KEEP, spec.MASK, spec.NULL):
            self.problem(node, gettext('"erase" must be %(forms)s') % {"forms": ERASE_FORMS})
            return None
        if action == spec.KEEP:
            reason = self.word(argument, gettext("the reason to keep the rows"))
            return spec.Erase(spec.KEEP, reason=reason) if reason else None
        columns = self.columns(argument, action)
        return spec.Erase(action, columns=columns) if columns else None

    def columns(self, node: yaml.Node, action: str) -> tuple[str, ...] | None:
        what = gettext('the columns to "%(action)s"') % {"action": action}
        items = self.sequence(node, what)
        if items is None:
            return None
        if not items:
            self.problem(node, gettext("%(what)s must not be empty") % {"what": what})
            return None
        columns: list[str] = []
        for item in items:
            column = self.word(item, gettext("a column's name"))
            if column in columns:
                message = gettext('the column "%(name)s" is listed twice') % {"name": column}
                self.problem(item, message)
            if column is None or column in columns:
                return None
            columns.append(column)
        return tuple(columns)

    def links(self, found: dict[str, tuple[yaml.Node, spec.Table]], listed: set[str]) -> None:
        """Every via names a table of the same system, and following them ends at an identity.

        `found` holds the tables read without a problem; `listed`, every name given (a wrong
        table has its own problem, and a via to it is not one more).
        """
        for node, table in found.values():
            if table.via is None:
                continue
            if table.via.table not in listed:
                self.problem(
                    via_node(node),
                    gettext('"via" names the table "%(table)s", which this system does not list')
                    % {"table": table.via.table},
                )
                continue
            path, current = [table.name], table
            while current.via is not None and current.via.table in found:
                current = found[current.via.table][1]
                path.append(current.name)
                if current.name in path[:-1]:
                    self.problem(
                        via_node(node),
                        gettext('"via" goes round in a circle: %(path)s')
                        % {"path": " -> ".join(path)},
                    )
                    break


def name_of(table_node: yaml.Node) -> str | None:
    """The name a table's entry gives, read before (and whatever) its checks find."""
    if isinstance(table_node, yaml.MappingNode):
        for key, value in table_node.value:
            if key_text(key) == "name" and isinstance(value, yaml.ScalarNode):
                return value.value.strip()
    return None


def via_node(table_node: yaml.MappingNode) -> yaml.Node:
    return next(value for key, value in table_node.value if key.value == "via")
