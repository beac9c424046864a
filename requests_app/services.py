"""Use cases of the requester's journey: each writes, records and notifies in one go."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime
from typing import Any

from celery import shared_task
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from requests_app import emails, hooks, webhooks
from requests_app.filing import FilingRows, provisional_reference
from requests_app.models import (
    AccessLink,
    AnswerFile,
    Message,
    PrivacyRequest,
    RefusalReason,
    RequestEvent,
    Status,
    TransitionNotAllowed,
    Wait,
)
from requests_app.models.webhooks import WebhookEvent

logger = logging.getLogger(__name__)


def submission_key(data: dict[str, Any], form_token: str) -> str:
    """Same form instance and same content: same request. Without a form token, same day."""
    scope = form_token or timezone.now().date().isoformat()
    parts = [
        scope,
        data["request_type"],
        data["full_name"],
        data["email"].lower(),
        str(data["country"]),
        data["details"],
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def file_request(
    data: dict[str, Any],
    *,
    language: str,
    ip_address: str | None,
    form_token: str = "",
    received_at: datetime | None = None,
) -> tuple[PrivacyRequest, bool]:
    """File a request and mail the confirmation link. Returns (request, created).

    `received_at` is for demo data (`manage.py seed_demo`): a filing made days ago, whose
    clock and reminders run from then. The intake leaves it out: received now.
    """
    request = new_request(
        data,
        language=language,
        ip_address=ip_address,
        form_token=form_token,
        received_at=received_at,
    )
    try:
        FilingRows.build(request).write()
    except IntegrityError:
        # The same form, posted twice at once: the other post created it.
        existing = PrivacyRequest.objects.filter(submission_key=request.submission_key).first()
        if existing is None:
            raise
        return existing, False
    return request, True


def new_request(
    data: dict[str, Any],
    *,
    language: str,
    ip_address: str | None,
    form_token: str = "",
    received_at: datetime | None = None,
) -> PrivacyRequest:
    """The unsaved request of a filing, its due date set; `file_request` writes its rows."""
    request = PrivacyRequest(
        request_type=data["request_type"],
        full_name=data["full_name"],
        email=data["email"],
        country=data["country"],
        details=data["details"],
        language=language,
        ip_address=ip_address,
        submission_key=submission_key(data, form_token),
        received_at=received_at or timezone.now(),
    )
    request.set_deadline()
    return request


class LinkSpent(Exception):
    """The single-use link was used already."""


def confirm_email(link: AccessLink) -> str:
    """Spend a confirmation link; returns a fresh status-page token."""
    request = link.request
    with transaction.atomic():
        if not link.use():
            raise LinkSpent(request.reference)
        # A second confirmation link (a reminder's) after the first: nothing left to confirm,
        # the requester still gets to the status page.
        try:
            request._confirm_email()
        except TransitionNotAllowed:
            pass
        else:
            webhooks.emit(WebhookEvent.CONFIRMED, request)
        token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
        emails.acknowledgement(request, token)
    return token


def post_requester_message(request: PrivacyRequest, body: str) -> Message:
    """A message from the requester; it answers the officer's question if one is open."""
    with transaction.atomic():
        request.lock()
        if not request.is_open:
            raise TransitionNotAllowed(
                gettext("This request is closed: it takes no more messages.")
            )
        if request.status == Status.WAITING:
            request._end_wait()
        message = Message.objects.create(
            request=request, author=Message.Author.REQUESTER, body=body
        )
        request.record(
            RequestEvent.Kind.MESSAGE_FROM_REQUESTER,
            actor=RequestEvent.Actor.REQUESTER,
            data={"message": message.pk},
        )
        PrivacyRequest.objects.filter(pk=request.pk).update(updated_at=timezone.now())
        if request.claim_message_notice():
            emails.officer_new_message(request)
    return message


def post_team_message(
    request: PrivacyRequest, body: str, staff_user: Any, template: str = "team_message"
) -> Message:
    """A message from the privacy team; the requester is told by e-mail with a fresh link."""
    with transaction.atomic():
        message = Message.objects.create(
            request=request, author=Message.Author.TEAM, body=body, staff_user=staff_user
        )
        request.record(
            RequestEvent.Kind.MESSAGE_FROM_TEAM,
            actor=RequestEvent.Actor.STAFF,
            staff_user=staff_user,
            data={"message": message.pk},
        )
        PrivacyRequest.objects.filter(pk=request.pk).update(updated_at=timezone.now())
        token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
        emails.to_requester(template, request, token)
    return message


def ask_requester(request: PrivacyRequest, reason: str, question: str, staff_user: Any) -> Wait:
    """Ask for identity information, a fee or a clarification: the question is a message."""
    with transaction.atomic():
        wait = request._ask(reason, staff_user)
        post_team_message(request, question, staff_user, template="asked")
    return wait


def extend(
    request: PrivacyRequest, reason: str, staff_user: Any, extended_to: date | None = None
) -> None:
    """Extend the time to answer; the requester is told the reason and the new date."""
    with transaction.atomic():
        request._extend(reason, staff_user, extended_to)
        token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
        emails.to_requester("extended", request, token)


