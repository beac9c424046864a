"""Helpers the tests share: file a request as the intake does, read links from e-mails."""

from __future__ import annotations

import logging
import re

from requests_app import outbox, services
from requests_app.models import OutboxEmail, PrivacyRequest

VALID_FILING = {
    "request_type": "access",
    "full_name": "Erika Mustermann",
    "email": "erika@example.de",
    "country": "DE",
    "details": "Please send me a copy of all data you hold about me.",
    "consent": "on",
}


# What remember_error, the tests' ERROR_HOOK, was handed.
ERROR_RECORDS: list[logging.LogRecord] = []


def remember_error(record: logging.LogRecord) -> None:
    ERROR_RECORDS.append(record)


def file_request(form_token: str = "", **overrides: str) -> PrivacyRequest:
    data = {**VALID_FILING, **overrides}
    data.pop("consent")
    request, _created = services.file_request(
        data, language="en", ip_address="192.0.2.1", form_token=form_token
    )
    return request


def link_in(email: OutboxEmail, kind: str) -> str:
    """The token of the first /requests/<kind>/ link in an outbox e-mail."""
    match = re.search(rf"/requests/{kind}/([A-Za-z0-9_-]+)/", outbox.render(email).text)
    assert match, f"no {kind} link in the {email.kind} e-mail"
    return match.group(1)


def last_email(kind: str) -> OutboxEmail:
    return OutboxEmail.objects.filter(kind=kind).latest("created_at", "pk")
