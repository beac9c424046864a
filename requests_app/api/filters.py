"""The list's query parameters: the admin queue's filters, checked by a form like every other
input (a message by each bad parameter)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from requests_app import localtime
from requests_app.api import pagination
from requests_app.forms import country_choices
from requests_app.models import PENDING_ANSWER, PrivacyRequest, RequestType, Status

ISO_DATE = ["%Y-%m-%d"]
NO_ASSIGNEE = "none"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class CountriesField(forms.MultipleChoiceField):
    """Countries of residence by their ISO 3166-1 alpha-2 codes (the schema shows the codes'
    pattern, not ~250 names)."""


class RequestFilters(forms.Form):
    """Each filter narrows the list; a choice filter may be given several times (any of)."""

    status = forms.MultipleChoiceField(
        choices=Status.choices, required=False, help_text=_("Any of these states.")
    )
    request_type = forms.MultipleChoiceField(
        choices=RequestType.choices, required=False, help_text=_("Any of these kinds.")
    )
    country = CountriesField(
        choices=country_choices,
        required=False,
        help_text=_("Any of these countries of residence (ISO 3166-1 alpha-2 codes)."),
    )
    due_before = forms.DateField(
        input_formats=ISO_DATE,
        required=False,
        help_text=_("Due before this day (YYYY-MM-DD), not on it."),
    )
    due_after = forms.DateField(
        input_formats=ISO_DATE,
        required=False,
        help_text=_("Due after this day (YYYY-MM-DD), not on it."),
    )
    overdue = forms.ChoiceField(
        choices=[("true", "true"), ("false", "false")],
        required=False,
        help_text=_(
            "true: awaiting the answer after the day it was due (as the admin's "
            "“Overdue”); false: all others."
        ),
    )
    assignee = forms.CharField(
        max_length=150,
        required=False,
        help_text=_("The user name of the staff member it is assigned to, or “none”."),
    )
    ordering = forms.ChoiceField(
        choices=[(name, name) for name in pagination.ORDERINGS],
        required=False,
        help_text=_(
            "due_on (the default, as the admin's queue) or received_at; a minus sign first "
            "for the latest first. Ties are ordered by id."
        ),
    )
    page_size = forms.IntegerField(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        required=False,
        help_text=_("Requests per page: 50 unless given, at most 200."),
    )
    cursor = forms.CharField(
        required=False,
        help_text=_("Where a page starts: take it from the “next” or “previous” link."),
    )

    def clean_cursor(self) -> pagination.Cursor | None:
        text = self.cleaned_data["cursor"]
        if not text:
            return None
        try:
            return pagination.Cursor.decode(text)
        except ValueError as error:
            raise forms.ValidationError(
                _("This cursor is not valid: take it from a page's “next” or “previous” link."),
                code="invalid",
            ) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        cursor = data.get("cursor")
        if cursor is not None:
            # The cursor knows the order it was made in; a link followed as it is agrees.
            data["ordering"] = cursor.ordering
        data["ordering"] = data.get("ordering") or pagination.DEFAULT_ORDERING
        data["page_size"] = data.get("page_size") or PAGE_SIZE
        return data


def filtered(queryset: QuerySet[PrivacyRequest], data: dict[str, Any]) -> QuerySet:
    """`queryset` narrowed by the cleaned filters."""
    for name in ("status", "request_type", "country"):
        values = [value for value in data.get(name) or [] if value]
        if values:
            queryset = queryset.filter(**{f"{name}__in": values})
    if data.get("due_before"):
        queryset = queryset.filter(due_on__lt=data["due_before"])
    if data.get("due_after"):
        queryset = queryset.filter(due_on__gt=data["due_after"])
    # The admin's "Overdue": awaiting the answer, due before the organisation's today.
    overdue = {"status__in": PENDING_ANSWER, "due_on__lt": localtime.today()}
    if data.get("overdue") == "true":
        queryset = queryset.filter(**overdue)
    elif data.get("overdue") == "false":
        queryset = queryset.exclude(**overdue)
    assignee = data.get("assignee")
    if assignee == NO_ASSIGNEE:
        queryset = queryset.filter(assignee__isnull=True)
    elif assignee:
        username_field = get_user_model().USERNAME_FIELD
        queryset = queryset.filter(**{f"assignee__{username_field}": assignee})
    return queryset
