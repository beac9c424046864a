"""Escalation: take a request to a recourse body with its case file, and tell everyone."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from disputes_app import casefile, rules
from disputes_app.models import Dispute, DisputeEvent, RecourseBody
from requests_app import emails, localtime, webhooks
from requests_app.models import (
    AccessLink,
    Message,
    PrivacyRequest,
    RefusalReason,
    RequestEvent,
    RequestType,
    Status,
)
from requests_app.models.webhooks import WebhookEvent
from requests_app.outbox import queue_email


class EscalationNotAllowed(Exception):
    """Escalation is not open yet; the message says why."""


def body_for(request: PrivacyRequest, employment_data: bool) -> RecourseBody:
    slug = rules.route(str(request.country), employment_data)
    if slug == "default":
        return RecourseBody.objects.get(is_default=True)
    return RecourseBody.objects.get(slug=slug)


def contact_of(body: RecourseBody) -> str:
    """Where the body gets case files: its row's contact (RECOURSE_BODY_EMAIL only seeds the
    default body's, on migrate); empty for none."""
    return body.contact_email


def escalate(
    request: PrivacyRequest, reason: str, employment_data: bool = False
) -> tuple[Dispute, bool]:
    """File one dispute per request and body; returns (dispute, created)."""
    body = body_for(request, employment_data)
    existing = Dispute.objects.filter(request=request, body=body).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            # Decided from the request as it is now, held until the dispute is written.
            request.lock()
            check = rules.may_escalate(request, localtime.today())
            if not check.allowed:
                raise EscalationNotAllowed(check.why)
            dispute = file_dispute(request, body, reason.strip(), employment_data)
            webhooks.emit(WebhookEvent.ESCALATED, request, body=body.slug)
    except IntegrityError:
        # The same escalation posted from another tab at the same moment.
        return Dispute.objects.get(request=request, body=body), False
    return dispute, True


def file_dispute(
    request: PrivacyRequest, body: RecourseBody, reason: str, employment_data: bool
) -> Dispute:
    now = timezone.now()
    dispute = Dispute.objects.create(
        request=request,
        body=body,
        reason=reason,
        employment_data=employment_data,
        filed_at=now,
        answer_due_on=Dispute.answer_due_for(body, localtime.local_date(now)),
        next_reminder_at=now,
    )
    DisputeEvent.objects.create(dispute=dispute, status=Dispute.Status.FILED)
    request.record(
        RequestEvent.Kind.ESCALATED,
        actor=RequestEvent.Actor.REQUESTER,
        data={"body": body.slug, "dispute": dispute.pk},
    )
    write_case_file(dispute)
    tell_everyone(dispute)
    return dispute


def write_case_file(dispute: Dispute) -> None:
    """In the language the request was filed in, whatever page the requester escalated from."""
    with translation.override(dispute.request.language):
        facts = case_facts(dispute)
        pdf, json_ = casefile.to_pdf(facts), casefile.to_json(facts)
    name = f"{dispute.request.reference}-{dispute.body.slug}"
    dispute.case_file_pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    dispute.case_file_json.save(f"{name}.json", ContentFile(json_), save=False)
    dispute.save(update_fields=["case_file_pdf", "case_file_json"])


def tell_everyone(dispute: Dispute) -> None:
    request = dispute.request
    context = {
        "body": dispute.body.name,
        "claim_url": dispute.body.claim_url,
        "answer_due_on": dispute.answer_due_on.isoformat(),
    }
    token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
    queue_email(
        "escalated",
        request.email,
        {**context, "status_url": emails.status_url(token)},
        request=request,
    )
    queue_email(
        "officer_escalated",
        settings.PRIVACY_OFFICER_EMAIL,
        {
            **context,
            "admin_url": emails.absolute(f"/admin/disputes_app/dispute/{dispute.pk}/change/"),
        },
        request=request,
        language=settings.LANGUAGE_CODE,
    )
    contact = contact_of(dispute.body)
    if contact:
        queue_email(
            "body_case_file",
            contact,
            context,
            request=request,
            language=settings.LANGUAGE_CODE,
            attachments=[
                {
                    "path": dispute.case_file_pdf.name,
                    "filename": f"{request.reference}.pdf",
                    "mimetype": "application/pdf",
                },
                {
                    "path": dispute.case_file_json.name,
                    "filename": f"{request.reference}.json",
                    "mimetype": "application/json",
                },
            ],
        )


