"""The case file a requester takes to a recourse body (RULES section 4).

Pure rendering: the caller builds a plain ``case`` dict from the database, and this module
turns it into a JSON document and an A4 PDF holding the same facts, and no more:

    to_json(case) -> bytes   UTF-8, sorted keys, indent 2, plus "version"
    to_pdf(case) -> bytes    a readable A4 PDF

Both check the dict against a fixed list of keys first (``CASE_FIELDS``): an unknown key
is refused rather than copied, so no name, e-mail or IP address slips into a case file
because a caller added one.

The PDF uses fpdf2 with Open Sans (the ``ttf-opensans`` package, Apache 2.0), embedded
and subset, so German, French, Italian, Polish, Czech, Romanian, Greek or Cyrillic text
prints as written. A character the font lacks (emoji, CJK) is printed as ``[U+XXXX]``,
and a note at the end of the PDF says so; the JSON keeps the original text.
"""

from __future__ import annotations

import functools
import json
import logging
import unicodedata
from datetime import datetime, timedelta

import ttf_opensans
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

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

# fpdf2 replaces this alias with the page count when the document is closed.
_PAGE_COUNT_ALIAS = "{nb}"

# Invisible formatting characters: dropped when the font lacks them (they only modify
# the emoji next to them, which is replaced anyway).
_INVISIBLE = frozenset([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF] + list(range(0xFE00, 0xFE10)))

_FONT_FAMILY = "OpenSans"
_FONT_FILES = {
    "": ttf_opensans.OPENSANS_REGULAR.path,
    "B": ttf_opensans.OPENSANS_BOLD.path,
    "I": ttf_opensans.OPENSANS_ITALIC.path,
}

# fpdf2 subsets the font with fontTools, which logs ~100 INFO lines per PDF; the portal's
# root logger is at INFO. Quiet it unless someone configured that logger on purpose.
_SUBSET_LOGGER = logging.getLogger("fontTools.subset")
if _SUBSET_LOGGER.level == logging.NOTSET:
    _SUBSET_LOGGER.setLevel(logging.WARNING)

# A4 portrait, millimetres.
_MARGIN = 18
_BODY_SIZE = 10
_LINE = 5
_LABEL_WIDTH = 48


# ---------------------------------------------------------------------------- checking


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


def _checked(case: dict) -> dict:
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


# ---------------------------------------------------------------------------- JSON


