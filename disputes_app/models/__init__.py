"""Recourse bodies, disputes, the dates bodies set, reminders and case file versions."""

from disputes_app.models.bodies import EEA, RecourseBody
from disputes_app.models.case_files import CaseFile
from disputes_app.models.deadlines import BodyDeadline
from disputes_app.models.disputes import (
    OWED,
    UNRESOLVED,
    ArbitrationBar,
    Dispute,
    DisputeEvent,
    Outcome,
)
from disputes_app.models.reminders import DisputeReminder

__all__ = [
    "EEA",
    "OWED",
    "UNRESOLVED",
    "ArbitrationBar",
    "BodyDeadline",
    "CaseFile",
    "Dispute",
    "DisputeEvent",
    "DisputeReminder",
    "Outcome",
    "RecourseBody",
]
