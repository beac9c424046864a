"""What a request is, which states it moves through, and why a move can be refused."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestType(models.TextChoices):
    ACCESS = "access", _("Access: a copy of my data and how it is used")
    CORRECTION = "correction", _("Correction: correct or amend my data")
    DELETION = "deletion", _("Deletion: delete my data")
    PORTABILITY = "portability", _("Portability: my data in a machine-readable form")
    RESTRICTION = "restriction", _("Restriction: stop using my data for a while")
    OBJECTION = "objection", _("Objection: opt out of a use of my data")
    COMPLAINT = "complaint", _("Complaint: a concern about how my data was handled")
    QUESTION = "question", _("Question: anything else about the privacy notice")


class Status(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for the e-mail address to be confirmed")
    NEW = "new", _("Received")
    IN_PROGRESS = "in_progress", _("Being worked on")
    WAITING = "waiting", _("Waiting for information from the requester")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed: the e-mail address was never confirmed")


# Confirmed and not yet answered: the organisation owes an answer.
PENDING_ANSWER = frozenset({Status.NEW, Status.IN_PROGRESS, Status.WAITING})
OPEN_STATUSES = PENDING_ANSWER | {Status.UNCONFIRMED}
FINAL_ANSWERS = frozenset({Status.ANSWERED, Status.REFUSED})


class Move(StrEnum):
    """The moves of a request; the officer's steps in the admin are named by them."""

    CONFIRM_EMAIL = "confirm_email"
    ASSIGN = "assign"
    START = "start"
    ASK = "ask"
    END_WAIT = "end_wait"
    IDENTITY = "identity"
    EXTEND = "extend"
    ANSWER = "answer"
    REFUSE = "refuse"
    CLOSE = "close"
    CLOSE_AS_DUPLICATE = "close_as_duplicate"
    WITHDRAW = "withdraw"
    LAPSE = "lapse"
    CLOSE_AS_SPAM = "close_as_spam"


# The one table of allowed moves: the states each may start from. The moves check it under
# the row's lock, and the admin offers a step only where it allows it.
MOVES: dict[Move, frozenset[str]] = {
    Move.CONFIRM_EMAIL: frozenset({Status.UNCONFIRMED}),
    Move.ASSIGN: OPEN_STATUSES,
    Move.START: frozenset({Status.NEW}),
    Move.ASK: frozenset({Status.NEW, Status.IN_PROGRESS}),
    Move.END_WAIT: frozenset({Status.WAITING}),
    Move.IDENTITY: OPEN_STATUSES,
    Move.EXTEND: PENDING_ANSWER,
    Move.ANSWER: PENDING_ANSWER,
    Move.REFUSE: PENDING_ANSWER,
    Move.CLOSE: FINAL_ANSWERS,
    # Only the later of two such requests, and only while both await their answer (the move
    # checks the other's locked row too: models/duplicates.py).
    Move.CLOSE_AS_DUPLICATE: PENDING_ANSWER,
    Move.WITHDRAW: OPEN_STATUSES,
    Move.LAPSE: frozenset({Status.UNCONFIRMED}),
    # Only before the address is confirmed: no one has been told anything, no one is told.
    Move.CLOSE_AS_SPAM: frozenset({Status.UNCONFIRMED}),
}


class RefusalReason(models.TextChoices):
    """The reasons docs/RULES.md section 1 allows; every refusal names one."""

    IDENTITY = "identity_not_confirmed", _("The requester's identity could not be confirmed")
    UNFOUNDED = "manifestly_unfounded", _("Manifestly unfounded or excessive (GDPR Art. 12(5))")
    DISPROPORTIONATE = (
        "disproportionate",
        _(
            "The burden or expense would be disproportionate to the risk to the person's privacy, "
            "or another person's rights would be violated"
        ),
    )
    NO_DATA = "no_data", _("No data about the requester was found")
    NOT_COVERED = "not_covered", _("Not covered by the privacy notice")
    OTHER = "other", _("Other")


class TasksStillOpen(Exception):
    """A request answered while systems are not done, without the officer saying why."""


class ExtensionNotAllowed(Exception):
    """An extension the rules do not allow; the message says why."""


DUE_RULE_LABELS = {
    "gdpr_month": _("one month (GDPR Art. 12(3))"),
    "uk_gdpr_month": _("one month (UK GDPR Art. 12(3))"),
    "gibraltar_gdpr_month": _("one month (Gibraltar GDPR Art. 12(3))"),
    "fadp_30_days": _("30 days (Swiss FADP Art. 25(7))"),
    "default_days": _("the organisation's time limit in days"),
    "dpf_complaint_45_days": _("45 days for a complaint (DPF Supplemental Principle 11)"),
    "complaint_days": _("the organisation's time limit for a complaint"),
    "promise": _("the shorter time the organisation promises"),
    "gdpr_month_extended": _("three months, extended (GDPR Art. 12(3))"),
    "uk_gdpr_month_extended": _("three months, extended (UK GDPR Art. 12(3))"),
    "gibraltar_gdpr_month_extended": _("three months, extended (Gibraltar GDPR Art. 12(3))"),
    "extended": _("the later date the organisation announced"),
}


class TransitionNotAllowed(Exception):
    """A change of state that the request's current state does not allow."""
