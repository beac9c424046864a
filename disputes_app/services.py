"""Escalation: take a request to a recourse body with its case file, follow the dispute to its
end, and tell everyone each time its story changes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from disputes_app import casefile, rules
from disputes_app.case_facts import case_facts
from disputes_app.models import (
    ArbitrationBar,
    BodyDeadline,
    CaseFile,
    Dispute,
    DisputeEvent,
    RecourseBody,
)
from requests_app import emails, localtime, webhooks
from requests_app.models import AccessLink, PrivacyRequest, RequestEvent
from requests_app.models.webhooks import WebhookEvent
from requests_app.outbox import queue_email


class EscalationNotAllowed(Exception):
    """Escalation is not open yet; the message says why."""


def body_for(request: PrivacyRequest, employment_data: bool, employment_country: str = ""):
    return rules.body_for(str(request.country), employment_data, employment_country)


def contact_of(body: RecourseBody) -> str:
    """Where the body gets case files: its row's contact (RECOURSE_BODY_EMAIL only seeds the
    default body's, on migrate); empty for none."""
    return body.contact_email


def escalate(
    request: PrivacyRequest,
    reason: str,
    employment_data: bool = False,
    employment_country: str = "",
) -> tuple[Dispute, bool]:
    """File the request's one dispute; returns (dispute, created). Employment data goes to
    the authorities *instead of* the default body: a request never has two disputes."""
    existing = request.disputes.first()
    if existing is not None:
        return existing, False
    body = body_for(request, employment_data, employment_country)
    try:
        with transaction.atomic():
            # Decided from the request as it is now, held until the dispute is written.
            request.lock()
            existing = request.disputes.first()
            if existing is not None:
                return existing, False
            check = rules.may_escalate(request, localtime.today())
            if not check.allowed:
                raise EscalationNotAllowed(check.why)
            country = employment_country.strip().upper() if employment_data else ""
            dispute = file_dispute(request, body, reason.strip(), employment_data, country)
            webhooks.emit(WebhookEvent.ESCALATED, request, body=body.slug)
    except IntegrityError:
        # The same escalation posted from another tab at the same moment.
        return Dispute.objects.get(request=request, body=body), False
    return dispute, True


def file_dispute(
    request: PrivacyRequest,
    body: RecourseBody,
    reason: str,
    employment_data: bool,
    employment_country: str = "",
) -> Dispute:
    now = timezone.now()
    dispute = Dispute.objects.create(
        request=request,
        body=body,
        reason=reason,
        employment_data=employment_data,
        employment_country=employment_country,
        filed_at=now,
        answer_due_on=Dispute.answer_due_for(body, localtime.local_date(now)),
        next_reminder_at=now,
    )
    DisputeEvent.objects.create(
        dispute=dispute, status=Dispute.Status.FILED, acted_on=localtime.local_date(now)
    )
    request.record(
        RequestEvent.Kind.ESCALATED,
        actor=RequestEvent.Actor.REQUESTER,
        data={"body": body.slug, "dispute": dispute.pk},
    )
    version = write_case_file(dispute)
    tell_everyone(dispute, version)
    return dispute


# ---------------------------------------------------------------- the case file, version by version


def describe(change: dict[str, Any]) -> str:
    """What changed, in the active language."""
    if not change:
        return ""
    sentences = {
        "late_answer": gettext(
            "The organisation answered the request on %(on)s, after the escalation; the "
            "requester is asked whether the dispute goes on."
        ),
        "goes_on": gettext("The requester said on %(on)s that the dispute goes on."),
        "withdrawn": gettext(
            "The requester withdrew the complaint on %(on)s; the dispute is closed."
        ),
        "step": gettext("On %(on)s: %(what)s."),
        "deadline": gettext("On %(on)s the body set a date: %(what)s, due on %(due)s."),
        "authority": gettext(
            "On %(on)s the requester's data protection authority took the matter up."
        ),
        "arbitration_bar": gettext("On %(on)s arbitration was closed to the claim: %(what)s."),
    }
    values = {"on": change.get("on", ""), "due": change.get("due", ""), "what": ""}
    if change["kind"] == "step":
        values["what"] = str(Dispute.Status(change["status"]).label)
    elif change["kind"] == "deadline":
        values["what"] = str(BodyDeadline.Kind(change["for"]).label)
    elif change["kind"] == "arbitration_bar":
        values["what"] = str(ArbitrationBar(change["why"]).label)
    return sentences[change["kind"]] % values


