"""The facts of a case file, read from the database (docs/RULES.md section 4).

What a recourse body needs to take up the complaint, and no more personal data than that:
no name, no e-mail address, no IP address. `disputes_app.casefile` turns the facts into the
JSON and the PDF; docs/casefile.schema.json describes the JSON.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from disputes_app import rules
from disputes_app.models import ArbitrationBar, BodyDeadline, Dispute, DisputeEvent
from requests_app.models import (
    IdentityCheck,
    Message,
    PrivacyRequest,
    RefusalReason,
    RequestEvent,
    RequestType,
    Status,
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


def days_late(request: PrivacyRequest, today: date) -> int:
    """Days past the due date the answer came, or, while none came, until today."""
    answered = local_day(request.answered_at) or today
    return max(0, (answered - request.due_on).days)


def organisation(country: str) -> dict[str, Any]:
    return {
        "name": settings.ORGANISATION_NAME,
        "write_to": settings.ORGANISATION_ADDRESS,
        "contact": settings.ORGANISATION_EMAIL,
        "dpf_listing": settings.ORGANISATION_DPF_LISTING_URL,
        "framework": rules.framework(country),
    }


def identity_checks(request: PrivacyRequest) -> list[dict[str, Any]]:
    return [
        {
            "method": check.method,
            "method_label": str(IdentityCheck.Method(check.method).label),
            "confirmed": check.confirmed,
            "on": iso(local_day(check.checked_at)),
        }
        for check in request.identity_checks.order_by("checked_at", "id")
    ]


def refusals(events: list[RequestEvent]) -> list[dict[str, Any]]:
    return [
        {
            "reason": event.data.get("reason"),
            "reason_label": str(RefusalReason(event.data["reason"]).label),
            "on": iso(local_day(event.created_at)),
            "in_part": bool(event.data.get("in_part")),
            "in_time": not event.data.get("late", False),
        }
        for event in events
        if event.kind == RequestEvent.Kind.REFUSED and event.data.get("reason")
    ]


def dispute_story(dispute: Dispute) -> dict[str, Any]:
    """What happened before the body since the escalation: its dates and each step."""
    return {
        "status": dispute.status,
        "status_label": str(dispute.get_status_display()),
        "outcome": dispute.outcome or None,
        "answer_due_on": iso(dispute.answer_due_on),
        "deadlines": [
            {
                "for": deadline.kind,
                "label": str(deadline.get_kind_display()),
                "due_on": iso(deadline.due_on),
                "set_on": iso(deadline.set_on),
                "met_on": iso(deadline.met_on),
            }
            for deadline in BodyDeadline.objects.filter(dispute=dispute).order_by("due_on", "id")
        ],
        "steps": [
            {
                "what": event.kind,
                "label": str(event.get_kind_display()),
                "status": event.status,
                "status_label": str(Dispute.Status(event.status).label),
                "on": iso(event.acted_on or local_day(event.created_at)),
                "recorded": iso(event.created_at),
                "note": event.note,
            }
            for event in DisputeEvent.objects.filter(dispute=dispute).order_by("created_at", "id")
            if event.kind != DisputeEvent.Kind.CASE_FILE
        ],
        "late_answer_on": iso(local_day(dispute.late_answer_at)),
        "withdrawn_on": iso(local_day(dispute.withdrawn_at)),
        "authority_step_on": iso(dispute.authority_step_on),
        "arbitration_bar": (
            str(ArbitrationBar(dispute.arbitration_bar).label) if dispute.arbitration_bar else None
        ),
    }


def case_facts(dispute: Dispute, version: int, changed: str = "") -> dict[str, Any]:
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
    now = timezone.now()
    return {
        "case_file_version": version,
        "changed": changed or None,
        "organisation": organisation(str(request.country)),
        "reference": request.reference,
        "request_type": request.request_type,
        "request_type_label": str(RequestType(request.request_type).label),
        "request_text": request.details,
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
        "identity_checks": identity_checks(request),
        "answered_on": iso(local_day(request.answered_at)),
        "days_late": days_late(request, local_day(now)),
        "outcome": outcome_of(request),
        "refusal_reason": request.refusal_reason or None,
        "refusal_reason_label": (
            str(RefusalReason(request.refusal_reason).label) if request.refusal_reason else None
        ),
        "refusals": refusals(events),
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
        "answer_files": [
            {"file": f.name, "size": f.size, "sent_on": iso(local_day(f.uploaded_at))}
            for f in request.files.order_by("uploaded_at", "id")
        ],
        "final_answer": final[0].body if final else None,
        "escalation": {
            "body": dispute.body.name,
            "filed_on": iso(local_day(dispute.filed_at)),
            "reason": dispute.reason,
            "employment_data": dispute.employment_data,
            "employment_country": dispute.employment_country or None,
            "claim_url": dispute.body.claim_url,
        },
        "dispute": dispute_story(dispute),
        "generated_at": iso(now),
    }
