"""The case file: JSON and PDF from the plain dict the caller builds (RULES section 4)."""

from __future__ import annotations

import copy
import io
import json
import re

import pytest
from pypdf import PdfReader

from disputes_app.casefile import CASE_FILE_VERSION, to_json, to_pdf

UNICODE_BODY = "Grüße aus Zürich, ça va? Łódź – “quotes”, 10 € please; perché no."

EXPECTED_KEYS = {
    "answer_files",
    "answered_on",
    "case_file_version",
    "changed",
    "days_late",
    "dispute",
    "identity_checks",
    "refusals",
    "request_text",
    "country",
    "due_date_history",
    "due_on",
    "due_rule",
    "due_rule_label",
    "escalation",
    "extension",
    "final_answer",
    "generated_at",
    "messages",
    "organisation",
    "outcome",
    "reference",
    "refusal_reason",
    "refusal_reason_label",
    "received_on",
    "request_type",
    "request_type_label",
    "timeline",
    "version",
    "waits",
}


def make_case(**changes) -> dict:
    case = {
        "case_file_version": 2,
        "changed": "The requester said on 2026-06-20 that the dispute goes on.",
        "organisation": {
            "name": "Kaizen Software Solutions, LLC",
            "write_to": "Attn: Privacy Officer\n39962 Cedar Blvd, Suite 323\nNewark, CA 94560-5326",
            "contact": "privacy@kaizensoftware.com",
            "dpf_listing": "https://www.dataprivacyframework.gov/list",
            "framework": "eu_us",
        },
        "reference": "DSR-2026-000123",
        "request_type": "access",
        "request_type_label": "Access: a copy of my data and how it is used",
        "request_text": "Please send me a copy of every record you keep about me.",
        "country": "DE",
        "received_on": "2026-03-02",
        "due_on": "2026-06-02",
        "due_rule": "gdpr_month_extended",
        "due_rule_label": "three months (GDPR Art. 12(3), extended)",
        "due_date_history": [
            {
                "from": "2026-04-02",
                "to": "2026-06-02",
                "rule": "gdpr_month_extended",
                "when": "2026-03-20T10:00:00+00:00",
            }
        ],
        "identity_checks": [
            {
                "method": "account_login",
                "method_label": "Signed in to their account",
                "confirmed": True,
                "on": "2026-03-09",
            }
        ],
        "answered_on": "2026-05-28",
        "days_late": 0,
        "refusals": [
            {
                "reason": "no_data",
                "reason_label": "No data about the requester was found",
                "on": "2026-05-28",
                "in_part": False,
                "in_time": False,
            }
        ],
        "answer_files": [{"file": "search-log.pdf", "size": 20480, "sent_on": "2026-05-28"}],
        "outcome": "refused",
        "refusal_reason": "no_data",
        "refusal_reason_label": "No data about the requester was found",
        "waits": [
            {
                "reason": "identity",
                "reason_label": "Waiting for proof of identity",
                "from": "2026-03-05",
                "to": "2026-03-09",
            },
            {
                "reason": "clarification",
                "reason_label": "Waiting for the requester to clarify the request",
                "from": "2026-03-12",
                "to": None,
            },
        ],
        "extension": {
            "on": "2026-03-20",
            "reason": "Data in three systems.",
            "due_on": "2026-06-02",
        },
        "timeline": [
            {"when": "2026-03-02T10:00:00+00:00", "what": "filed", "label": "Request received"},
            {
                "when": "2026-03-05T08:30:00+00:00",
                "what": "wait_started",
                "label": "Waiting for proof of identity",
            },
            {"when": "2026-03-20T10:00:00+00:00", "what": "extended", "label": "Due date extended"},
            {"when": "2026-05-28T16:45:00+02:00", "what": "refused", "label": "Request refused"},
        ],
        "messages": [
            {"when": "2026-03-05T08:30:00+00:00", "from": "team", "body": "Please confirm."},
            {"when": "2026-03-06T09:15:00+00:00", "from": "requester", "body": UNICODE_BODY},
        ],
        "final_answer": "We searched all our systems and found no data about you.",
        "escalation": {
            "body": "JAMS",
            "filed_on": "2026-06-10",
            "reason": "I do not believe no data was found.",
            "employment_data": False,
            "employment_country": None,
            "claim_url": "https://www.jamsadr.com/dpf-dispute-resolution",
        },
        "dispute": {
            "status": "answer_due",
            "status_label": "the organisation's answer is due",
            "outcome": None,
            "answer_due_on": "2026-07-10",
            "deadlines": [
                {
                    "for": "hearing",
                    "label": "a hearing",
                    "due_on": "2026-07-22",
                    "set_on": "2026-06-15",
                    "met_on": None,
                }
            ],
            "steps": [
                {
                    "what": "step",
                    "label": "a step of the dispute",
                    "status": "filed",
                    "status_label": "filed with the body",
                    "on": "2026-06-10",
                    "recorded": "2026-06-10T09:00:00+00:00",
                    "note": "",
                },
                {
                    "what": "deadline",
                    "label": "the body set a date",
                    "status": "answer_due",
                    "status_label": "the organisation's answer is due",
                    "on": "2026-06-15",
                    "recorded": "2026-06-16T11:30:00+00:00",
                    "note": "a hearing: 2026-07-22",
                },
            ],
            "late_answer_on": "2026-06-18",
            "withdrawn_on": None,
            "authority_step_on": None,
            "arbitration_bar": None,
        },
        "generated_at": "2026-06-10T09:00:00+00:00",
    }
    case.update(changes)
    return case


