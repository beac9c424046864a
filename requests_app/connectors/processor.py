"""A processor's part: a subprocessor without an API is asked by e-mail for its assistance
(GDPR Art. 28(3)(e)); the part then waits for the officer to record its reply.

The e-mail goes through the outbox, written in the same transaction that moves the part to
waiting, so that a retried part never asks twice. The officer is reminded when no reply
came in CONNECTOR_PROCESSOR_REMINDER_DAYS days (runs.remind_waiting).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext

from requests_app.connectors.base import ConnectorError, Outcome
from requests_app.models.runs import RunPart
from requests_app.outbox import build_email


def run(part: RunPart) -> Outcome:
    system, run_ = part.system, part.run
    if not system.contact or "@" not in system.contact:
        raise ConnectorError(
            gettext("%(system)s: the map gives no privacy contact e-mail address.")
            % {"system": system.name}
        )
    email = build_email(
        "processor_request",
        system.contact,
        {
            "system": system.name,
            "action": run_.action,
            "requester_name": run_.request.full_name,
            "requester_email": run_.request.email,
            "reply_to": settings.DEFAULT_FROM_EMAIL,
            "organisation": settings.ORGANISATION_NAME,
        },
        request=run_.request,
        language=settings.LANGUAGE_CODE,
    )
    return Outcome(waiting_for=RunPart.WaitingFor.REPLY, emails=[email])
