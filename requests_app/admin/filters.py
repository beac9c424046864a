"""The queue's filters; every day in them is the organisation's (requests_app.localtime)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from requests_app import localtime
from requests_app.models import (
    OPEN_STATUSES,
    PENDING_ANSWER,
    PrivacyRequest,
    Status,
)

today = localtime.today


class OpenFilter(admin.SimpleListFilter):
    """The queue shows the open requests unless asked for all."""

    title = _("open or closed")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("all", _("All")), ("closed", _("Closed"))]

    def choices(self, changelist):
        # Open takes the place of Django's "All" (no parameter); "all" is a choice of its own.
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Open"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        if self.value() == "closed":
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset.filter(status__in=OPEN_STATUSES)


class DueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("week", _("Within 7 days")),
            ("later", _("Later")),
        ]

    def queryset(self, request, queryset):
        pending = queryset.filter(status__in=PENDING_ANSWER)
        if self.value() == "overdue":
            return pending.filter(due_on__lt=today())
        if self.value() == "week":
            return pending.filter(due_on__gte=today(), due_on__lte=today() + timedelta(days=7))
        if self.value() == "later":
            return pending.filter(due_on__gt=today() + timedelta(days=7))
        return queryset


class ReceivedFilter(admin.SimpleListFilter):
    title = _("received")
    parameter_name = "received"

    def lookups(self, request, model_admin):
        return [("today", _("Today")), ("week", _("In the last 7 days"))]

    def queryset(self, request, queryset):
        days = {"today": 0, "week": 6}.get(self.value())
        if days is None:
            return queryset
        return queryset.filter(received_at__gte=localtime.start_of(today() - timedelta(days=days)))


class WaitingFilter(admin.SimpleListFilter):
    title = _("waiting for the requester")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=Status.WAITING)
        if self.value() == "no":
            return queryset.exclude(status=Status.WAITING)
        return queryset


class DuplicateFilter(admin.SimpleListFilter):
    """Confirmed requests that await their answer beside another of the same address and
    type (models/duplicates.py): found when asked, never stored."""

    title = _("possible duplicates")
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        flagged = PrivacyRequest.possible_duplicates().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=flagged)
        if self.value() == "no":
            return queryset.exclude(pk__in=flagged)
        return queryset


class AssigneeFilter(admin.RelatedOnlyFieldListFilter):
    """The staff who have a request assigned, as RelatedOnlyFieldListFilter lists them.

    That one asks for the DISTINCT assignees of the whole table: a scan of all its index
    entries (35–70 ms at a million requests). The same choices come from asking, for each user,
    whether one request names them: one probe of the assignee index per user.
    """

    def field_choices(self, field, request, model_admin):
        assigned = model_admin.get_queryset(request).filter(**{self.field_path: OuterRef("pk")})
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, limit_choices_to=Q(Exists(assigned)), ordering=ordering
        )