def to_json(case: dict) -> bytes:
    """The case file as UTF-8 JSON: the given facts plus "version", sorted keys, indent 2."""
    facts = _checked(case)
    facts["version"] = CASE_FILE_VERSION
    text = json.dumps(facts, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


# ---------------------------------------------------------------------------- text


@functools.cache
def _font_codepoints() -> frozenset[int]:
    """The code points every embedded face can draw."""
    covered = None
    for path in _FONT_FILES.values():
        font = TTFont(path, lazy=True)
        cmap = set(font.getBestCmap())
        font.close()
        covered = cmap if covered is None else covered & cmap
    return frozenset(covered or ())


class _Text:
    """Makes free text printable with the embedded font, and remembers if it had to."""

    def __init__(self) -> None:
        self.replaced = False
        self._covered = _font_codepoints()

    def __call__(self, value: object) -> str:
        if value is None:
            return ""
        text = unicodedata.normalize("NFC", str(value))
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        out = []
        for char in text:
            code = ord(char)
            if char == "\n" or code in self._covered:
                out.append(char)
            elif unicodedata.category(char) == "Cc" or code in _INVISIBLE:
                continue
            elif char.isspace():
                out.append(" ")
            else:
                self.replaced = True
                out.append(f"[U+{code:04X}]")
        return "".join(out)


def _when(value: str | None) -> str:
    """An ISO date-time as "2026-03-02 10:00 UTC"; a date, or anything else, as given."""
    if not value or "T" not in value:
        return value or ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    offset = moment.utcoffset()
    if offset is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    if offset == timedelta(0):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    zone = moment.strftime("%z")
    return moment.strftime("%Y-%m-%d %H:%M ") + f"{zone[:3]}:{zone[3:]}"


def _outcome_label(outcome: str) -> str:
    return {
        "none": _("No final answer"),
        "answered": _("Answered"),
        "refused": _("Refused"),
        "answered_in_part": _("Answered in part"),
    }[outcome]


def _sender_label(sender: str) -> str:
    if sender == "requester":
        return _("The requester")
    if sender == "team":
        return _("The organisation")
    return sender


# ---------------------------------------------------------------------------- PDF


class _CaseFilePDF(FPDF):
    def __init__(self, reference: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.reference = reference

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT_FAMILY, "", 8)
        self.set_text_color(90)
        page = _("Page %(page)s of %(pages)s") % {
            "page": self.page_no(),
            "pages": _PAGE_COUNT_ALIAS,
        }
        self.cell(0, 5, _("Case file %(reference)s") % {"reference": self.reference}, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, page, align="R")
        self.set_text_color(0)


class _Writer:
    def __init__(self, pdf: _CaseFilePDF, text: _Text) -> None:
        self.pdf = pdf
        self.text = text

    @property
    def width(self) -> float:
        return self.pdf.epw

    def heading(self, title: str) -> None:
        pdf = self.pdf
        # Keep a heading with at least a few lines of what follows it.
        if pdf.will_page_break(25):
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(_FONT_FAMILY, "B", 12)
        pdf.cell(0, 7, self.text(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = pdf.get_y()
        pdf.set_draw_color(160)
        pdf.line(pdf.l_margin, y, pdf.l_margin + self.width, y)
        pdf.set_draw_color(0)
        pdf.ln(2)
        pdf.set_font(_FONT_FAMILY, "", _BODY_SIZE)

    def paragraph(self, value: object, style: str = "", size: float = _BODY_SIZE) -> None:
        pdf = self.pdf
        pdf.set_font(_FONT_FAMILY, style, size)
        pdf.multi_cell(
            self.width,
            _LINE,
            self.text(value),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_font(_FONT_FAMILY, "", _BODY_SIZE)

    def nothing(self, note: str) -> None:
        self.paragraph(note, style="I")

    def fields(self, rows: list[list[object]]) -> None:
        """Label / value pairs. A value may be long free text, so it flows across pages."""
        pdf = self.pdf
        for label, value in rows:
            if pdf.will_page_break(2 * _LINE):
                pdf.add_page()
            page, top = pdf.page, pdf.get_y()
            pdf.set_font(_FONT_FAMILY, "B", _BODY_SIZE)
            pdf.multi_cell(_LABEL_WIDTH - 3, _LINE, self.text(label), align="L", new_x=XPos.LMARGIN)
            label_bottom = pdf.get_y()
            pdf.set_font(_FONT_FAMILY, "", _BODY_SIZE)
            pdf.set_xy(pdf.l_margin + _LABEL_WIDTH, top)
            pdf.multi_cell(
                self.width - _LABEL_WIDTH,
                _LINE,
                self.text(value),
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            if pdf.page == page:
                pdf.set_y(max(label_bottom, pdf.get_y()))
            pdf.ln(1.5)
        pdf.ln(1)

    def table(self, headings: list[str], rows: list[list[object]], widths) -> None:
        """A table with headings, for short values only (a row never spans pages)."""
        pdf = self.pdf
        pdf.set_font(_FONT_FAMILY, "", _BODY_SIZE)
        with pdf.table(
            col_widths=widths,
            width=self.width,
            align="LEFT",
            text_align="LEFT",
            headings_style=FontFace(emphasis="BOLD", fill_color=235),
            borders_layout="HORIZONTAL_LINES",
            line_height=_LINE,
            padding=(1, 1.5),
            v_align="TOP",
        ) as table:
            row = table.row()
            for heading in headings:
                row.cell(self.text(heading))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(self.text(value))
        pdf.ln(1)


def _render(case: dict, pdf: _CaseFilePDF, text: _Text) -> None:
    w = _Writer(pdf, text)
    escalation = case["escalation"]

    pdf.set_font(_FONT_FAMILY, "B", 18)
    pdf.multi_cell(
        w.width,
        9,
        text(_("Case file %(reference)s") % {"reference": case["reference"]}),
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    w.paragraph(case["organisation"], style="B", size=12)
    w.paragraph(
        _("Prepared for %(body)s on %(generated)s. Case file format version %(version)s.")
        % {
            "body": escalation["body"],
            "generated": _when(case["generated_at"]),
            "version": CASE_FILE_VERSION,
        },
        size=9,
    )

    # Summary.
    w.heading(_("Summary"))
    if case["outcome"] == "refused" or case["refusal_reason"]:
        refusal = case["refusal_reason_label"] or case["refusal_reason"]
    else:
        refusal = _("None")
    w.fields(
        [
            [_("Reference"), case["reference"]],
            [_("Request type"), f"{case['request_type_label']} ({case['request_type']})"],
            [_("Country"), case["country"]],
            [_("Received"), case["received_on"]],
            [_("Due"), case["due_on"]],
            [_("Due-date rule"), f"{case['due_rule_label']} ({case['due_rule']})"],
            [_("Answered"), case["answered_on"] or _("Not answered")],
            [_("Outcome"), _outcome_label(case["outcome"])],
            [_("Refusal reason"), refusal],
        ]
    )

    # Due-date history.
    w.heading(_("Due-date history"))
    changes = case["due_date_history"]
    if changes:
        w.table(
            [_("Changed"), _("From"), _("To"), _("Rule")],
            [[_when(c["when"]), c["from"], c["to"], c["rule"]] for c in changes],
            widths=(44, 30, 30, 70),
        )
    else:
        w.nothing(_("The due date never moved."))

    # Waits.
    w.heading(_("Waits"))
    if case["waits"]:
        w.table(
            [_("Reason"), _("From"), _("To")],
            [
                [
                    f"{wait['reason_label']} ({wait['reason']})",
                    wait["from"],
                    wait["to"] or _("still waiting"),
                ]
                for wait in case["waits"]
            ],
            widths=(114, 30, 30),
        )
    else:
        w.nothing(_("The clock never waited."))

    # Extension.
    w.heading(_("Extension"))
    extension = case["extension"]
    if extension:
        w.fields(
            [
                [_("Extended on"), extension["on"]],
                [_("New due date"), extension["due_on"]],
                [_("Reason"), extension["reason"]],
            ]
        )
    else:
        w.nothing(_("The due date was not extended."))

    # Timeline.
    w.heading(_("Timeline"))
    if case["timeline"]:
        w.table(
            [_("When"), _("Event")],
            [[_when(event["when"]), event["label"]] for event in case["timeline"]],
            widths=(44, 130),
        )
    else:
        w.nothing(_("No events."))

    # Messages.
    w.heading(_("Messages"))
    if case["messages"]:
        for index, message in enumerate(case["messages"], start=1):
            if pdf.will_page_break(15):
                pdf.add_page()
            w.paragraph(
                _("%(number)s. %(sender)s, %(when)s")
                % {
                    "number": index,
                    "sender": _sender_label(message["from"]),
                    "when": _when(message["when"]),
                },
                style="B",
            )
            w.paragraph(message["body"])
            pdf.ln(2)
    else:
        w.nothing(_("No messages were exchanged."))

    # Final answer.
    w.heading(_("Final answer"))
    if case["final_answer"]:
        w.paragraph(case["final_answer"])
    else:
        w.nothing(_("No final answer was given."))
    if case["outcome"] in ("refused", "answered_in_part") and case["refusal_reason"]:
        pdf.ln(1.5)
        w.paragraph(
            _("Reason for refusal: %(reason)s")
            % {"reason": case["refusal_reason_label"] or case["refusal_reason"]},
            style="B",
        )

    # Escalation.
    w.heading(_("Escalation"))
    w.fields(
        [
            [_("Recourse body"), escalation["body"]],
            [_("Filed on"), escalation["filed_on"]],
            [_("Reason"), escalation["reason"]],
            [
                _("Human-resources data"),
                _("Yes") if escalation["employment_data"] else _("No"),
            ],
            [_("Claim page"), escalation["claim_url"] or _("None")],
        ]
    )

    if text.replaced:
        pdf.ln(4)
        w.paragraph(
            _(
                "Characters this PDF's font cannot show are written as [U+code]. "
                "The JSON case file holds the original text."
            ),
            style="I",
            size=8,
        )


def to_pdf(case: dict) -> bytes:
    """The case file as an A4 PDF holding the same facts as ``to_json``."""
    facts = _checked(case)
    text = _Text()
    pdf = _CaseFilePDF(text(facts["reference"]))
    for style, path in _FONT_FILES.items():
        pdf.add_font(_FONT_FAMILY, style, path)
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(True, margin=_MARGIN)
    pdf.alias_nb_pages(_PAGE_COUNT_ALIAS)
    pdf.set_title(text(_("Case file %(reference)s") % {"reference": facts["reference"]}))
    pdf.set_creator("privacyportal")
    pdf.set_producer("privacyportal")
    try:
        generated = datetime.fromisoformat(facts["generated_at"])
    except (TypeError, ValueError):
        generated = None
    if generated is not None and generated.tzinfo is not None:
        # Same facts in, same bytes out.
        pdf.set_creation_date(generated)
    pdf.add_page()
    _render(facts, pdf, text)
    return bytes(pdf.output())