def answer(
    request: PrivacyRequest,
    body: str,
    staff_user: Any,
    open_tasks_reason: str = "",
    files: list[UploadedFile] = (),
) -> Message:
    """The final answer, as a message on the status page with its files; reminders stop.

    The requester downloads the files from the status page, never from an e-mail.
    """
    with transaction.atomic():
        request._answer(staff_user, open_tasks_reason)
        message = post_team_message(request, body, staff_user, template="answered")
        webhooks.emit(WebhookEvent.ANSWERED, request)
        for after in hooks.answered:
            after(request)
        for upload in files:
            AnswerFile.objects.create(
                request=request,
                message=message,
                file=upload,
                name=upload.name,
                size=upload.size,
                uploaded_by=staff_user,
            )
        return message


def close_as_duplicate(request: PrivacyRequest, original: PrivacyRequest, staff_user: Any) -> None:
    """Close `request` as a duplicate of `original`, which goes on: both rows are locked and
    the move decides from them. The requester is told, with a link to the status page of
    the request that goes on."""
    with transaction.atomic():
        request._close_as_duplicate(original, staff_user)
        token = AccessLink.issue(original, AccessLink.Purpose.STATUS)
        emails.closed_as_duplicate(request, original, token)


def withdraw(request: PrivacyRequest) -> None:
    with transaction.atomic():
        request._withdraw()
        emails.officer_withdrawn(request)
        for after in hooks.withdrawn:
            after(request)


def request_lost_links(email_key: str) -> None:
    """E-mail fresh links in the background, so that the answer takes as long whether or not
    the address is known; in the request itself while the broker is away."""
    try:
        send_lost_links_later.delay(email_key)
    except Exception:
        logger.warning("broker unavailable: sending lost links in the request", exc_info=True)
        send_lost_links(email_key)


@shared_task(ignore_result=True)
def send_lost_links_later(email_key: str) -> None:
    """The Celery task: the address's key, never the address; no result, which would tell
    whether the address is known."""
    send_lost_links(email_key)


def send_lost_links(email_key: str) -> int:
    """E-mail fresh links to every request filed from the address whose `addresses.key` is
    `email_key`, to the address of the latest; returns how many."""
    if not email_key:
        return 0  # the key of every purged request
    requests = list(
        PrivacyRequest.objects.filter(
            PrivacyRequest.with_status_page_open(), email_key=email_key
        ).order_by("-received_at")
    )
    if not requests:
        return 0
    with transaction.atomic():
        links = []
        for request in requests:
            purpose = (
                AccessLink.Purpose.VERIFY
                if request.status == Status.UNCONFIRMED
                else AccessLink.Purpose.STATUS
            )
            links.append((request, purpose, AccessLink.issue(request, purpose)))
            request.record(RequestEvent.Kind.LINKS_SENT, data={"purpose": purpose})
        emails.lost_links(requests[0].email, requests[0].language, links)
    return len(links)


def refuse(
    request: PrivacyRequest,
    reason: str,
    explanation: str,
    staff_user: Any,
    *,
    in_part: bool = False,
) -> Message:
    """Refuse with a reason, told to the requester with their right to complain and sue."""
    with transaction.atomic():
        request._refuse(reason, staff_user, in_part=in_part)
        with translation.override(request.language):
            body = "\n\n".join(
                [
                    explanation.strip(),
                    gettext("Reason: %(reason)s") % {"reason": RefusalReason(reason).label},
                    gettext(
                        "You have the right to complain to a data protection authority and to "
                        "go to court. Your status page shows where you can turn."
                    ),
                ]
            )
        webhooks.emit(WebhookEvent.REFUSED, request, in_part=in_part)
        message = post_team_message(request, body, staff_user, template="refused")
        for after in hooks.answered:
            after(request)
        return message


def log_request(data: dict[str, Any], received_at: datetime, staff_user: Any) -> PrivacyRequest:
    """A request that came by e-mail or letter: its clock starts when it arrived.

    The officer vouches for the address, so no confirmation link is sent; the requester gets
    the acknowledgement with the link to the status page.
    """
    if received_at > timezone.now():
        raise ValueError("A request cannot be received in the future.")
    key = submission_key(data, f"logged:{received_at.isoformat()}")
    request = PrivacyRequest(
        **{
            name: data[name]
            for name in ["request_type", "full_name", "email", "country", "details"]
        },
        received_at=received_at,
        submission_key=key,
        status=Status.NEW,
        email_confirmed_at=timezone.now(),
        next_reminder_at=timezone.now(),
    )
    request.set_deadline()
    with transaction.atomic():
        request.reference = provisional_reference()
        request.save()
        request.record(
            RequestEvent.Kind.FILED,
            actor=RequestEvent.Actor.STAFF,
            staff_user=staff_user,
            data={"due_on": request.due_on.isoformat(), "rule": request.due_rule, "logged": True},
        )
        token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
        emails.acknowledgement(request, token)
        request.take_reference()
        webhooks.emit(WebhookEvent.FILED, request)
    return request
