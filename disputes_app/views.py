"""The escalate page, the case file downloads and the disputes section of the status page."""

from __future__ import annotations

from django.core import signing
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import authorities
from disputes_app import rules, services
from disputes_app.forms import EscalateForm, GoesOnForm
from disputes_app.models import Dispute, RecourseBody
from requests_app import localtime
from requests_app.models import AccessLink, PrivacyRequest, Status
from requests_app.private_pages import link_or_404, private_page

CASE_FILE_SALT = "disputes_app.case_file"
CASE_FILE_SECONDS = 3600
FORMATS = {
    "pdf": ("case_file_pdf", "application/pdf"),
    "json": ("case_file_json", "application/json"),
}


@private_page
@require_http_methods(["GET", "POST"])
def escalate(request: HttpRequest, token: str) -> HttpResponse:
    privacy_request = link_or_404(token, AccessLink.Purpose.STATUS).request
    check = rules.may_escalate(privacy_request, localtime.today())
    form = EscalateForm(
        request.POST if request.method == "POST" else None, country=str(privacy_request.country)
    )
    if request.method == "POST" and check.allowed and form.is_valid():
        try:
            services.escalate(
                privacy_request,
                form.cleaned_data["reason"],
                form.cleaned_data["employment_data"],
                form.cleaned_data["employment_country"],
            )
        except services.EscalationNotAllowed as error:
            # The request changed between the page and the post.
            form.add_error(None, str(error))
        else:
            return redirect(f"{reverse('requests:status', args=[token])}#disputes")
    context = {
        "privacy_request": privacy_request,
        "token": token,
        "check": check,
        "form": form,
        "disputes": privacy_request.disputes.select_related("body"),
        "default_body": RecourseBody.objects.filter(is_default=True).first(),
    }
    return render(request, "disputes/escalate.html", context, status=200)


@private_page
@require_POST
def respond(request: HttpRequest, token: str, dispute_id: int) -> HttpResponse:
    """The requester's answer about an open dispute: it goes on, or they withdraw it."""
    privacy_request = link_or_404(token, AccessLink.Purpose.STATUS).request
    dispute = get_object_or_404(Dispute, pk=dispute_id, request=privacy_request)
    form = GoesOnForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["choice"] == "withdraw":
            services.withdraw(dispute)
        else:
            services.goes_on(dispute)
    return redirect(f"{reverse('requests:status', args=[token])}#disputes")


def case_file_url(token: str, dispute: Dispute, fmt: str) -> str:
    signed = signing.dumps([dispute.pk, fmt], salt=CASE_FILE_SALT)
    return f"{reverse('disputes:case_file', args=[token, dispute.pk, fmt])}?s={signed}"


@private_page
@require_GET
def case_file(request: HttpRequest, token: str, dispute_id: int, fmt: str) -> HttpResponse:
    privacy_request = link_or_404(token, AccessLink.Purpose.STATUS).request
    dispute = get_object_or_404(Dispute, pk=dispute_id, request=privacy_request)
    if fmt not in FORMATS:
        return HttpResponse(status=404)
    try:
        signed = signing.loads(
            request.GET.get("s", ""), salt=CASE_FILE_SALT, max_age=CASE_FILE_SECONDS
        )
    except signing.BadSignature:
        signed = None
    if signed != [dispute.pk, fmt]:
        return render(
            request,
            "requests/download_expired.html",
            {"token": token, "privacy_request": privacy_request},
            status=410,
        )
    field, content_type = FORMATS[fmt]
    return FileResponse(
        getattr(dispute, field).open("rb"),
        as_attachment=True,
        filename=f"{privacy_request.reference}-case-file.{fmt}",
        content_type=content_type,
    )


def status_panel(request: HttpRequest, privacy_request: PrivacyRequest, token: str) -> SafeString:
    """The disputes section of the status page: where to turn after a refusal, escalate, or
    follow the dispute to its end and, if it ends unresolved, the next steps in Annex I's
    order."""
    disputes = list(
        privacy_request.disputes.select_related("body")
        .prefetch_related("deadlines")
        .annotate(versions=Count("case_files"))
    )
    items = [
        {
            "dispute": dispute,
            "pdf_url": case_file_url(token, dispute, "pdf"),
            "json_url": case_file_url(token, dispute, "json"),
            "version": dispute.versions,
            "deadlines": [d for d in dispute.deadlines.all() if d.met_on is None],
            "through": (
                authorities.authority_for(
                    dispute.employment_country or str(privacy_request.country)
                )
                if dispute.employment_data
                else None
            ),
        }
        for dispute in disputes
    ]
    context = {
        "privacy_request": privacy_request,
        "token": token,
        "items": items,
        "check": rules.may_escalate(privacy_request, localtime.today()),
        "refused": privacy_request.status == Status.REFUSED or privacy_request.refused_in_part,
        "unresolved": [d for d in disputes if d.ended_unresolved],
        "authority": authorities.authority_for(str(privacy_request.country)),
        "arbitration": RecourseBody.objects.filter(kind=RecourseBody.Kind.ARBITRATION).first(),
    }
    return mark_safe(render_to_string("disputes/status_panel.html", context, request=request))  # noqa: S308