def write_case_file(dispute: Dispute, change: dict[str, Any] | None = None) -> CaseFile:
    """The next version of the case file, kept beside the earlier ones, in the language the
    request was filed in, whatever page or step it was made from."""
    change = change or {}
    latest = dispute.case_files.order_by("-version").values_list("version", flat=True).first()
    version = (latest or 0) + 1
    with translation.override(dispute.request.language):
        facts = case_facts(dispute, version, describe(change))
        pdf, json_ = casefile.to_pdf(facts), casefile.to_json(facts)
    name = f"{dispute.request.reference}-{dispute.body.slug}-v{version}"
    case_file = CaseFile(dispute=dispute, version=version, change=change)
    case_file.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    case_file.json.save(f"{name}.json", ContentFile(json_), save=False)
    case_file.save()
    # The dispute's own fields point at the latest version.
    dispute.case_file_pdf, dispute.case_file_json = case_file.pdf.name, case_file.json.name
    dispute.save(update_fields=["case_file_pdf", "case_file_json"])
    if version > 1:
        dispute.record(DisputeEvent.Kind.CASE_FILE, note=f"v{version}")
    return case_file


def attachments(request: PrivacyRequest, case_file: CaseFile) -> list[dict[str, str]]:
    return [
        {
            "path": case_file.pdf.name,
            "filename": f"{request.reference}-v{case_file.version}.pdf",
            "mimetype": "application/pdf",
        },
        {
            "path": case_file.json.name,
            "filename": f"{request.reference}-v{case_file.version}.json",
            "mimetype": "application/json",
        },
    ]


def context_of(dispute: Dispute) -> dict[str, Any]:
    return {
        "body": dispute.body.name,
        "claim_url": dispute.body.claim_url,
        "answer_due_on": dispute.answer_due_on.isoformat(),
    }


def tell_everyone(dispute: Dispute, case_file: CaseFile) -> None:
    request = dispute.request
    context = context_of(dispute)
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
        {**context, "admin_url": admin_url(dispute)},
        request=request,
        language=settings.LANGUAGE_CODE,
    )
    send_to_body(dispute, case_file, "body_case_file", context)


def send_to_body(dispute: Dispute, case_file: CaseFile, kind: str, context: dict) -> None:
    """The case file to the body, where it takes case files by e-mail."""
    contact = contact_of(dispute.body)
    if not contact:
        return
    queue_email(
        kind,
        contact,
        context,
        request=dispute.request,
        language=settings.LANGUAGE_CODE,
        attachments=attachments(dispute.request, case_file),
    )
    CaseFile.objects.filter(pk=case_file.pk).update(sent_to_body=True)


def new_version(dispute: Dispute, change: dict[str, Any]) -> CaseFile:
    """The story changed after the escalation: a new version, sent to the body with what
    changed, in the body's language."""
    case_file = write_case_file(dispute, change)
    with translation.override(settings.LANGUAGE_CODE):
        changed = describe(change)
    context = {**context_of(dispute), "version": case_file.version, "changed": changed}
    send_to_body(dispute, case_file, "body_case_file_update", context)
    return case_file


def admin_url(dispute: Dispute) -> str:
    return emails.absolute(f"/admin/disputes_app/dispute/{dispute.pk}/change/")


def day(on: date | None) -> str:
    return (on or localtime.today()).isoformat()


# ---------------------------------------------------------------- steps the officer records


