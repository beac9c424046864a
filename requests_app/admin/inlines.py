"""What belongs to a request, shown on its page: read-only, but for a new message."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import display_for_value
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from requests_app import admin_forms
from requests_app.models import (
    IdentityCheck,
    Message,
    PrivacyRequest,
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

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
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
    """Past messages are read-only; a new one, written in the box below them while the
    request is open, is sent to the requester."""

    model = Message
    form = admin_forms.TeamMessageForm
    can_delete = False
    fields = ["author", "body", "sent"]
    readonly_fields = ["author", "sent"]

    @admin.display(description=_("sent"))
    def sent(self, obj: Message) -> str:
        """When it was sent, as the field would show it; nothing yet for the one being written."""
        if obj.pk is None:
            return self.get_empty_value_display()
        return display_for_value(obj.created_at, self.get_empty_value_display())

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The requester's status page takes no messages once the request is closed either.
        is_open = isinstance(obj, PrivacyRequest) and obj.is_open
        return is_open and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_extra(self, request: HttpRequest, obj: object = None, **kwargs) -> int:
        """One empty box for the new message, where one may be sent."""
        return 1 if self.has_add_permission(request, obj) else 0
