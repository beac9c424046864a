"""What a case file may hold, checked key by key, and the case file as JSON."""

from __future__ import annotations

import json

# The format of the file: 2 added the organisation's details, the request's text, identity
# checks, answer files, days late, every refusal, and the dispute's own story and version.
CASE_FILE_VERSION = 2

# Every key the case file may hold, at every level. Nothing else goes in.
CASE_FIELDS = frozenset(
    {
        "case_file_version",
        "changed",
        "organisation",
        "reference",
        "request_type",
        "request_type_label",
        "request_text",
        "country",
        "received_on",
        "due_on",
        "due_rule",
        "due_rule_label",
        "due_date_history",
        "identity_checks",
        "answered_on",
        "days_late",
        "outcome",
        "refusal_reason",
        "refusal_reason_label",
        "refusals",
        "waits",
        "extension",
        "timeline",
        "messages",
        "answer_files",
        "final_answer",
        "escalation",
        "dispute",
        "generated_at",
    }
)
ORGANISATION_FIELDS = frozenset({"name", "write_to", "contact", "dpf_listing", "framework"})
DUE_DATE_CHANGE_FIELDS = frozenset({"from", "to", "rule", "when"})
IDENTITY_CHECK_FIELDS = frozenset({"method", "method_label", "confirmed", "on"})
REFUSAL_FIELDS = frozenset({"reason", "reason_label", "on", "in_part", "in_time"})
WAIT_FIELDS = frozenset({"reason", "reason_label", "from", "to"})
EXTENSION_FIELDS = frozenset({"on", "reason", "due_on"})
TIMELINE_FIELDS = frozenset({"when", "what", "label"})
MESSAGE_FIELDS = frozenset({"when", "from", "body"})
ANSWER_FILE_FIELDS = frozenset({"file", "size", "sent_on"})
ESCALATION_FIELDS = frozenset(
    {"body", "filed_on", "reason", "employment_data", "employment_country", "claim_url"}
)
DISPUTE_FIELDS = frozenset(
    {
        "status",
        "status_label",
        "outcome",
        "answer_due_on",
        "deadlines",
        "steps",
        "late_answer_on",
        "withdrawn_on",
        "authority_step_on",
        "arbitration_bar",
    }
)
DEADLINE_FIELDS = frozenset({"for", "label", "due_on", "set_on", "met_on"})
STEP_FIELDS = frozenset({"what", "label", "status", "status_label", "on", "recorded", "note"})
FRAMEWORKS = ("eu_us", "uk_extension", "swiss_us")

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
    _check_keys("organisation", facts["organisation"], ORGANISATION_FIELDS)
    _check_list("due_date_history", facts["due_date_history"], DUE_DATE_CHANGE_FIELDS)
    _check_list("identity_checks", facts["identity_checks"], IDENTITY_CHECK_FIELDS)
    _check_list("refusals", facts["refusals"], REFUSAL_FIELDS)
    _check_list("waits", facts["waits"], WAIT_FIELDS)
    _check_list("timeline", facts["timeline"], TIMELINE_FIELDS)
    _check_list("messages", facts["messages"], MESSAGE_FIELDS)
    _check_list("answer_files", facts["answer_files"], ANSWER_FILE_FIELDS)
    if facts["extension"] is not None:
        _check_keys("extension", facts["extension"], EXTENSION_FIELDS)
    _check_keys("escalation", facts["escalation"], ESCALATION_FIELDS)
    _check_keys("dispute", facts["dispute"], DISPUTE_FIELDS)
    _check_list("dispute.deadlines", facts["dispute"]["deadlines"], DEADLINE_FIELDS)
    _check_list("dispute.steps", facts["dispute"]["steps"], STEP_FIELDS)
    if facts["outcome"] not in OUTCOMES:
        raise ValueError(f"case file: unknown outcome {facts['outcome']!r}")
    if facts["organisation"]["framework"] not in FRAMEWORKS:
        raise ValueError(f"case file: unknown framework {facts['organisation']['framework']!r}")
    return facts


def to_json(case: dict) -> bytes:
    """The case file as UTF-8 JSON: the given facts plus "version", sorted keys, indent 2."""
    facts = checked(case)
    facts["version"] = CASE_FILE_VERSION
    text = json.dumps(facts, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")
