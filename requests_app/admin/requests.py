"""The officer's queue and a request's page: the list, its filters, the steps and the page."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from requests_app import admin_forms, case_summary, runs, services, timeline
from requests_app.admin import bulk
from requests_app.admin.filters import (
    AssigneeFilter,
    DueFilter,
    DuplicateFilter,
    OpenFilter,
    ReceivedFilter,
    WaitingFilter,
    today,
)
from requests_app.admin.inlines import (
    IdentityCheckInline,
    MessageInline,
    TaskInline,
    WaitInline,
)
from requests_app.admin.list_pages import ListPages
from requests_app.admin.steps import STEPS, offered, step_notice
from requests_app.models import (
    ExtensionNotAllowed,
    Message,
    Move,
    PrivacyRequest,
    RequestEvent,
    SystemTask,
    TasksStillOpen,
    TransitionNotAllowed,
)


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(bulk.BulkActions, ListPages, admin.ModelAdmin):
    list_display = [
        "reference",
        "request_type",
        "country_name",
        "status",
        "received_on",
        "due",
        "assignee",
        "updated_at",
    ]
    list_filter = [
        OpenFilter,
        DueFilter,
        WaitingFilter,
        DuplicateFilter,
        ReceivedFilter,
        "status",
        "request_type",
        "country",
        ("assignee", AssigneeFilter),
    ]
    list_select_related = ["assignee"]
    search_fields = ["reference", "email", "full_name"]
    search_help_text = _("A reference (DSR-2026-000123), an e-mail address or part of a name.")
    ordering = ["due_on", "id"]
    list_per_page = 50
    show_full_result_count = False
    actions = [
        "assign_to_me",
        "assign_to_officer",
        "start_requests",
        "close_as_spam",
        "refuse_as_unfounded",
        "export_selected",
    ]
    readonly_fields = [
        "reference",
        "received_at",
        "extended_at",
        "extension_reason",
        "request_type",
        "full_name",
        "email",
        "country",
        "language_name",
        "details",
        "assignee",
        "email_confirmed_at",
        "answered_at",
        "refusal_reason",
        "closed_at",
        "duplicate_of",
        "ip_address",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("reference", "assignee", "received_at"),
                    ("extended_at", "extension_reason"),
                ]
            },
        ),
        (
            _("The request"),
            {
                "fields": [
                    "request_type",
                    ("full_name", "email"),
                    ("country", "language_name"),
                    "details",
                ]
            },
        ),
        (
            _("Progress"),
            {
                "fields": [
                    ("email_confirmed_at", "answered_at", "refusal_reason", "closed_at"),
                    "duplicate_of",
                    ("updated_at", "ip_address"),
                ]
            },
        ),
    ]
    # The messages last: the new one's box sits just above the button that sends it.
    inlines = [TaskInline, IdentityCheckInline, WaitInline, MessageInline]
    change_form_template = "admin/requests_app/privacyrequest/change_form.html"
    change_list_template = "admin/requests_app/privacyrequest/change_list.html"

    @admin.display(description=_("received"), ordering="received_at")
    def received_on(self, obj: PrivacyRequest):
        return obj.local_date(obj.received_at)

    @admin.display(description=_("country of residence"), ordering="country")
    def country_name(self, obj: PrivacyRequest) -> str | None:
        """The name, as the field's column showed it, without its 249 choices for each row.

        The admin shows a field with choices by building the dict of all its choices for
        each cell: for the country that cost 50–60 ms a page of 50 rows.
        """
        return obj.country.name or None

    @admin.display(description=_("due"), ordering="due_on")
    def due(self, obj: PrivacyRequest) -> str:
        if not obj.awaits_answer:
            return format_html("{}", obj.due_on)
        days = (obj.due_on - today()).days
        if days < 0:
            return format_html(
                '<strong class="overdue">{}</strong>',
                ngettext("%(d)s day overdue", "%(d)s days overdue", -days) % {"d": -days},
            )
        return format_html(
            "{} ({})", obj.due_on, ngettext("%(d)s day left", "%(d)s days left", days) % {"d": days}
        )

    @admin.display(description=_("language"))
    def language_name(self, obj: PrivacyRequest) -> str:
        return case_summary.language_name(obj.language)

    def get_search_results(self, request, queryset, search_term):
        """Exact reference and e-mail hit their indexes; anything else searches names."""
        term = search_term.strip()
        if term.upper().startswith("DSR-"):
            return queryset.filter(reference=term.upper()), False
        if "@" in term:
            return queryset.alias(email_ci=Lower("email")).filter(email_ci=term.lower()), False
        if term:
            return queryset.filter(full_name__icontains=term), False
        return queryset, False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = admin_forms.LoggedRequestForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            fields = admin_forms.LoggedRequestForm.field_order
            return [(_("A request that came by e-mail or letter"), {"fields": fields})]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            data = form.cleaned_data
            form.instance = services.log_request(data, data["received_at"], request.user)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Message:
            return super().save_formset(request, form, formset, change)
        sent = formset.save(commit=False)
        for new in sent:
            services.post_team_message(form.instance, new.body, request.user)
        if sent:
            self.message_user(request, gettext("The message was sent to the requester."))
        elif not form.instance.is_open:
            # Closed since the page was loaded: the box is refused (MessageInline).
            why = gettext("Nothing was sent: the request is closed and takes no more messages.")
            self.message_user(request, why, messages.WARNING)
        else:
            why = gettext("Nothing was sent: the message was empty.")
            self.message_user(request, why, messages.WARNING)
        return None

    def response_change(self, request: HttpRequest, obj: PrivacyRequest) -> HttpResponse:
        """Back to the request: the page's one button sends a message, and save_formset said
        what became of it (the request's own fields are read-only, so Django's "changed
        successfully" would tell nothing)."""
        url = reverse("admin:requests_app_privacyrequest_change", args=[obj.pk])
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return HttpResponseRedirect(add_preserved_filters(preserved, url))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Before the lookup: someone who may not see requests leaves no "viewed" event.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                obj.record(
                    RequestEvent.Kind.VIEWED,
                    actor=RequestEvent.Actor.STAFF,
                    staff_user=request.user,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """A request's page reads like its case: the summary on top, the steps its state
        allows, the timeline in words; the same after a message that did not validate."""
        if obj is not None:
            may_change = self.has_change_permission(request, obj)
            context |= {
                "summary": case_summary.summary(obj, today()),
                "duplicates": obj.open_duplicates(),
                "timeline": timeline.timeline(obj),
                "steps": self.steps_for(obj) if may_change else [],
                "tasks": obj.tasks.select_related("system"),
                "may_change": may_change,
                "connected": bool(runs.connected_systems()),
                "runs": obj.runs.prefetch_related("parts"),
                "may_run": obj.email_confirmed_at is not None
                and request.user.has_perm("requests_app.run_connectors"),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def steps_for(self, obj: PrivacyRequest) -> list[tuple[str, str]]:
        return [
            (reverse("admin:requests_app_privacyrequest_step", args=[obj.pk, move]), step.label)
            for move, step in STEPS.items()
            if offered(move, obj, today()) and step.offered(obj)
        ]

    def get_urls(self):
        return [
            path(
                "<int:object_id>/step/<str:step>/",
                self.admin_site.admin_view(self.step_view),
                name="requests_app_privacyrequest_step",
            ),
            *self.list_page_urls(),
            path(
                "<int:object_id>/task/<int:task_id>/",
                self.admin_site.admin_view(self.task_view),
                name="requests_app_privacyrequest_task",
            ),
            *super().get_urls(),
        ]

    def step_view(self, request: HttpRequest, object_id: int, step: str) -> HttpResponse:
        # The permission before the lookup, so that a 404 tells no one which ids exist.
        if step not in STEPS or not self.has_change_permission(request):
            raise PermissionDenied
        move = Move(step)
        obj = get_object_or_404(PrivacyRequest, pk=object_id)
        label = STEPS[move].label
        form = STEPS[move].bind(
            obj, *([request.POST, request.FILES] if request.method == "POST" else [])
        )
        if request.method == "POST" and form.is_valid():
            try:
                STEPS[move].run(obj, form.cleaned_data, request.user)
            except (TransitionNotAllowed, ExtensionNotAllowed, TasksStillOpen) as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, gettext("%(step)s: done.") % {"step": label})
                return HttpResponseRedirect(
                    reverse("admin:requests_app_privacyrequest_change", args=[obj.pk])
                )
        return self.render_step(request, obj, label, form, notice=step_notice(move, obj))

    def task_view(self, request: HttpRequest, object_id: int, task_id: int) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        task = get_object_or_404(SystemTask, pk=task_id, request_id=object_id)
        form = admin_forms.TaskForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                task.complete(
                    form.cleaned_data["outcome"],
                    request.user,
                    recipient_told=form.cleaned_data["recipient_told"],
                    not_told_reason=form.cleaned_data["not_told_reason"],
                )
            except TransitionNotAllowed as error:
                form.add_error(None, str(error))
            else:
                return HttpResponseRedirect(
                    reverse("admin:requests_app_privacyrequest_change", args=[object_id])
                )
        label = gettext("Task for %(system)s") % {"system": task.system}
        return self.render_step(request, task.request, label, form)

    def render_step(self, request, obj, label, form, notice: str = "") -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": f"{obj.reference}: {label}",
            "step_label": label,
            "form": form,
            "notice": notice,
        }
        return TemplateResponse(request, "admin/requests_app/privacyrequest/step.html", context)
