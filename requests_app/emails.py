"""Every e-mail of the requester's journey, built from templates/emails/ into the outbox.

E-mails carry the reference and links to SITE_URL, never the content of an answer.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse

from requests_app import hooks
from requests_app.models import AccessLink, OutboxEmail, PrivacyRequest, Reminder, RunPart
from requests_app.outbox import build_email, queue_all, queue_email


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def verify_url(token: str) -> str:
    return absolute(reverse("requests:verify", args=[token]))


def status_url(token: str) -> str:
    return absolute(reverse("requests:status", args=[token]))


def admin_url(request: PrivacyRequest) -> str:
    return absolute(reverse("admin:requests_app_privacyrequest_change", args=[request.pk]))


def confirm_address(request: PrivacyRequest, token: str) -> OutboxEmail:
    (email,) = queue_all([confirm_address_email(request, token)])
    return email


def confirm_address_email(request: PrivacyRequest, token: str) -> OutboxEmail:
    """The unsaved confirmation e-mail, for a caller that writes it with other rows."""
    return build_email(
        "confirm_address",
        request.email,
        {"verify_url": verify_url(token), "hours": AccessLink.VERIFY_HOURS},
        request=request,
    )


def acknowledgement(request: PrivacyRequest, token: str) -> OutboxEmail:
    return queue_email(
        "acknowledgement", request.email, {"status_url": status_url(token)}, request=request
    )


def to_requester(template: str, request: PrivacyRequest, token: str) -> OutboxEmail:
    """A notice that something waits on the status page; the e-mail holds only the link."""
    return queue_email(template, request.email, {"status_url": status_url(token)}, request=request)


def closed_as_duplicate(
    request: PrivacyRequest, original: PrivacyRequest, token: str
) -> OutboxEmail:
    """To the requester of `request`, in its language: it goes on as `original`, whose
    status page `token` opens."""
    return queue_email(
        "closed_as_duplicate",
        request.email,
        {"original": original.reference, "status_url": status_url(token)},
        request=request,
    )


def lost_links(address: str, language: str, links: list[tuple]) -> OutboxEmail:
    items = [
        {
            "reference": request.reference,
            "purpose": purpose,
            "url": verify_url(token) if purpose == "verify" else status_url(token),
        }
        for request, purpose, token in links
    ]
    return queue_email(
        "lost_links",
        address,
        {"items": items, "hours": AccessLink.VERIFY_HOURS},
        language=language,
    )


def officer_new_message(request: PrivacyRequest) -> OutboxEmail:
    return _to_officer("officer_message", request)


def officer_withdrawn(request: PrivacyRequest) -> OutboxEmail:
    return _to_officer("officer_withdrawn", request)


def officer_system_waiting(part: RunPart, days: int) -> OutboxEmail:
    """A system (a processor, a webhook that answered 202) has not answered for `days`."""
    run_url = absolute(reverse("admin:requests_app_systemrun_change", args=[part.run_id]))
    return queue_email(
        "officer_system_waiting",
        settings.PRIVACY_OFFICER_EMAIL,
        {"admin_url": run_url, "system": part.system.name, "days": days},
        request=part.run.request,
        language=settings.LANGUAGE_CODE,
    )


def _to_officer(template: str, request: PrivacyRequest) -> OutboxEmail:
    """Officer e-mails carry the reference, dates and an admin link, no personal data."""
    return queue_email(
        template,
        settings.PRIVACY_OFFICER_EMAIL,
        {"admin_url": admin_url(request)},
        request=request,
        language=settings.LANGUAGE_CODE,
    )


def requester_reminder(request: PrivacyRequest, kind: str, deadline: date) -> OutboxEmail:
    """Unsaved: the sweep writes a batch at once. Each carries a fresh private link."""
    if kind == Reminder.Kind.CONFIRM_EMAIL:
        token = AccessLink.issue(request, AccessLink.Purpose.VERIFY)
        context = {"verify_url": verify_url(token), "hours": AccessLink.VERIFY_HOURS}
    elif kind == Reminder.Kind.LAPSED:
        context = {"new_url": absolute(reverse("requests:new"))}
    else:
        token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
        context = {"status_url": status_url(token)}
        if kind == Reminder.Kind.LATE and (escalate := hooks.escalation_url(token)):
            context["escalate_url"] = absolute(escalate)
    return build_email(f"reminder_{kind}", request.email, context, request=request)


def officer_reminder(request: PrivacyRequest, kind: str, deadline: date, to: str) -> OutboxEmail:
    """Unsaved. The reference, the dates and an admin link: no personal data."""
    return build_email(
        "officer_reminder",
        to,
        {"reminder": kind, "deadline": deadline.isoformat(), "admin_url": admin_url(request)},
        request=request,
        language=settings.LANGUAGE_CODE,
    )


def officer_digest(to: str, context: dict) -> OutboxEmail:
    """An officer's digest of the day (requests_app.digests): references, types, dates and
    admin links, no personal data."""
    return queue_email("officer_digest", to, context, language=settings.LANGUAGE_CODE)
