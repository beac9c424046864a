"""The e-mails about a dispute and the variables each one gets (requests_app/email_kinds.py),
listed through `hooks.email_kinds` so that the officer can write their texts too."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from requests_app import localtime
from requests_app.email_kinds import (
    STATUS_URL,
    TO_OFFICER,
    TO_OTHERS,
    TO_REQUESTER,
    EmailKind,
    Variable,
    sample_admin_link,
)

BODY = Variable("body", _("The recourse body's name"), lambda: "JAMS")
CLAIM_URL = Variable(
    "claim_url",
    _("The body's own page, where the requester files the claim"),
    lambda: "https://www.jamsadr.com/dpf-dispute-resolution",
)
ANSWER_DUE_ON = Variable(
    "answer_due_on",
    _("The day our answer to the body is due, as 2026-05-31"),
    lambda: (localtime.today() + timedelta(days=30)).isoformat(),
)
DISPUTE_ADMIN_URL = Variable(
    "admin_url",
    _("The link to the dispute in the back office"),
    sample_admin_link("disputes_app_dispute"),
)


def kinds() -> list[EmailKind]:
    return [
        EmailKind(
            "escalated",
            _("Your complaint goes to the recourse body"),
            TO_REQUESTER,
            (BODY, CLAIM_URL, ANSWER_DUE_ON, STATUS_URL),
        ),
        EmailKind(
            "dispute_decided",
            _("The recourse body decided on your complaint"),
            TO_REQUESTER,
            (BODY, STATUS_URL),
        ),
        EmailKind(
            "dispute_remedy_done",
            _("The remedy has been carried out"),
            TO_REQUESTER,
            (BODY, STATUS_URL),
        ),
        EmailKind(
            "officer_escalated",
            _("A request was escalated to a recourse body"),
            TO_OFFICER,
            (BODY, CLAIM_URL, ANSWER_DUE_ON, DISPUTE_ADMIN_URL),
        ),
        EmailKind(
            "officer_dispute_reminder",
            _("Our answer to a recourse body is due soon, or late"),
            TO_OFFICER,
            (
                Variable(
                    "reminder",
                    _(
                        "Which reminder: dispute_answer_soon, dispute_answer_late, "
                        "dispute_deadline_soon or dispute_deadline_late"
                    ),
                    lambda: "dispute_answer_soon",
                ),
                BODY,
                ANSWER_DUE_ON,
                Variable(
                    "what",
                    _("For a date the body set: what it is for (a hearing, …); else empty"),
                    lambda: "a hearing",
                ),
                Variable(
                    "due_on",
                    _("The day the reminder is about is due, as 2026-05-31"),
                    lambda: (localtime.today() + timedelta(days=7)).isoformat(),
                ),
                DISPUTE_ADMIN_URL,
            ),
        ),
        EmailKind(
            "dispute_late_answer",
            _("We answered after the escalation: does the complaint go on?"),
            TO_REQUESTER,
            (BODY, STATUS_URL),
        ),
        EmailKind(
            "officer_dispute_withdrawn",
            _("The requester withdrew a complaint to a recourse body"),
            TO_OFFICER,
            (BODY, CLAIM_URL, ANSWER_DUE_ON, DISPUTE_ADMIN_URL),
        ),
        EmailKind(
            "body_case_file_update",
            _("A new version of the case file, to the recourse body"),
            TO_OTHERS,
            (
                BODY,
                CLAIM_URL,
                ANSWER_DUE_ON,
                Variable("version", _("The case file's version number"), lambda: 2),
                Variable(
                    "changed",
                    _("What changed since the version before, in a sentence"),
                    lambda: "The requester said on 2026-05-02 that the dispute goes on.",
                ),
            ),
        ),
        EmailKind(
            "body_case_file",
            _("The case file, to the recourse body"),
            TO_OTHERS,
            (BODY, CLAIM_URL, ANSWER_DUE_ON),
        ),
    ]
