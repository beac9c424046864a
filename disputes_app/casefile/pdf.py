"""The case file as an A4 PDF: the same facts as the JSON, in the request's language."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from disputes_app.casefile.facts import CASE_FILE_VERSION, checked
from disputes_app.casefile.text import (
    BODY_SIZE,
    FONT_FAMILY,
    FONT_FILES,
    LABEL_WIDTH,
    LINE,
    MARGIN,
    PAGE_COUNT_ALIAS,
    Text,
    outcome_label,
    sender_label,
    when,
)


class _CaseFilePDF(FPDF):
    def __init__(self, reference: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.reference = reference

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(90)
        page = _("Page %(page)s of %(pages)s") % {
            "page": self.page_no(),
            "pages": PAGE_COUNT_ALIAS,
        }
        self.cell(0, 5, _("Case file %(reference)s") % {"reference": self.reference}, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, page, align="R")
        self.set_text_color(0)


class _Writer:
    def __init__(self, pdf: _CaseFilePDF, text: Text) -> None:
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
        pdf.set_font(FONT_FAMILY, "B", 12)
        pdf.cell(0, 7, self.text(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = pdf.get_y()
        pdf.set_draw_color(160)
        pdf.line(pdf.l_margin, y, pdf.l_margin + self.width, y)
        pdf.set_draw_color(0)
        pdf.ln(2)
        pdf.set_font(FONT_FAMILY, "", BODY_SIZE)

    def paragraph(self, value: object, style: str = "", size: float = BODY_SIZE) -> None:
        pdf = self.pdf
        pdf.set_font(FONT_FAMILY, style, size)
        pdf.multi_cell(
            self.width,
            LINE,
            self.text(value),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_font(FONT_FAMILY, "", BODY_SIZE)

    def nothing(self, note: str) -> None:
        self.paragraph(note, style="I")

    def fields(self, rows: list[list[object]]) -> None:
        """Label / value pairs. A value may be long free text, so it flows across pages."""
        pdf = self.pdf
        for label, value in rows:
            if pdf.will_page_break(2 * LINE):
                pdf.add_page()
            page, top = pdf.page, pdf.get_y()
            pdf.set_font(FONT_FAMILY, "B", BODY_SIZE)
            pdf.multi_cell(LABEL_WIDTH - 3, LINE, self.text(label), align="L", new_x=XPos.LMARGIN)
            label_bottom = pdf.get_y()
            pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
            pdf.set_xy(pdf.l_margin + LABEL_WIDTH, top)
            pdf.multi_cell(
                self.width - LABEL_WIDTH,
                LINE,
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
        pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
        with pdf.table(
            col_widths=widths,
            width=self.width,
            align="LEFT",
            text_align="LEFT",
            headings_style=FontFace(emphasis="BOLD", fill_color=235),
            borders_layout="HORIZONTAL_LINES",
            line_height=LINE,
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


def _render(case: dict, pdf: _CaseFilePDF, text: Text) -> None:
    w = _Writer(pdf, text)
    escalation = case["escalation"]

    pdf.set_font(FONT_FAMILY, "B", 18)
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
            "generated": when(case["generated_at"]),
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
            [_("Outcome"), outcome_label(case["outcome"])],
            [_("Refusal reason"), refusal],
        ]
    )

    # Due-date history.
    w.heading(_("Due-date history"))
    changes = case["due_date_history"]
    if changes:
        w.table(
            [_("Changed"), _("From"), _("To"), _("Rule")],
            [[when(c["when"]), c["from"], c["to"], c["rule"]] for c in changes],
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
            [[when(event["when"]), event["label"]] for event in case["timeline"]],
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
                    "sender": sender_label(message["from"]),
                    "when": when(message["when"]),
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
    facts = checked(case)
    text = Text()
    pdf = _CaseFilePDF(text(facts["reference"]))
    for style, path in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, path)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.alias_nb_pages(PAGE_COUNT_ALIAS)
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