def record_step(
    dispute: Dispute,
    step: str,
    staff_user: Any = None,
    acted_on: date | None = None,
    outcome: str = "",
    due_on: date | None = None,
) -> None:
    """A step the body took, on the day it took it: the requester hears of a decision and
    of a remedy, the body gets the new version of the case file."""
    with transaction.atomic():
        if step == "acknowledge":
            dispute.acknowledge(staff_user, acted_on)
        elif step == "request_answer":
            dispute.request_answer(staff_user, due_on, acted_on)
        elif step == "answer":
            dispute.answer(staff_user, acted_on)
        elif step == "decide":
            dispute.decide(outcome, staff_user, acted_on, remedy_due_on=due_on)
            tell_requester(dispute, "dispute_decided")
        elif step == "remedy_done":
            dispute.remedy_done(staff_user, acted_on)
            tell_requester(dispute, "dispute_remedy_done")
        elif step == "close":
            dispute.close(staff_user, acted_on)
        else:
            raise ValueError(f"Unknown step {step!r}")
        new_version(dispute, {"kind": "step", "status": dispute.status, "on": day(acted_on)})


def decide(dispute: Dispute, outcome: str, staff_user: Any = None) -> None:
    """The body decided today; the requester hears of it and, if unresolved, of the next step."""
    record_step(dispute, "decide", staff_user, outcome=outcome)


def remedy_done(dispute: Dispute, staff_user: Any = None) -> None:
    """The remedy the body decided was carried out today; the requester hears of it."""
    record_step(dispute, "remedy_done", staff_user)


def add_deadline(
    dispute: Dispute,
    kind: str,
    due_on: date,
    set_on: date | None = None,
    staff_user: Any = None,
    note: str = "",
) -> BodyDeadline:
    with transaction.atomic():
        deadline = dispute.add_deadline(kind, due_on, set_on, staff_user, note)
        change = {"kind": "deadline", "for": kind, "due": due_on.isoformat(), "on": day(set_on)}
        new_version(dispute, change)
        return deadline


def record_authority_step(dispute: Dispute, on: date, staff_user: Any = None) -> None:
    with transaction.atomic():
        dispute.record_authority_step(on, staff_user)
        new_version(dispute, {"kind": "authority", "on": day(on)})


def bar_arbitration(dispute: Dispute, why: str, staff_user: Any = None, on=None) -> None:
    with transaction.atomic():
        dispute.bar_arbitration(why, staff_user, on)
        new_version(dispute, {"kind": "arbitration_bar", "why": why, "on": day(on)})


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


# ---------------------------------------------------------------- the request moves on after it


def request_answered(request: PrivacyRequest) -> None:
    """The organisation answered (or refused) a request already escalated: each open dispute
    records the late answer, the requester is asked whether it goes on, the body gets the
    new version. Run inside the answer's transaction (requests_app.hooks.answered)."""
    for dispute in request.disputes.select_related("body"):
        if dispute.answered_late():
            tell_requester(dispute, "dispute_late_answer")
            new_version(dispute, {"kind": "late_answer", "on": day(None)})


def request_withdrawn(request: PrivacyRequest) -> None:
    """The requester withdrew the request: its open disputes are withdrawn with it."""
    for dispute in request.disputes.select_related("body"):
        withdraw(dispute)


def withdraw(dispute: Dispute) -> bool:
    """The requester withdrew the complaint: recorded, reminders stop, the body and the
    officer are told; False when the dispute had ended already."""
    with transaction.atomic():
        if not dispute.withdraw():
            return False
        new_version(dispute, {"kind": "withdrawn", "on": day(None)})
        queue_email(
            "officer_dispute_withdrawn",
            settings.PRIVACY_OFFICER_EMAIL,
            {**context_of(dispute), "admin_url": admin_url(dispute)},
            request=dispute.request,
            language=settings.LANGUAGE_CODE,
        )
        return True


def goes_on(dispute: Dispute) -> bool:
    """After a late answer the requester wants the dispute to go on: the body is told."""
    with transaction.atomic():
        if not dispute.goes_on():
            return False
        new_version(dispute, {"kind": "goes_on", "on": day(None)})
        return True
