"""YAML read node by node, so that every problem names its line.

`NodeReader` walks what `yaml.compose` gives (the safe loader: composing builds no objects),
builds scalars with PyYAML's safe constructor and collects (line, message) problems instead of
stopping at the first. The data map's rules (`tables.py`, `datamap.py`) build on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml
from django.utils.translation import gettext

Entries = dict[str, tuple[yaml.Node, yaml.Node]]


class NodeReader:
    """Reads shapes (mapping, list, text, true/false, one of some words) and notes problems."""

    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append((node.start_mark.line + 1, message))

    def compose(self, text: str) -> yaml.Node | None:
        try:
            return yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else 1
            reason = error.problem or error.context or ""
            self.problems.append((line, gettext("not valid YAML: %(reason)s") % {"reason": reason}))
        except yaml.YAMLError as error:
            self.problems.append((1, gettext("not valid YAML: %(reason)s") % {"reason": error}))
        return None

    def mapping(self, node: yaml.Node, what: str) -> Entries | None:
        """Each key as written with its key and value nodes; None (a problem) if no mapping."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, gettext("%(what)s must be a mapping of keys") % {"what": what})
            return None
        entries: Entries = {}
        for key_node, value_node in node.value:
            key = self.key(key_node)
            if key in entries:
                self.problem(key_node, gettext('the key "%(key)s" is given twice') % {"key": key})
            elif key is not None:
                entries[key] = (key_node, value_node)
        return entries

    def key(self, node: yaml.Node) -> str | None:
        key = key_text(node)
        if key is None:
            self.problem(node, gettext("a key must be a plain word"))
        return key

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, gettext("%(what)s must be a list") % {"what": what})
            return None
        return node.value

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return node
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError:
            return node

    def text(self, node: yaml.Node, what: str, *, max_length: int | None = None) -> str | None:
        value = self.scalar(node)
        if not isinstance(value, str):
            self.problem(node, gettext("%(what)s must be text") % {"what": what})
            return None
        if max_length is not None and len(value) > max_length:
            self.problem(
                node,
                gettext("%(what)s is longer than %(count)d characters")
                % {"what": what, "count": max_length},
            )
            return None
        return value

    def word(self, node: yaml.Node, what: str, *, max_length: int | None = None) -> str | None:
        """Text that must not be empty: a name, a column (surrounding spaces dropped)."""
        value = self.text(node, what, max_length=max_length)
        if value is not None and not value.strip():
            self.problem(node, gettext("%(what)s must not be empty") % {"what": what})
            return None
        return value.strip() if value is not None else None

    def unknown_keys(self, entries: Entries, known: Sequence[str]) -> None:
        for key, (key_node, _value) in entries.items():
            if key not in known:
                self.problem(
                    key_node,
                    gettext('unknown key "%(key)s" (known: %(known)s)')
                    % {"key": key, "known": ", ".join(known)},
                )

    def choice(self, node: yaml.Node, what: str, choices: Sequence[str]) -> str | None:
        value = self.scalar(node)
        if value not in choices:
            shown = value if isinstance(value, str | int | float | bool) else "..."
            self.problem(
                node,
                gettext('%(what)s must be one of %(choices)s, not "%(value)s"')
                % {"what": what, "choices": ", ".join(choices), "value": shown},
            )
            return None
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        value = self.scalar(node)
        if not isinstance(value, bool):
            self.problem(node, gettext("%(what)s must be true or false") % {"what": what})
            return None
        return value


def key_text(node: yaml.Node) -> str | None:
    """A key as written; `null:` (a YAML null) reads "null", the name of an erase action."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    return "null" if node.tag == "tag:yaml.org,2002:null" else node.value
