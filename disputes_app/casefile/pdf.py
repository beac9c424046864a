"""The case file as an A4 PDF: the same facts as the JSON, in the request's language."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from fpdf.enums import XPos, YPos

from disputes_app.casefile.facts import CASE_FILE_VERSION, checked
from disputes_app.casefile.layout import CaseFilePDF, Writer
from disputes_app.casefile.story import dispute_section, organisation_section, request_sections
from disputes_app.casefile.text import (
    FONT_FAMILY,
    FONT_FILES,
    MARGIN,
    PAGE_COUNT_ALIAS,
    Text,
    outcome_label,
    sender_label,
    when,
)


def _render(case: dict, pdf: CaseFilePDF, text: Text) -> None:
    w = Writer(pdf, text)
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
    w.paragraph(case["organisation"]["name"], style="B", size=12)
    w.paragraph(
        _(
            "Prepared for %(body)s on %(generated)s: version %(edition)s of this case file "
            "(format %(version)s)."
        )
        % {
            "body": escalation["body"],
            "generated": when(case["generated_at"]),
            "edition": case["case_file_version"],
            "version": CASE_FILE_VERSION,
        },
        size=9,
    )
    if case["changed"]:
        w.paragraph(_("What changed: %(why)s") % {"why": case["changed"]}, style="B", size=9)

    organisation_section(w, case)

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
            [_("Days late"), case["days_late"]],
            [_("Outcome"), outcome_label(case["outcome"])],
            [_("Refusal reason"), refusal],
        ]
    )

    request_sections(w, case)

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
            [_("Country where the requester works"), escalation["employment_country"] or "–"],
            [_("Claim page"), escalation["claim_url"] or _("None")],
        ]
    )
    dispute_section(w, case["dispute"])

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
    pdf = CaseFilePDF(text(facts["reference"]))
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
