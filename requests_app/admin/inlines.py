"""What belongs to a request, shown on its page: read-only, but for a new message."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from requests_app import admin_forms
from requests_app.models import (
    IdentityCheck,
    Message,
    SystemTask,
    Wait,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False
    # Foreign keys shown in the rows, loaded with them rather than one query per row.
    related: tuple[str, ...] = ("request",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related(*self.related)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class WaitInline(ReadOnlyInline):
    model = Wait
    related = ("request", "staff_user")
    fields = ["reason", "started_at", "ended_at", "staff_user"]
    readonly_fields = fields


class TaskInline(ReadOnlyInline):
    model = SystemTask
    related = ("request", "system", "done_by")
    fields = ["system", "done_at", "outcome", "recipient_told_at", "not_told_reason", "done_by"]
    readonly_fields = fields


class IdentityCheckInline(ReadOnlyInline):
    model = IdentityCheck
    related = ("request", "checked_by")
    fields = ["checked_at", "method", "confirmed", "note", "checked_by"]
    readonly_fields = fields


class MessageInline(admin.StackedInline):
    """Past messages are read-only; a new one is sent to the requester when saved."""

    model = Message
    form = admin_forms.TeamMessageForm
    extra = 0
    can_delete = False
    fields = ["author", "body", "created_at"]
    readonly_fields = ["author", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
