"""Outbound webhooks: tell the organisation's other systems what happened to a request.

`emit` writes one delivery row per active endpoint that wants the event, in the caller's
transaction, and hands the rows to Celery after commit: a filing never waits for an
endpoint, however slow or dead. `deliver` (the task) claims a row, POSTs it signed by the
Standard Webhooks scheme (`webhook-id` stays the same on each attempt) and records the
answer; a failure is tried again with backoff, then marked failed. The sweep hands out the
rows whose task was lost or whose retry is due.

The body: {"type": "request.filed", "timestamp": "…", "data": {"reference", "request_type",
"status", "country", "received_at", "due_on", …}}. It names the request by its reference and
carries no personal data: a receiver that needs more asks the staff API.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from celery import shared_task
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from core.together import Part
from requests_app.models import PrivacyRequest
from requests_app.models.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
LEASE = timedelta(minutes=2)
# Attempts before a delivery is marked failed: with the backoff below, about a day.
MAX_ATTEMPTS = 10
SWEEP_BATCH = 500
TEST_EVENT = "test"


def payload(event: str, privacy_request: PrivacyRequest, **extra: Any) -> dict[str, Any]:
    return {
        "type": event,
        "timestamp": timezone.now().isoformat(),
        "data": {
            "reference": privacy_request.reference,
            "request_type": privacy_request.request_type,
            "status": privacy_request.status,
            "country": str(privacy_request.country),
            "received_at": privacy_request.received_at.isoformat(),
            "due_on": privacy_request.due_on.isoformat(),
            **extra,
        },
    }


def emit(event: WebhookEvent, privacy_request: PrivacyRequest, **extra: Any) -> None:
    """Tell every endpoint that wants `event`, once the caller's transaction commits."""
    emit_many(event, [privacy_request], **extra)


def emit_many(event: WebhookEvent, requests: Iterable[PrivacyRequest], **extra: Any) -> None:
    endpoints = [e for e in active_endpoints() if event in e.events]
    if not endpoints:
        return
    rows = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event=event, payload=body)
        for body in (payload(event, request, **extra) for request in requests)
        for endpoint in endpoints
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: hand_out(ids))


def emit_part(event: WebhookEvent, privacy_request: PrivacyRequest, *, after: str) -> Part:
    """`emit` as a part of one statement (core.together), after the CTE `after` that wrote the
    request and returns its `reference`: a delivery per active endpoint that wants `event`,
    the payload's reference read from that row."""
    body = payload(event, privacy_request)
    endpoints = connection.ops.quote_name(WebhookEndpoint._meta.db_table)
    return Part(
        alias="new_deliveries",
        instance=WebhookDelivery(event=event, payload=body),
        one_row=False,
        source=f"{after} CROSS JOIN {endpoints} AS endpoint "
        "WHERE endpoint.active AND endpoint.events @> %s::jsonb",
        source_params=[json.dumps([event])],
        linked={"endpoint_id": "endpoint.id"},
        computed={
            "payload": (
                f"jsonb_set(%s::jsonb, '{{data,reference}}', to_jsonb({after}.reference))",
                [json.dumps(body)],
            ),
            # new_message_id(), per row: msg_ and 32 hexadecimal digits.
            "message_id": ("'msg_' || replace(gen_random_uuid()::text, '-', '')", []),
        },
    )


def active_endpoints() -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.filter(active=True).only("pk", "events"))


def send_test(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A test event for one endpoint, delivered like any other."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event=TEST_EVENT,
            payload={"type": TEST_EVENT, "timestamp": timezone.now().isoformat(), "data": {}},
        )
        transaction.on_commit(lambda: hand_out([delivery.pk]))
    return delivery


def hand_out(ids: list[int]) -> None:
    for delivery_id in ids:
        try:
            deliver.delay(delivery_id)
        except Exception:
            logger.warning(
                "webhook delivery %s: broker unavailable, left for the sweep", delivery_id
            )


@shared_task(ignore_result=True)
def deliver(delivery_id: int) -> bool:
    """POST one delivery if it can be claimed (the Celery task). True when it was delivered."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if not delivery.claim(LEASE):
        return False
    body = json.dumps(delivery.payload)
    moment = datetime.now(UTC).replace(microsecond=0)
    headers = {
        "content-type": "application/json",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(delivery.endpoint.secret).sign(
            delivery.message_id, moment, body
        ),
    }
    try:
        response = httpx.post(delivery.endpoint.url, content=body, headers=headers, timeout=TIMEOUT)
    except httpx.TimeoutException:
        return failed(delivery, None, "timed out")
    except httpx.HTTPError as error:
        return failed(delivery, None, f"{type(error).__name__}: {error}")
    if not 200 <= response.status_code < 300:
        return failed(delivery, response.status_code, response.text[:500])
    WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
        state=WebhookDelivery.State.DELIVERED,
        delivered_at=timezone.now(),
        response_status=response.status_code,
        last_error="",
    )
    return True


def failed(delivery: WebhookDelivery, status: int | None, error: str) -> bool:
    gave_up = delivery.attempts >= MAX_ATTEMPTS
    logger.warning(
        "webhook delivery %s to %s: attempt %s failed (%s)",
        delivery.pk,
        delivery.endpoint.url,
        delivery.attempts,
        status or error,
    )
    WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
        state=WebhookDelivery.State.FAILED if gave_up else WebhookDelivery.State.PENDING,
        next_attempt_at=timezone.now() + retry_delay(delivery.attempts),
        response_status=status,
        last_error=error[:2000],
    )
    return False


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1, 2, 4 … minutes, at most four hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 4 * 3600))


def sweep(now: datetime | None = None) -> list[int]:
    """Hand out the deliveries that are due: a retry's time came, or a task was lost."""
    due = WebhookDelivery.objects.filter(
        state__in=[WebhookDelivery.State.PENDING, WebhookDelivery.State.SENDING],
        next_attempt_at__lte=now or timezone.now(),
    ).order_by(F("next_attempt_at").asc())
    ids = list(due.values_list("pk", flat=True)[:SWEEP_BATCH])
    hand_out(ids)
    return ids
