"""Disputes in the admin: the officer records each step the recourse body takes."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from disputes_app import services
from disputes_app.models import Dispute, DisputeEvent, Outcome, RecourseBody
from disputes_app.views import FORMATS
from requests_app.models import TransitionNotAllowed


class DisputeEventInline(admin.TabularInline):
    model = DisputeEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "status", "outcome", "staff_user"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


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
        "filed_at",
        "acknowledged_at",
        "answer_due_on",
        "answered_at",
        "decided_at",
        "outcome",
        "remedy_done_at",
        "closed_at",
        "case_file_pdf_link",
        "case_file_json_link",
    ]
    # Private storage has no URL: the files are linked through case_file_view instead.
    exclude = ["case_file_pdf", "case_file_json"]
    inlines = [DisputeEventInline]
    actions = [
        step_action(
            "acknowledge", _("The body acknowledged the claim"), lambda d, u: d.acknowledge(u)
        ),
        step_action(
            "request_answer", _("The body asks for our answer"), lambda d, u: d.request_answer(u)
        ),
        step_action("answer", _("We answered the body"), lambda d, u: d.answer(u)),
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
        step_action("close", _("Close"), lambda d, u: d.close(u)),
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
            *super().get_urls(),
        ]

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
