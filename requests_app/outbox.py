"""The e-mail outbox: rows written in the caller's transaction, sent once by Celery.

After the commit the rows are handed over: with a Redis broker, their ids go onto a list
that a relay task empties half a second later, publishing them to the workers RELAY_CHUNK at
a time (a publish costs a web process half a millisecond; an RPUSH a tenth of that, and
filings come faster than anything else the portal does). The first id on an empty list
publishes the relay; a relay takes ids until it finds the list empty. Elsewhere (the
embedded broker, tasks run eagerly) each row is published as it commits.

A row is claimed with a conditional UPDATE before it is sent, so that two workers (or a
task and the sweep) never send the same row. The sweep picks up rows whose task was lost
(broker down, a worker killed between taking ids and publishing them) and rows waiting for
a retry.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

import redis
from celery import current_app, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.claims import claim_row
from requests_app import email_kinds
from requests_app.models import EmailText, OutboxEmail, PrivacyRequest, private_storage

logger = logging.getLogger(__name__)

# How long a claimed row stays with its sender before the sweep may try it again.
SEND_LEASE = timedelta(minutes=5)
SWEEP_BATCH = 500
# Sends before an e-mail is marked failed (the officer can retry it). With the backoff of
# retry_delay() eight attempts span about two hours: a mail server's restart or a short outage
# passes unnoticed, a longer one reaches the officer the same morning.
MAX_ATTEMPTS = 8
# Once an e-mail is out, how long to keep trying to record it (the database may be restarting).
# Past that the row is sent again after its lease, with the same Message-ID.
MARK_SENT_DELAYS = (0.5, 1, 2, 4, 8, 15)

# The relay's list of e-mail ids, in the broker's Redis; how long a relay waits for more
# once the first id is on it (seconds), and how many e-mails one sending task takes.
READY_KEY = "privacyportal:outbox:ready"
RELAY_DELAY = 0.5
RELAY_CHUNK = 50

# Inside `left_for_the_sweep()`: rows are written but not handed to Celery one by one.
_left_for_the_sweep: ContextVar[bool] = ContextVar("left_for_the_sweep", default=False)


def build_email(
    template: str,
    to: str,
    context: dict,
    *,
    request: PrivacyRequest | None = None,
    language: str | None = None,
    attachments: list[dict] | None = None,
) -> OutboxEmail:
    """An unsaved outbox row; `context` must be JSON (plain values, links).

    The request itself is read when sending, so the e-mail shows it as it is then.
    """
    return OutboxEmail(
        request=request,
        kind=template,
        to=to,
        language=language or (request.language if request else settings.LANGUAGE_CODE),
        context=context,
        attachments=attachments or [],
    )


def queue_all(emails: list[OutboxEmail]) -> list[OutboxEmail]:
    """Write the rows in the caller's transaction; they are sent once it commits."""
    if not emails:
        return emails
    saved = OutboxEmail.objects.bulk_create(emails)
    hand_over_on_commit([email.pk for email in saved])
    return saved


def hand_over_on_commit(email_ids: list[int]) -> None:
    """Hand the rows to the workers once the caller's transaction commits."""
    if not _left_for_the_sweep.get():
        transaction.on_commit(lambda: hand_over(email_ids))


@contextmanager
def left_for_the_sweep() -> Iterator[None]:
    """Rows queued inside are sent by the beat's next sweeps, not one Celery task each.

    For bulk loads (the demo data), where a publish per e-mail is most of the cost; the rows
    are the same and each is still sent once.
    """
    token = _left_for_the_sweep.set(True)
    try:
        yield
    finally:
        _left_for_the_sweep.reset(token)


def queue_email(template: str, to: str, context: dict, **kwargs) -> OutboxEmail:
    (email,) = queue_all([build_email(template, to, context, **kwargs)])
    return email


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(email: OutboxEmail) -> Rendered:
    """Subject, text and HTML in the e-mail's language: the officer's own text for its kind
    and language if there is one (models/email_texts.py), else `templates/emails/<kind>_*`."""
    context = {
        "site_url": settings.SITE_URL,
        "organisation_name": settings.ORGANISATION_NAME,
        "request": email.request,
        **email.context,
    }
    with translation.override(email.language):
        return own_words(email, context) or from_files(email, context)


def from_files(email: OutboxEmail, context: dict) -> Rendered:
    subject = render_to_string(f"emails/{email.kind}_subject.txt", context)
    return Rendered(
        subject=" ".join(subject.split()),
        text=render_to_string(f"emails/{email.kind}.txt", context),
        html=render_to_string(f"emails/{email.kind}.html", context),
    )


def own_words(email: OutboxEmail, context: dict) -> Rendered | None:
    """The officer's text, its HTML part the same text in the e-mail layout; None without one.

    A text that does not render (it was checked when saved, so it should not happen) is
    logged and the files are sent: the e-mail goes out either way.
    """
    own = EmailText.objects.filter(kind=email.kind, language=email.language).first()
    if own is None:
        return None
    try:
        subject, text = own.render(email_kinds.text_context(email.context, email.request))
    except Exception:
        logger.warning(
            "outbox %s: the officer's %s text in %s does not render; the files' text is sent",
            email.pk,
            email.kind,
            email.language,
            exc_info=True,
            extra={"outbox_id": email.pk},
        )
        return None
    html = render_to_string("emails/from_text.html", {**context, "text": text})
    return Rendered(subject=subject, text=text, html=html)


