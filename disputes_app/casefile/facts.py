"""What a case file may hold, checked key by key, and the case file as JSON."""

from __future__ import annotations

import json

CASE_FILE_VERSION = 1

# Every key the case file may hold, at every level. Nothing else goes in.
CASE_FIELDS = frozenset(
    {
        "organisation",
        "reference",
        "request_type",
        "request_type_label",
        "country",
        "received_on",
        "due_on",
        "due_rule",
        "due_rule_label",
        "due_date_history",
        "answered_on",
        "outcome",
        "refusal_reason",
        "refusal_reason_label",
        "waits",
        "extension",
        "timeline",
        "messages",
        "final_answer",
        "escalation",
        "generated_at",
    }
)
DUE_DATE_CHANGE_FIELDS = frozenset({"from", "to", "rule", "when"})
WAIT_FIELDS = frozenset({"reason", "reason_label", "from", "to"})
EXTENSION_FIELDS = frozenset({"on", "reason", "due_on"})
TIMELINE_FIELDS = frozenset({"when", "what", "label"})
MESSAGE_FIELDS = frozenset({"when", "from", "body"})
ESCALATION_FIELDS = frozenset({"body", "filed_on", "reason", "employment_data", "claim_url"})

OUTCOMES = ("none", "answered", "refused", "answered_in_part")


def _check_keys(where: str, value: object, allowed: frozenset[str]) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"case file: {where} must be a dict, not {type(value).__name__}")
    unknown = sorted(set(value) - allowed)
    missing = sorted(allowed - set(value))
    if unknown:
        raise ValueError(f"case file: {where} has keys it must not hold: {', '.join(unknown)}")
    if missing:
        raise ValueError(f"case file: {where} lacks keys: {', '.join(missing)}")
    return value


def _check_list(where: str, value: object, allowed: frozenset[str]) -> list:
    if not isinstance(value, list):
        raise ValueError(f"case file: {where} must be a list, not {type(value).__name__}")
    for index, item in enumerate(value):
        _check_keys(f"{where}[{index}]", item, allowed)
    return value


def checked(case: dict) -> dict:
    """The case's facts, checked against the fixed key list; "version" is ours to set."""
    facts = dict(case)
    version = facts.pop("version", CASE_FILE_VERSION)
    if version != CASE_FILE_VERSION:
        raise ValueError(f"case file: version {version!r} is not {CASE_FILE_VERSION}")
    _check_keys("the case", facts, CASE_FIELDS)
    _check_list("due_date_history", facts["due_date_history"], DUE_DATE_CHANGE_FIELDS)
    _check_list("waits", facts["waits"], WAIT_FIELDS)
    _check_list("timeline", facts["timeline"], TIMELINE_FIELDS)
    _check_list("messages", facts["messages"], MESSAGE_FIELDS)
    if facts["extension"] is not None:
        _check_keys("extension", facts["extension"], EXTENSION_FIELDS)
    _check_keys("escalation", facts["escalation"], ESCALATION_FIELDS)
    if facts["outcome"] not in OUTCOMES:
        raise ValueError(f"case file: unknown outcome {facts['outcome']!r}")
    return facts


def to_json(case: dict) -> bytes:
    """The case file as UTF-8 JSON: the given facts plus "version", sorted keys, indent 2."""
    facts = checked(case)
    facts["version"] = CASE_FILE_VERSION
    text = json.dumps(facts, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")