def decide(dispute: Dispute, outcome: str, staff_user: Any = None) -> None:
    """The body decided; the requester hears of it and, if unresolved, of the next step."""
    with transaction.atomic():
        dispute.decide(outcome, staff_user)
        tell_requester(dispute, "dispute_decided")


def remedy_done(dispute: Dispute, staff_user: Any = None) -> None:
    """The remedy the body decided was carried out; the requester hears of it."""
    with transaction.atomic():
        dispute.remedy_done(staff_user)
        tell_requester(dispute, "dispute_remedy_done")


def tell_requester(dispute: Dispute, template: str) -> None:
    """Queue the requester's e-mail about a step of the dispute, with a fresh status link."""
    request = dispute.request
    token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
    queue_email(
        template,
        request.email,
        {"body": dispute.body.name, "status_url": emails.status_url(token)},
        request=request,
    )


def iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def local_day(moment) -> date | None:
    return PrivacyRequest.local_date(moment) if moment else None


def outcome_of(request: PrivacyRequest) -> str:
    if request.status == Status.REFUSED:
        return "refused"
    if request.refused_in_part:
        return "answered_in_part"
    if request.answered_at:
        return "answered"
    return "none"


def case_facts(dispute: Dispute) -> dict[str, Any]:
    """What docs/RULES.md section 4 lists for the case file, and no more personal data."""
    request = dispute.request
    events = list(request.events.all())
    messages = list(request.messages.all())
    final = [
        m
        for m in messages
        if m.author == Message.Author.TEAM
        and request.answered_at
        and m.created_at >= request.answered_at
    ]
    return {
        "organisation": settings.ORGANISATION_NAME,
        "reference": request.reference,
        "request_type": request.request_type,
        "request_type_label": str(RequestType(request.request_type).label),
        "country": str(request.country),
        "received_on": iso(local_day(request.received_at)),
        "due_on": iso(request.due_on),
        "due_rule": request.due_rule,
        "due_rule_label": str(request.due_rule_label),
        "due_date_history": [
            {**e.data, "when": iso(e.created_at)}
            for e in events
            if e.kind == RequestEvent.Kind.DUE_DATE_MOVED
        ],
        "answered_on": iso(local_day(request.answered_at)),
        "outcome": outcome_of(request),
        "refusal_reason": request.refusal_reason or None,
        "refusal_reason_label": (
            str(RefusalReason(request.refusal_reason).label) if request.refusal_reason else None
        ),
        "waits": [
            {
                "reason": w.reason,
                "reason_label": str(w.get_reason_display()),
                "from": iso(local_day(w.started_at)),
                "to": iso(local_day(w.ended_at)),
            }
            for w in request.waits.all()
        ],
        "extension": (
            {
                "on": iso(local_day(request.extended_at)),
                "reason": request.extension_reason,
                "due_on": iso(request.due_on),
            }
            if request.extended_at
            else None
        ),
        "timeline": [
            {"when": iso(e.created_at), "what": e.kind, "label": str(e.get_kind_display())}
            for e in events
            if e.kind != RequestEvent.Kind.VIEWED
        ],
        "messages": [
            {"when": iso(m.created_at), "from": m.author, "body": m.body} for m in messages
        ],
        "final_answer": final[0].body if final else None,
        "escalation": {
            "body": dispute.body.name,
            "filed_on": iso(local_day(dispute.filed_at)),
            "reason": dispute.reason,
            "employment_data": dispute.employment_data,
            "claim_url": dispute.body.claim_url,
        },
        "generated_at": iso(timezone.now()),
    }
