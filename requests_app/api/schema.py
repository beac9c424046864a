"""What the OpenAPI schema says of the API beyond what drf-spectacular reads from the views:
the list's parameters (from its filter form) and the problems each call can answer with."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from core.errors import PROBLEM_JSON
from requests_app.api.filters import CountriesField
from requests_app.api.serializers import ProblemSerializer


def query_parameters(form_class: type[forms.Form]) -> list[OpenApiParameter]:
    """One query parameter for each field of `form_class`, with its kind, choices and help."""
    parameters = []
    for name, field in form_class.base_fields.items():
        kind: object = OpenApiTypes.STR
        enum = None
        pattern = None
        if isinstance(field, forms.DateField):
            kind = OpenApiTypes.DATE
        elif isinstance(field, forms.IntegerField):
            kind = {"type": "integer", "minimum": field.min_value, "maximum": field.max_value}
        elif isinstance(field, CountriesField):
            enum = sorted(code for code, _name in countries)
        elif isinstance(field, forms.ChoiceField):
            enum = [value for value, _label in field.choices]
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                required=False,
                description=field.help_text,
                enum=enum,
                pattern=pattern,
                many=isinstance(field, forms.MultipleChoiceField) or None,
                explode=True if isinstance(field, forms.MultipleChoiceField) else None,
            )
        )
    return parameters


def problems(*statuses: int) -> dict[tuple[int, str], OpenApiResponse]:
    """The schema's problem responses for `statuses`."""
    return {(status, PROBLEM_JSON): PROBLEMS[status] for status in statuses}


def _problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(ProblemSerializer, description=description)


PROBLEMS = {
    400: _problem(_("Bad input: `errors` names each bad field or parameter with its messages.")),
    401: _problem(_("No token, or a wrong or revoked one (with `WWW-Authenticate: Bearer`).")),
    403: _problem(
        _("The token's user may not do this (the admin's permissions), or the token is read-only.")
    ),
    404: _problem(_("No request has this reference.")),
    409: _problem(_("The request's state does not allow this step now, or its rules refuse it.")),
    429: _problem(_("Too many filings from this address: `Retry-After` says when to try again.")),
}
