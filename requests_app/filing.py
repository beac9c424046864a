"""The rows a filing writes, built once and written together.

A filing writes the request (numbered from the year's counter), the wait for the e-mail
confirmation, the `filed` event, the confirmation link, the confirmation e-mail in the
outbox and a webhook delivery per endpoint that wants `request.filed`. On PostgreSQL one
statement writes them all (core.together): one round trip, and the year's counter row is
locked for that statement alone. Elsewhere (SQLite, the embedded default) the ORM writes
them one by one in a transaction, taking the number last. Both write the same rows
(tests/requests_app/test_filing_rows.py).
"""

from __future__ import annotations

import secrets
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection, transaction

from core import together
from requests_app import emails, outbox, webhooks
from requests_app.models import (
    AccessLink,
    OutboxEmail,
    PrivacyRequest,
    ReferenceCounter,
    RequestEvent,
    Wait,
    WaitReason,
)
from requests_app.models.webhooks import WebhookEvent


@dataclass
class FilingRows:
    request: PrivacyRequest
    wait: Wait
    event: RequestEvent
    link: AccessLink
    email: OutboxEmail

    @classmethod
    def build(cls, request: PrivacyRequest) -> FilingRows:
        """The rows of a new request whose deadline is set; nothing is written yet."""
        request.next_reminder_at = request.received_at
        link, token = AccessLink.build(request, AccessLink.Purpose.VERIFY)
        return cls(
            request=request,
            wait=Wait(request=request, reason=WaitReason.EMAIL, started_at=request.received_at),
            event=request.new_event(
                RequestEvent.Kind.FILED,
                actor=RequestEvent.Actor.REQUESTER,
                data={"due_on": request.due_on.isoformat(), "rule": request.due_rule},
            ),
            link=link,
            email=emails.confirm_address_email(request, token),
        )

    @property
    def year(self) -> int:
        return self.request.local_date(self.request.received_at).year

    def write(self) -> None:
        """Write every row, or none (an IntegrityError: the same form, posted twice at once)."""
        if connection.vendor == "postgresql":
            self.write_in_one_statement()
        else:
            self.write_one_by_one()

    def write_in_one_statement(self) -> None:
        request = self.request
        request.derive_email_key()
        after_request = {"source": "new_request", "linked": {"request_id": "new_request.id"}}
        parts = [
            together.Part(
                "new_request",
                request,
                source="allocated",
                computed={"reference": (ReferenceCounter.REFERENCE_SQL, [self.year])},
                returning=("id", "reference"),
            ),
            together.Part("new_wait", self.wait, **after_request),
            together.Part("new_event", self.event, **after_request),
            together.Part("new_link", self.link, **after_request),
            together.Part("new_email", self.email, **after_request),
            webhooks.emit_part(WebhookEvent.FILED, request, after="new_request"),
        ]
        # Alone, the statement is its own transaction; inside the caller's, a savepoint lets
        # the caller go on after an IntegrityError.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            deliveries, request.reference = together.write(
                [ReferenceCounter.allocated(self.year)], parts, extra=["new_request.reference"]
            )
            for row in (self.wait, self.event, self.link, self.email):
                row.request_id = request.pk
            outbox.hand_over_on_commit([self.email.pk])
            if deliveries:
                transaction.on_commit(lambda: webhooks.hand_out(deliveries))

    def write_one_by_one(self) -> None:
        request = self.request
        with transaction.atomic():
            request.reference = provisional_reference()
            request.save()
            for row in (self.wait, self.event, self.link):
                row.save()
            outbox.queue_all([self.email])
            request.take_reference()
            webhooks.emit(WebhookEvent.FILED, request)


def provisional_reference() -> str:
    """Unique until the real reference is taken at the end of the same transaction."""
    return f"new-{secrets.token_hex(8)}"
