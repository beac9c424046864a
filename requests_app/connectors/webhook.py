"""A webhook system's part: a signed POST to a system the organisation built.

The request and the callback are signed by the Standard Webhooks scheme (headers
`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the secret the system's
environment variable holds. The body says what to do:

    {"type": "privacy.access" | "privacy.erasure", "reference": "DSR-2026-000123",
     "action": "access" | "erasure", "dry_run": false,
     "identity": {"email": "…", "name": "…"}, "callback_url": "https://…/connectors/callback/…/"}

The system answers 200 with its result, or 202 and later POSTs the result, signed, to the
callback URL, which takes one answer. A result is `{"tables": {"<table>": [rows]}}` for
access and `{"tables": {"<table>": <rows changed or counted>}}` for erasure. A timeout, a
5xx, 408 or 429 is tried again with backoff; another status or a body that is not such a
result fails the part with the reason.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime
from typing import Any

import httpx
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from requests_app.connectors.base import ConnectorError, Outcome, TableCount
from requests_app.connectors.results import results_of
from requests_app.models import DataSystem, hash_token
from requests_app.models.runs import RunPart, SystemRun

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
RETRY_STATUSES = {408, 429}


def signer(system: DataSystem) -> Webhook:
    secret = os.environ.get(system.secret_env, "")
    if not secret:
        raise ConnectorError(
            gettext("The variable %(name)s is not set: the webhook's secret.")
            % {"name": system.secret_env}
        )
    try:
        return Webhook(secret)
    except Exception:
        raise ConnectorError(
            gettext("The variable %(name)s does not hold a webhook secret (whsec_… base64).")
            % {"name": system.secret_env}
        ) from None


def run(part: RunPart) -> Outcome:
    system, run_ = part.system, part.run
    webhook = signer(system)
    token = secrets.token_urlsafe(32)
    body = json.dumps(
        {
            "type": f"privacy.{run_.action}",
            "reference": run_.request.reference,
            "action": run_.action,
            "dry_run": run_.dry_run,
            "identity": {"email": run_.request.email, "name": run_.request.full_name},
            "callback_url": settings.SITE_URL + reverse("connector_callback", args=[token]),
        }
    )
    message_id = f"part-{part.pk}"
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(datetime.now(UTC).timestamp())),
    }
    headers["webhook-signature"] = webhook.sign(
        message_id, datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC), body
    )
    try:
        response = httpx.post(system.url, content=body, headers=headers, timeout=TIMEOUT)
    except httpx.TimeoutException:
        raise ConnectorError(gettext("%(url)s did not answer in time.") % {"url": system.url},
                             retry=True) from None  # fmt: skip
    except httpx.HTTPError as error:
        raise ConnectorError(
            gettext("%(url)s could not be reached: %(error)s")
            % {"url": system.url, "error": type(error).__name__},
            retry=True,
        ) from None
    if response.status_code == 202:
        return Outcome(waiting_for=RunPart.WaitingFor.CALLBACK, callback_hash=hash_token(token))
    if response.status_code != 200:
        raise ConnectorError(
            gettext("%(url)s answered %(status)s.")
            % {"url": system.url, "status": response.status_code},
            retry=response.status_code >= 500 or response.status_code in RETRY_STATUSES,
        )
    return outcome(part, response.content)


def outcome(part: RunPart, content: bytes) -> Outcome:
    """The part's outcome from a result body (the 200's or the callback's)."""
    try:
        tables = json.loads(content)["tables"]
        if not isinstance(tables, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise ConnectorError(
            gettext('The system answered something other than {"tables": {…}}.')
        ) from None
    if part.run.action == SystemRun.Action.ACCESS:
        return stored(part, tables)
    try:
        counts = [TableCount(str(name), int(rows)) for name, rows in tables.items()]
    except (TypeError, ValueError):
        raise ConnectorError(gettext("An erasure's result must give a number per table.")) from None
    return Outcome(counts=counts)


def stored(part: RunPart, tables: dict[str, Any]) -> Outcome:
    """The rows as JSON lines in the private storage, as a database's part writes them."""
    counts = []
    with results_of(part) as results:
        for table, rows in tables.items():
            if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
                raise ConnectorError(
                    gettext("Table %(table)s: the rows must be a list of objects.")
                    % {"table": table}
                )
            for row in rows:
                results.write(str(table), row)
            counts.append(TableCount(str(table), len(rows)))
    return Outcome(counts=counts, preview=results.preview, result_path=results.path)


def verify(part: RunPart, body: bytes, headers: dict[str, str]) -> None:
    """The callback's signature, by the system's secret; ConnectorError when it fails."""
    try:
        signer(part.system).verify(body, headers, json_parse=False)
    except WebhookVerificationError:
        raise ConnectorError(gettext("The callback's signature does not match.")) from None


def receive(token: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """A callback: (HTTP status, what to tell the caller). Settles the part once.

    An unknown or used callback is 404. A wrong signature (401) or a body that is not a
    result (400) is noted on the part, which keeps waiting for a good callback. A signed
    `{"error": "…"}` fails the part with that reason.
    """
    from requests_app import runs  # the run's use cases build on the connectors

    part = (
        RunPart.objects.select_related("run__request", "system")
        .filter(
            state=RunPart.State.WAITING,
            waiting_for=RunPart.WaitingFor.CALLBACK,
            callback_hash=hash_token(token),
        )
        .first()
    )
    used = gettext("This callback is unknown or was used already.")
    if part is None:
        return 404, used
    try:
        verify(part, body, headers)
    except ConnectorError as error:
        return 401, noted(part, error)
    reported = reported_error(body)
    if reported:
        message = gettext("The system reported: %(error)s") % {"error": reported}
        if not runs.waiting_failed(part, RunPart.WaitingFor.CALLBACK, message):
            return 404, used
        return 200, gettext("The failure was recorded.")
    try:
        result = outcome(part, body)
    except ConnectorError as error:
        return 400, noted(part, error)
    if not runs.answered(part, RunPart.WaitingFor.CALLBACK, result):
        return 404, used
    return 200, gettext("The result was recorded.")


def reported_error(body: bytes) -> str:
    try:
        document = json.loads(body)
    except ValueError:
        return ""
    error = document.get("error") if isinstance(document, dict) else None
    return str(error)[:1000] if error else ""


def noted(part: RunPart, error: ConnectorError) -> str:
    """A bad callback, shown on the system's line while the part keeps waiting."""
    message = gettext("A callback was refused: %(error)s") % {"error": error}
    RunPart.objects.filter(pk=part.pk).update(error=message[:2000])
    return str(error)
