"""The case file's sections about the organisation, what the request asked and how it was
handled, and the dispute before the body since the escalation."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from disputes_app.casefile.layout import Writer
from disputes_app.casefile.text import when


def framework_label(framework: str) -> str:
    return {
        "eu_us": _("EU-U.S. Data Privacy Framework"),
        "uk_extension": _("UK Extension to the EU-U.S. Data Privacy Framework"),
        "swiss_us": _("Swiss-U.S. Data Privacy Framework"),
    }[framework]


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def organisation_section(w: Writer, case: dict) -> None:
    organisation = case["organisation"]
    w.heading(_("The organisation"))
    w.fields(
        [
            [pgettext("of an organisation", "Name"), organisation["name"]],
            [_("Postal address"), organisation["write_to"]],
            [_("Contact"), organisation["contact"]],
            [_("Data Privacy Framework listing"), organisation["dpf_listing"]],
            [_("Framework"), framework_label(organisation["framework"])],
        ]
    )


def request_sections(w: Writer, case: dict) -> None:
    w.heading(_("What the requester asked"))
    w.paragraph(case["request_text"])

    w.heading(_("Identity checks"))
    if case["identity_checks"]:
        w.table(
            [_("Method"), _("Result"), _("On")],
            [
                [
                    check["method_label"],
                    _("confirmed") if check["confirmed"] else _("not confirmed"),
                    check["on"],
                ]
                for check in case["identity_checks"]
            ],
            widths=(104, 40, 30),
        )
    else:
        w.nothing(_("No identity check was recorded."))

    w.heading(_("Refusals"))
    if case["refusals"]:
        w.table(
            [_("Reason"), _("On"), _("In part"), _("In time")],
            [
                [r["reason_label"], r["on"], yes_no(r["in_part"]), yes_no(r["in_time"])]
                for r in case["refusals"]
            ],
            widths=(94, 30, 25, 25),
        )
    else:
        w.nothing(_("Nothing was refused."))

    w.heading(_("Files of the answer"))
    if case["answer_files"]:
        w.table(
            [_("File"), _("Size in bytes"), _("Sent on")],
            [[f["file"], f["size"], f["sent_on"]] for f in case["answer_files"]],
            widths=(114, 30, 30),
        )
    else:
        w.nothing(_("No files were sent."))


def dispute_section(w: Writer, dispute: dict) -> None:
    w.heading(_("Before the body"))
    w.fields(
        [
            [_("Status"), dispute["status_label"]],
            [_("Organisation's answer due"), dispute["answer_due_on"]],
            [_("Answered the request after the escalation on"), dispute["late_answer_on"] or "–"],
            [_("Withdrawn by the requester on"), dispute["withdrawn_on"] or "–"],
            [
                _("The requester's data protection authority took the matter up on"),
                dispute["authority_step_on"] or "–",
            ],
            [_("Closed to arbitration because"), dispute["arbitration_bar"] or "–"],
        ]
    )
    if dispute["deadlines"]:
        w.table(
            [_("Date set by the body for"), _("Due on"), _("Set on"), _("Met on")],
            [
                [d["label"], d["due_on"], d["set_on"], d["met_on"] or "–"]
                for d in dispute["deadlines"]
            ],
            widths=(84, 30, 30, 30),
        )
    else:
        w.nothing(_("The body has set no dates of its own."))
    w.table(
        [_("On"), _("What"), _("Status"), _("Recorded")],
        [
            [
                step["on"],
                step["note"] or step["label"],
                step["status_label"],
                when(step["recorded"]),
            ]
            for step in dispute["steps"]
        ],
        widths=(26, 70, 40, 38),
    )
