""" "My e-mail": each staff member's own choice of a reminder per request or one digest a day.

Every staff member sets their own, whatever their permissions: the list takes them to their
row, or to a new one. Only superusers see, change and remove everyone's.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from requests_app.models import OfficerPreference


@admin.register(OfficerPreference)
class OfficerPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "digest", "digest_hour"]
    list_filter = ["digest"]
    list_select_related = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OfficerPreference]:
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.is_own(request)

    def has_view_permission(self, request: HttpRequest, obj: OfficerPreference | None = None):
        return self.is_own(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: OfficerPreference | None = None):
        return self.is_own(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.is_own(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    @staticmethod
    def is_own(request: HttpRequest, obj: OfficerPreference | None = None) -> bool:
        """A staff member's own row, or any row for a superuser."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return obj is None or user.is_superuser or obj.user_id == user.pk

    def get_fields(self, request: HttpRequest, obj: OfficerPreference | None = None):
        fields = ["digest", "digest_hour"]
        return ["user", *fields] if request.user.is_superuser else fields

    def get_readonly_fields(self, request: HttpRequest, obj: OfficerPreference | None = None):
        return ["user"] if obj is not None and request.user.is_superuser else []

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "digest_hour":
            field.help_text = gettext("In the organisation's time zone, %(zone)s.") % {
                "zone": settings.ORGANISATION_TIME_ZONE
            }
        return field

    def save_model(self, request, obj, form, change) -> None:
        # Another tab or a double click may have saved the row a moment ago: it is updated.
        if not request.user.is_superuser:
            obj.user = request.user
        obj.pk = OfficerPreference.choose(
            obj.user, digest=obj.digest, digest_hour=obj.digest_hour
        ).pk

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if request.user.is_superuser:
            return super().changelist_view(request, extra_context)
        return HttpResponseRedirect(own_page(request))

    def add_view(self, request: HttpRequest, form_url="", extra_context=None) -> HttpResponse:
        if request.user.is_superuser:
            return super().add_view(request, form_url, extra_context)
        if OfficerPreference.objects.filter(user=request.user).exists():
            return HttpResponseRedirect(own_page(request))
        return super().add_view(request, form_url, {**(extra_context or {}), **MINE})

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        if not request.user.is_superuser:
            extra_context = {**(extra_context or {}), **MINE}
        return super().change_view(request, object_id, form_url, extra_context)


# A staff member's own page: titled so, without "Save and add another".
MINE = {"title": gettext_lazy("My e-mail"), "show_save_and_add_another": False}


def own_page(request: HttpRequest) -> str:
    """The staff member's own preference, or the page that makes it."""
    own = OfficerPreference.objects.filter(user=request.user).first()
    if own is None:
        return reverse("admin:requests_app_officerpreference_add")
    return reverse("admin:requests_app_officerpreference_change", args=[own.pk])
