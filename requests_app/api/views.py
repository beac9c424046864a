"""The API's views: parse with the portal's forms, call the use case, answer JSON."""

from __future__ import annotations

import re
import time
from typing import Any

from django import forms
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from requests_app import ratelimit
from requests_app.api import pagination, problems, schema
from requests_app.api.filters import RequestFilters, filtered
from requests_app.api.serializers import (
    FiledSerializer,
    IntakeSerializer,
    RequestDetailSerializer,
    RequestPageSerializer,
    RequestRowSerializer,
)
from requests_app.forms import IntakeForm
from requests_app.models import PrivacyRequest, RequestEvent, SystemTask
from requests_app.views import file_if_allowed

NOT_AN_OBJECT = _("Send the request's fields as one JSON object.")
NOT_TEXT = _("Give this as a JSON string.")
NOT_TRUE_OR_FALSE = _("Give this as true or false.")
TOO_MANY = _(
    "There have been several filings from your address in a short time. Please wait a few "
    "minutes before you file again."
)
# What a reference can look like (DSR-2026-000123); anything else names no request.
REFERENCE = re.compile(r"^[A-Za-z0-9-]{1,20}$")
# The list shows no name, address or text of the requester's: only these columns are read.
ROW_FIELDS = [
    "reference",
    "request_type",
    "status",
    "country",
    "language",
    "received_at",
    "due_on",
    "assignee__username",
]


class RequestCollection(GenericAPIView):
    """POST files a request (public); GET lists them (a staff member's token)."""

    queryset = PrivacyRequest.objects.select_related("assignee")
    serializer_class = RequestRowSerializer

    def is_intake(self) -> bool:
        # The schema generator asks before it has set a request.
        return getattr(self.request, "method", None) == "POST"

    def get_authenticators(self) -> list:
        # The intake is public: a stray Authorization header does not stop a filing.
        return [] if self.is_intake() else super().get_authenticators()

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.is_intake() else super().get_permissions()

    @extend_schema(
        operation_id="list_requests",
        summary="List requests",
        description=(
            "The requests, filtered as in the admin's queue, one page at a time (keyset "
            "pagination: follow `next`). Needs a token whose user may view requests."
        ),
        parameters=schema.query_parameters(RequestFilters),
        responses={200: RequestPageSerializer, **schema.problems(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        filters = RequestFilters(request.query_params)
        if not filters.is_valid():
            return problems.invalid(filters.errors)
        data = filters.cleaned_data
        requests = filtered(self.get_queryset().only(*ROW_FIELDS), data)
        result = pagination.page(requests, data["ordering"], data["cursor"], data["page_size"])
        return Response(
            {
                "next": self.link(request, result.next),
                "previous": self.link(request, result.previous),
                "results": self.get_serializer(result.rows, many=True).data,
            }
        )

    @staticmethod
    def link(request: Request, cursor: pagination.Cursor | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(request.build_absolute_uri(), "cursor", cursor.encode())

    @extend_schema(
        operation_id="file_request",
        summary="File a request",
        description=(
            "The intake form's fields and rules, and its rate limit per client address. "
            "Sends the same e-mail with the link that confirms the address; the request "
            "counts from then. Messages come in the language of `Accept-Language`."
        ),
        request=IntakeSerializer,
        responses={201: FiledSerializer, **schema.problems(400, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            return problems.problem(400, NOT_AN_OBJECT)
        data, wrong_types = form_data(request.data)
        form = IntakeForm(data)
        if wrong_types or not form.is_valid():
            return problems.invalid({**form.errors, **wrong_types})
        privacy_request = file_if_allowed(request._request, form)
        if privacy_request is None:
            window = ratelimit.INTAKE_WINDOW
            retry_after = window - int(time.time()) % window
            return problems.problem(429, TOO_MANY, headers={"Retry-After": str(retry_after)})
        return Response({"reference": privacy_request.reference}, status=201)


def form_data(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The intake form's data from a JSON object, and the fields of a JSON type the form does
    not read (text is a string, consent true or false); null counts as left out."""
    data, wrong_types = {}, {}
    for name, field in IntakeForm.base_fields.items():
        value = payload.get(name)
        if value is None:
            continue
        if isinstance(field, forms.BooleanField):
            expected, message = bool, NOT_TRUE_OR_FALSE
        else:
            expected, message = str, NOT_TEXT
        if isinstance(value, expected):
            data[name] = value
        else:
            wrong_types[name] = [message]
    return data, wrong_types


class RequestDetail(GenericAPIView):
    """One request with its record (a staff member's token)."""

    queryset = PrivacyRequest.objects.select_related("assignee")
    serializer_class = RequestDetailSerializer

    @extend_schema(
        operation_id="get_request",
        summary="Read a request",
        description=(
            "One request: what the requester gave, its clock, its events, waits, tasks of "
            "each system and messages. Recorded as viewed by the token's user, as opening "
            "it in the admin is."
        ),
        parameters=[
            OpenApiParameter(
                "reference",
                str,
                OpenApiParameter.PATH,
                description=_("The request's reference, e.g. DSR-2026-000123."),
            )
        ],
        responses={200: RequestDetailSerializer, **schema.problems(401, 403, 404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        privacy_request = None
        if REFERENCE.match(reference):
            privacy_request = self.get_queryset().filter(reference=reference.upper()).first()
        if privacy_request is None:
            raise NotFound(_("No request has this reference."))
        if request.method == "GET":
            # As the admin's page of a request records each look at it.
            privacy_request.record(
                RequestEvent.Kind.VIEWED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=request.user,
                data={"via": "api"},
            )
        return Response(self.get_serializer(prefetched(privacy_request)).data)


def prefetched(privacy_request: PrivacyRequest) -> PrivacyRequest:
    """The request with the record its detail shows, read in one query each."""
    prefetch_related_objects(
        [privacy_request],
        Prefetch("events", RequestEvent.objects.select_related("staff_user")),
        "waits",
        Prefetch("tasks", SystemTask.objects.select_related("system").order_by("system__name")),
        "messages",
    )
    return privacy_request