@functools.cache
def ready_list() -> redis.Redis | None:
    """One client per process for the broker's Redis, where the relay's list lives."""
    url = settings.CELERY_BROKER_URL
    return redis.Redis.from_url(url) if url.startswith(("redis://", "rediss://")) else None


def hand_over(email_ids: list[int]) -> None:
    """Put committed rows on the relay's list (or publish them, without one)."""
    client = ready_list()
    if client is None or current_app.conf.task_always_eager:
        enqueue_all(email_ids)
        return
    try:
        waiting = client.rpush(READY_KEY, *email_ids)
        if waiting == len(email_ids):  # the list was empty: no relay is on its way
            relay.apply_async(countdown=RELAY_DELAY)
    except Exception:
        logger.warning(
            "outbox %s: broker unavailable, left for the sweep",
            email_ids,
            exc_info=True,
            extra={"outbox_ids": email_ids},
        )


@shared_task(ignore_result=True)
def relay() -> int:
    """Publish the e-mails on the relay's list until it is empty; returns how many."""
    client = ready_list()
    if client is None:
        return 0
    handed = 0
    # A chunk at a time: a relay killed between taking and publishing strands no more than
    # one task's worth, which the sweep hands out again.
    while taken := client.lpop(READY_KEY, RELAY_CHUNK):
        send_each.delay([int(email_id) for email_id in taken])
        handed += len(taken)
    return handed


@shared_task(ignore_result=True)
def send_each(email_ids: list[int]) -> int:
    """Send each row that can be claimed; returns how many this task sent."""
    return sum(send(email_id) for email_id in email_ids)


def enqueue_all(email_ids: list[int]) -> None:
    for email_id in email_ids:
        enqueue(email_id)


def enqueue(email_id: int) -> None:
    """Hand a row to Celery; if the broker is down the sweep sends it later."""
    try:
        send.delay(email_id)
    except Exception:
        logger.warning(
            "outbox %s: broker unavailable, left for the sweep",
            email_id,
            exc_info=True,
            extra={"outbox_id": email_id},
        )


def claim(email_id: int) -> bool:
    State = OutboxEmail.State
    ready = [State.PENDING, State.SENDING]
    return claim_row(OutboxEmail, email_id, ready=ready, taken=State.SENDING, lease=SEND_LEASE)


@shared_task(ignore_result=True)
def send(email_id: int) -> bool:
    """Send one row if it can be claimed (the Celery task). True when this call sent it."""
    if not claim(email_id):
        return False
    email = OutboxEmail.objects.select_related("request").get(pk=email_id)
    try:
        rendered = render(email)
        message = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers={"Message-ID": email.message_id},
        )
        message.attach_alternative(rendered.html, "text/html")
        for attachment in email.attachments:
            with private_storage().open(attachment["path"], "rb") as content:
                message.attach(attachment["filename"], content.read(), attachment["mimetype"])
        message.send()
    except Exception as error:
        record_failure(email, error)
        return False
    mark_sent(email, rendered.subject)
    return True


def mark_sent(email: OutboxEmail, subject: str) -> None:
    """Record a delivered e-mail, retrying while the database is away."""
    sent_at = timezone.now()
    for delay in (*MARK_SENT_DELAYS, None):
        try:
            # The links in the context are secrets: once delivered, they are not kept.
            OutboxEmail.objects.filter(pk=email.pk).update(
                state=OutboxEmail.State.SENT,
                sent_at=sent_at,
                subject=subject[:300],
                context={},
                last_error="",
            )
            return
        except (OperationalError, InterfaceError):
            if delay is None:
                logger.exception(
                    "outbox %s: sent, but not recorded; it goes out again after its lease",
                    email.pk,
                    extra={"outbox_id": email.pk},
                )
                return
            logger.warning(
                "outbox %s: sent, recording it failed; again in %s s",
                email.pk,
                delay,
                extra={"outbox_id": email.pk},
            )
            # A connection the server dropped is unusable: the next query opens a new one.
            if connection.connection is not None and not connection.is_usable():
                connection.close()
            time.sleep(delay)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4 … minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def record_failure(email: OutboxEmail, error: Exception) -> None:
    logger.warning(
        "outbox %s: send failed (attempt %s): %s",
        email.pk,
        email.attempts,
        error,
        extra={"outbox_id": email.pk},
    )
    failed = email.attempts >= MAX_ATTEMPTS
    OutboxEmail.objects.filter(pk=email.pk).update(
        state=OutboxEmail.State.FAILED if failed else OutboxEmail.State.PENDING,
        next_attempt_at=timezone.now() + retry_delay(email.attempts),
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )


def due_ids(limit: int = SWEEP_BATCH) -> list[int]:
    return list(
        OutboxEmail.objects.filter(
            state__in=[OutboxEmail.State.PENDING, OutboxEmail.State.SENDING],
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


@shared_task(ignore_result=True)
def sweep() -> int:
    """Queue every row that is due (the beat's task); returns how many were queued.

    It empties the relay's list first: a relay whose publish failed leaves ids there.
    """
    relay()
    ids = due_ids()
    enqueue_all(ids)
    return len(ids)
