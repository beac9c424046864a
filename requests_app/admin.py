"""The officer's view of requests in the Django admin."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from requests_app import outbox, services
from requests_app.models import Message, OutboxEmail, PrivacyRequest, RequestEvent


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = RequestEvent
    fields = ["created_at", "kind", "actor", "staff_user", "data"]
    readonly_fields = fields
    verbose_name_plural = _("timeline")


class MessageInline(admin.StackedInline):
    """Past messages are read-only; a new one is sent to the requester when saved."""

    model = Message
    extra = 0
    can_delete = False
    fields = ["author", "body", "created_at"]
    readonly_fields = ["author", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "request_type", "country", "status", "received_at", "due_on"]
    list_filter = ["status", "request_type", "country"]
    search_fields = ["reference", "=email", "full_name"]
    date_hierarchy = "received_at"
    ordering = ["due_on"]
    readonly_fields = [
        "reference",
        "status",
        "received_at",
        "due_on",
        "due_rule",
        "email_confirmed_at",
        "closed_at",
        "language",
        "ip_address",
        "updated_at",
    ]
    fields = [
        ("reference", "status"),
        ("received_at", "due_on", "due_rule"),
        "request_type",
        ("full_name", "email"),
        ("country", "language"),
        "details",
        ("email_confirmed_at", "closed_at", "updated_at"),
        "ip_address",
    ]
    inlines = [MessageInline, EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Message:
            return super().save_formset(request, form, formset, change)
        for new in formset.save(commit=False):
            services.post_team_message(form.instance, new.body, request.user)
        return None


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "request", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["request"]
    search_fields = ["=to", "request__reference", "subject"]
    readonly_fields = [
        "request",
        "kind",
        "to",
        "language",
        "subject",
        "message_id",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    exclude = ["context"]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Send the selected failed e-mails again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxEmail]) -> None:
        failed = list(queryset.filter(state=OutboxEmail.State.FAILED).values_list("pk", flat=True))
        OutboxEmail.objects.filter(pk__in=failed).update(
            state=OutboxEmail.State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        for email_id in failed:
            outbox.enqueue(email_id)
        self.message_user(
            request,
            ngettext("%d e-mail queued again.", "%d e-mails queued again.", len(failed))
            % len(failed),
            messages.SUCCESS,
        )