def pdf_text(data: bytes) -> str:
    """All pages' text, whitespace collapsed so wrapped lines read as one."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def all_keys(value) -> set[str]:
    if isinstance(value, dict):
        keys = set(value)
        for item in value.values():
            keys |= all_keys(item)
        return keys
    if isinstance(value, list):
        keys = set()
        for item in value:
            keys |= all_keys(item)
        return keys
    return set()


# ------------------------------------------------------------------------------- JSON


def test_json_round_trips_with_exactly_the_expected_keys():
    case = make_case()
    loaded = json.loads(to_json(case))

    assert loaded == {**case, "version": CASE_FILE_VERSION}
    assert set(loaded) == EXPECTED_KEYS
    # The organisation's own name and address are no one's personal data.
    assert set(loaded.pop("organisation")) == {
        "name",
        "write_to",
        "contact",
        "dpf_listing",
        "framework",
    }
    personal = {"name", "email", "mail", "ip", "address", "phone"}
    for key in all_keys(loaded):
        assert not personal & set(key.lower().split("_")), key


def test_json_is_utf8_sorted_and_indented():
    data = to_json(make_case())

    assert isinstance(data, bytes)
    assert UNICODE_BODY.encode("utf-8") in data  # not \u-escaped
    loaded = json.loads(data.decode("utf-8"))
    assert (
        data.decode("utf-8")
        == json.dumps(loaded, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    )
    assert loaded["version"] == CASE_FILE_VERSION == 2


def test_json_keeps_empty_and_unanswered_cases():
    case = make_case(
        due_date_history=[],
        answered_on=None,
        outcome="none",
        refusal_reason=None,
        refusal_reason_label=None,
        waits=[],
        extension=None,
        messages=[],
        final_answer=None,
    )

    assert json.loads(to_json(case)) == {**case, "version": CASE_FILE_VERSION}


@pytest.mark.parametrize(
    "change",
    [
        lambda case: case.update(requester_email="someone@example.org"),
        lambda case: case["messages"][0].update(ip="203.0.113.9"),
        lambda case: case["escalation"].update(name="A. Person"),
        lambda case: case.pop("due_rule"),
        lambda case: case.update(outcome="lost"),
        lambda case: case.update(version=1),
        lambda case: case["organisation"].update(framework="privacy_shield"),
        lambda case: case["dispute"]["steps"][0].update(email="a@example.org"),
    ],
    ids=[
        "extra-key",
        "nested-extra-key",
        "escalation-extra-key",
        "missing",
        "outcome",
        "version",
        "framework",
        "dispute-step-extra-key",
    ],
)
def test_unknown_extra_or_missing_keys_are_refused_not_copied(change):
    case = make_case()
    change(case)

    with pytest.raises(ValueError):
        to_json(case)
    with pytest.raises(ValueError):
        to_pdf(case)


def test_json_does_not_change_the_callers_dict():
    case = make_case()
    before = copy.deepcopy(case)

    to_json(case)
    to_pdf(case)

    assert case == before


# ------------------------------------------------------------------------------- PDF


def test_pdf_holds_every_fact():
    case = make_case()
    data = to_pdf(case)

    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    expected = [
        case["organisation"]["name"],
        case["organisation"]["contact"],
        case["organisation"]["dpf_listing"],
        "39962 Cedar Blvd, Suite 323",
        "EU-U.S. Data Privacy Framework",
        case["request_text"],
        case["changed"],
        "version 2 of this case file",
        f"Case file {case['reference']}",
        case["request_type_label"],
        case["country"],
        case["received_on"],
        case["due_on"],
        case["due_rule_label"],
        case["answered_on"],
        case["refusal_reason_label"],
        case["final_answer"],
        case["escalation"]["body"],
        case["escalation"]["filed_on"],
        case["escalation"]["reason"],
        case["escalation"]["claim_url"],
        case["extension"]["on"],
        case["extension"]["due_on"],
        case["extension"]["reason"],
        "2026-06-10 09:00 UTC",  # generated_at
        "2026-05-28 16:45 +02:00",  # a time that is not UTC keeps its offset
    ]
    for change in case["due_date_history"]:
        expected += [change["from"], change["to"], change["rule"], change["when"][:10]]
    for wait in case["waits"]:
        expected += [wait["reason_label"], wait["from"]] + ([wait["to"]] if wait["to"] else [])
    for event in case["timeline"]:
        expected += [event["label"], event["when"][:10]]
    for message in case["messages"]:
        expected += [message["body"], message["when"][:10]]
    for check in case["identity_checks"]:
        expected += [check["method_label"], check["on"], "confirmed"]
    for refusal in case["refusals"]:
        expected += [refusal["reason_label"], refusal["on"]]
    for answer_file in case["answer_files"]:
        expected += [answer_file["file"], str(answer_file["size"]), answer_file["sent_on"]]
    dispute = case["dispute"]
    expected += [dispute["status_label"], dispute["answer_due_on"], dispute["late_answer_on"]]
    for deadline in dispute["deadlines"]:
        expected += [deadline["label"], deadline["due_on"], deadline["set_on"]]
    for step in dispute["steps"]:
        expected += [step["status_label"], step["on"]]
    expected += ["Days late"]
    missing = [fact for fact in expected if fact not in text]
    assert not missing
    assert "Grüße aus Zürich, ça va? Łódź" in text
    assert "[U+" not in text  # everything above is in the font
    assert re.search(r"Page 1 of \d", text)


def test_pdf_embeds_its_font():
    reader = PdfReader(io.BytesIO(to_pdf(make_case())))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor  # an embedded TrueType program
        assert "OpenSans" in font["/BaseFont"]


def test_pdf_of_an_unanswered_case_says_so():
    case = make_case(
        due_date_history=[],
        answered_on=None,
        outcome="none",
        refusal_reason=None,
        refusal_reason_label=None,
        waits=[],
        extension=None,
        messages=[],
        final_answer=None,
        timeline=[],
    )
    text = pdf_text(to_pdf(case))

    for note in [
        "Not answered",
        "No final answer",
        "The due date never moved.",
        "The clock never waited.",
        "The due date was not extended.",
        "No messages were exchanged.",
        "No final answer was given.",
    ]:
        assert note in text


def test_characters_the_font_lacks_are_replaced_not_fatal():
    body = "Danke 🙂👍🏽 see 中文 and ❤️ – “ok”\u200d\x00\x07 end"
    case = make_case(
        messages=[{"when": "2026-03-06T09:15:00+00:00", "from": "requester", "body": body}],
        final_answer="Réponse finale ✓",
    )
    data = to_pdf(case)
    text = pdf_text(data)

    assert "Danke [U+1F642][U+1F44D][U+1F3FD] see [U+4E2D][U+6587] and [U+2764]" in text
    assert "– “ok” end" in text
    assert "Réponse finale [U+2713]" in text
    assert "[U+" in text and "are written as [U+code]" in text
    for char in "🙂👍中文❤✓":
        assert char not in text
    # The JSON keeps the original text.
    assert json.loads(to_json(case))["messages"][0]["body"] == body


def test_decomposed_accents_are_composed():
    case = make_case(
        messages=[
            {"when": "2026-03-06T09:15:00+00:00", "from": "team", "body": "Cafe\u0301 Zu\u0308rich"}
        ]
    )

    text = pdf_text(to_pdf(case))

    assert "Café Zürich" in text
    assert "[U+" not in text


def test_a_very_long_message_flows_across_pages():
    long_word = "".join(chr(ord("a") + i % 26) for i in range(300))
    sentence = "Ich möchte wissen, welche Daten Sie über mich speichern (Łódź, Genève). "
    body = (sentence * (10_000 // len(sentence) + 1))[: 10_000 - len(long_word) - 2]
    body = body[: len(body) // 2] + f" {long_word} " + body[len(body) // 2 :]
    assert len(body) == 10_000
    case = make_case(
        messages=[{"when": "2026-03-06T09:15:00+00:00", "from": "requester", "body": body}],
        final_answer=long_word,
    )

    data = to_pdf(case)

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    text = pdf_text(data)
    squeezed = re.sub(r"\s+", "", text)
    assert squeezed.count(long_word) == 2  # wrapped across lines, nothing lost
    # Read without the page footers, the message is all there, in order.
    footer = re.compile(r"Case file DSR-2026-000123 Page \d+ of \d+")
    assert re.sub(r"\s+", "", body) in re.sub(r"\s+", "", footer.sub("", text))
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text


def test_long_free_text_in_reasons_flows_across_pages():
    long_word = "z" * 300
    reason = "The organisation never answered my request. " * 220 + long_word
    case = make_case(
        extension={"on": "2026-03-20", "reason": long_word, "due_on": "2026-06-02"},
        escalation={
            "body": "JAMS",
            "filed_on": "2026-06-10",
            "reason": reason,
            "employment_data": True,
            "employment_country": "FR",
            "claim_url": "https://example.org/claims/" + "a" * 200,
        },
    )

    data = to_pdf(case)

    assert len(PdfReader(io.BytesIO(data)).pages) >= 3
    squeezed = re.sub(r"\s+", "", pdf_text(data))
    assert squeezed.count(long_word) == 2


def test_same_facts_same_bytes():
    assert to_pdf(make_case()) == to_pdf(make_case())
    assert to_json(make_case()) == to_json(make_case())
