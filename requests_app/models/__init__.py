"""The models of requests_app, one module per concern; every public name is importable here.

- states: the kinds of request, their states and why a move can be refused
- request: the request itself, its clock and its reference; moves: its transitions;
  duplicates: the requests of the same address and type that await their answer beside it
- waits: waiting for the requester; systems: where data is held, tasks, identity checks
- events: the append-only record, messages and files of answers
- links: private links; outbox: e-mails to send; reminders: reminders sent
- digests: an officer's choice of one digest a day, and the digests sent
- runs: the connectors' runs and each system's part of them
- webhooks: the endpoints other systems are told of events at, and each delivery
- email_texts: the officer's own subject and text of an e-mail, per language, and its versions
"""

from requests_app.models.digests import Digest, OfficerPreference
from requests_app.models.email_texts import EmailText, EmailTextVersion
from requests_app.models.events import (
    AnswerFile,
    AppendOnly,
    Message,
    RequestEvent,
    private_storage,
)
from requests_app.models.exports import Export
from requests_app.models.links import AccessLink, hash_token
from requests_app.models.outbox import OutboxEmail, new_message_id
from requests_app.models.references import ReferenceCounter
from requests_app.models.reminders import Reminder
from requests_app.models.request import PrivacyRequest
from requests_app.models.runs import RunPart, SystemRun
from requests_app.models.states import (
    DUE_RULE_LABELS,
    FINAL_ANSWERS,
    MOVES,
    OPEN_STATUSES,
    PENDING_ANSWER,
    ExtensionNotAllowed,
    Move,
    RefusalReason,
    RequestType,
    Status,
    TasksStillOpen,
    TransitionNotAllowed,
)
from requests_app.models.systems import (
    TELL_RECIPIENTS,
    DataSystem,
    IdentityCheck,
    SystemTask,
    VariableNotSet,
)
from requests_app.models.waits import Wait, WaitReason
from requests_app.models.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "Export",
    "DUE_RULE_LABELS",
    "FINAL_ANSWERS",
    "MOVES",
    "OPEN_STATUSES",
    "PENDING_ANSWER",
    "TELL_RECIPIENTS",
    "AccessLink",
    "AnswerFile",
    "AppendOnly",
    "DataSystem",
    "Digest",
    "EmailText",
    "EmailTextVersion",
    "ExtensionNotAllowed",
    "IdentityCheck",
    "Message",
    "Move",
    "OfficerPreference",
    "OutboxEmail",
    "PrivacyRequest",
    "ReferenceCounter",
    "RefusalReason",
    "Reminder",
    "RequestEvent",
    "RequestType",
    "RunPart",
    "Status",
    "SystemRun",
    "SystemTask",
    "TasksStillOpen",
    "TransitionNotAllowed",
    "VariableNotSet",
    "Wait",
    "WaitReason",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "hash_token",
    "new_message_id",
    "private_storage",
]
