"""The register of systems, the reminders sent and the outbox, as the officer sees them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from requests_app import outbox
from requests_app.models import (
    DataSystem,
    OutboxEmail,
    Reminder,
)


@admin.register(DataSystem)
class DataSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "request", "kind", "deadline"]
    list_filter = ["kind"]
    list_select_related = ["request"]
    search_fields = ["request__reference"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "request", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["request"]
    search_fields = ["=to", "request__reference"]
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

    @admin.action(description=_("Send the selected failed e-mails again"), permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxEmail]) -> None:
        failed = list(queryset.filter(state=OutboxEmail.State.FAILED).values_list("pk", flat=True))
        OutboxEmail.objects.filter(pk__in=failed).update(
            state=OutboxEmail.State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        outbox.enqueue_all(failed)
        self.message_user(
            request,
            ngettext("%d e-mail queued again.", "%d e-mails queued again.", len(failed))
            % len(failed),
            messages.SUCCESS,
        )
