"""Disputes in the admin: the officer records each step the recourse body takes."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from disputes_app import services
from disputes_app.admin_forms import DisputeStepForm
from disputes_app.models import BodyDeadline, CaseFile, Dispute, DisputeEvent, Outcome, RecourseBody
from disputes_app.views import FORMATS
from requests_app.models import TransitionNotAllowed


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DisputeEventInline(ReadOnlyInline):
    model = DisputeEvent
    fields = ["acted_on", "kind", "status", "outcome", "note", "staff_user", "created_at"]
    readonly_fields = fields


class BodyDeadlineInline(ReadOnlyInline):
    model = BodyDeadline
    fields = ["kind", "due_on", "set_on", "met_on", "note", "staff_user"]
    readonly_fields = fields


class CaseFileInline(ReadOnlyInline):
    model = CaseFile
    fields = ["version", "created_at", "what_changed", "sent_to_body", "files"]
    readonly_fields = fields

    @admin.display(description=_("what changed"))
    def what_changed(self, obj: CaseFile) -> str:
        return services.describe(obj.change) or "–"

    @admin.display(description=_("files"))
    def files(self, obj: CaseFile) -> str:
        return format_html(
            '<a href="{}">PDF</a>, <a href="{}">JSON</a>',
            reverse("admin:disputes_app_dispute_case_file_version", args=[obj.pk, "pdf"]),
            reverse("admin:disputes_app_dispute_case_file_version", args=[obj.pk, "json"]),
        )


def step_action(name: str, description: str, run):
    def action(modeladmin, request: HttpRequest, queryset: QuerySet[Dispute]) -> None:
        done = 0
        for dispute in queryset.select_related("request", "body"):
            try:
                run(dispute, request.user)
                done += 1
            except TransitionNotAllowed:
                modeladmin.message_user(
                    request,
                    _("%(d)s: not possible in its state.") % {"d": dispute},
                    messages.WARNING,
                )
        modeladmin.message_user(
            request, ngettext("%d dispute updated.", "%d disputes updated.", done) % done
        )

    action.__name__ = name
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ["request", "body", "status", "filed_at", "answer_due_on", "outcome"]
    list_filter = ["status", "body", "outcome", "employment_data"]
    list_select_related = ["request", "body"]
    search_fields = ["request__reference"]
    readonly_fields = [
        "request",
        "body",
        "status",
        "reason",
        "employment_data",
        "employment_country",
        "filed_at",
        "acknowledged_at",
        "answer_due_on",
        "answered_at",
        "decided_at",
        "outcome",
        "remedy_done_at",
        "closed_at",
        "late_answer_at",
        "goes_on_at",
        "withdrawn_at",
        "authority_step_on",
        "arbitration_bar",
        "case_file_pdf_link",
        "case_file_json_link",
    ]
    # Private storage has no URL: the files are linked through case_file_view instead.
    exclude = ["case_file_pdf", "case_file_json"]
    inlines = [DisputeEventInline, BodyDeadlineInline, CaseFileInline]
    actions = [
        step_action(
            "acknowledge",
            _("The body acknowledged the claim"),
            lambda d, u: services.record_step(d, "acknowledge", u),
        ),
        step_action(
            "request_answer",
            _("The body asks for our answer"),
            lambda d, u: services.record_step(d, "request_answer", u),
        ),
        step_action(
            "answer", _("We answered the body"), lambda d, u: services.record_step(d, "answer", u)
        ),
        *[
            step_action(
                f"decide_{outcome}",
                _("Decided: %(outcome)s") % {"outcome": label},
                lambda d, u, outcome=outcome: services.decide(d, outcome, u),
            )
            for outcome, label in Outcome.choices
        ],
        step_action(
            "remedy_done", _("The remedy is done"), lambda d, u: services.remedy_done(d, u)
        ),
        step_action("close", _("Close"), lambda d, u: services.record_step(d, "close", u)),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "<int:object_id>/case-file.<str:fmt>",
                self.admin_site.admin_view(self.case_file_view),
                name="disputes_app_dispute_case_file",
            ),
            path(
                "case-files/<int:version_id>.<str:fmt>",
                self.admin_site.admin_view(self.case_file_version_view),
                name="disputes_app_dispute_case_file_version",
            ),
            path(
                "<int:object_id>/record/",
                self.admin_site.admin_view(self.record_view),
                name="disputes_app_dispute_record",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_record": self.has_change_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def record_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """What the body did, on the day it did it: a step, a date it set, the authority's
        step, or why arbitration is closed to the claim."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        dispute = get_object_or_404(Dispute.objects.select_related("request", "body"), pk=object_id)
        form = DisputeStepForm(request.POST if request.method == "POST" else None)
        notice = ""
        if request.method == "POST" and form.is_valid():
            try:
                record(dispute, form.cleaned_data, request.user)
            except TransitionNotAllowed as error:
                notice = str(error)
            else:
                self.message_user(request, gettext("Recorded. The body gets the new case file."))
                return redirect("admin:disputes_app_dispute_change", dispute.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": dispute,
            "form": form,
            "notice": notice,
            "title": gettext("Record what the body did"),
        }
        return TemplateResponse(request, "admin/disputes_app/dispute/record.html", context)

    def case_file_version_view(self, request: HttpRequest, version_id: int, fmt: str):
        """An earlier (or the latest) version of a case file, to staff who may see disputes."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        version = get_object_or_404(
            CaseFile.objects.select_related("dispute__request"), pk=version_id
        )
        if fmt not in FORMATS:
            raise Http404
        stored = version.pdf if fmt == "pdf" else version.json
        return FileResponse(
            stored.open("rb"),
            as_attachment=True,
            filename=f"{version.dispute.request.reference}-case-file-v{version.version}.{fmt}",
            content_type=FORMATS[fmt][1],
        )

    def case_file_view(self, request: HttpRequest, object_id: int, fmt: str) -> FileResponse:
        """The case file as an attachment, to staff who may see disputes."""
        # The permission before the lookup, so that a 404 tells no one which ids exist.
        if not self.has_view_permission(request):
            raise PermissionDenied
        dispute = get_object_or_404(Dispute.objects.select_related("request"), pk=object_id)
        if fmt not in FORMATS:
            raise Http404
        field, content_type = FORMATS[fmt]
        stored = getattr(dispute, field)
        if not stored:
            raise Http404
        return FileResponse(
            stored.open("rb"),
            as_attachment=True,
            filename=case_file_name(dispute, fmt),
            content_type=content_type,
        )

    @admin.display(description=_("case file (PDF)"))
    def case_file_pdf_link(self, obj: Dispute) -> str | None:
        return case_file_link(obj, "pdf")

    @admin.display(description=_("case file (JSON)"))
    def case_file_json_link(self, obj: Dispute) -> str | None:
        return case_file_link(obj, "json")


def record(dispute: Dispute, data: dict, staff_user) -> None:
    """Apply what the officer recorded through the service that tells everyone."""
    step, on = data["step"], data["acted_on"]
    if step == "deadline":
        services.add_deadline(
            dispute, data["deadline_kind"], data["due_on"], on, staff_user, data["note"]
        )
    elif step == "authority":
        services.record_authority_step(dispute, on, staff_user)
    elif step == "arbitration_bar":
        services.bar_arbitration(dispute, data["arbitration_bar"], staff_user, on)
    else:
        services.record_step(
            dispute, step, staff_user, on, outcome=data["outcome"], due_on=data["due_on"]
        )


def case_file_name(dispute: Dispute, fmt: str) -> str:
    return f"{dispute.request.reference}-case-file.{fmt}"


def case_file_link(dispute: Dispute, fmt: str) -> str | None:
    if not getattr(dispute, FORMATS[fmt][0]):
        return None
    url = reverse("admin:disputes_app_dispute_case_file", args=[dispute.pk, fmt])
    return format_html('<a href="{}">{}</a>', url, case_file_name(dispute, fmt))


@admin.register(RecourseBody)
class RecourseBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_default", "claim_url", "answer_days"]
    list_filter = ["kind"]
    # A claim page typed without a scheme is on https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
