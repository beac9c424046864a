"""API tokens in the admin: listed and revoked, never shown (only their first characters).

Tokens are made by `manage.py create_api_token`, which prints each once.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.models import ApiToken


class RevokedFilter(admin.SimpleListFilter):
    title = _("revoked")
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(revoked_at__isnull=self.value() == "no")
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "shown_prefix",
        "user",
        "name",
        "read_only",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [RevokedFilter, "read_only"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    fields = [
        "user",
        "name",
        "shown_prefix",
        "read_only",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    # Only the name (what the token is for) can change; widening a token takes a new one.
    readonly_fields = [field for field in fields if field != "name"]
    actions = ["revoke"]

    @admin.display(description=_("token"), ordering="prefix")
    def shown_prefix(self, obj: ApiToken) -> str:
        return f"{obj.prefix}…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A token is shown once, by the command that makes it; the admin never has one to show.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Revoked, not deleted: the list keeps who had access and when it was last used.
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        done = sum(token.revoke() for token in queryset)
        self.message_user(request, ngettext("%d token revoked.", "%d tokens revoked.", done) % done)
