"""The API's views: parse with the portal's forms, call the use case, answer JSON."""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from requests_app.api import pagination, problems, schema
from requests_app.api.filters import RequestFilters, filtered
from requests_app.api.serializers import (
    RequestDetailSerializer,
    RequestPageSerializer,
    RequestRowSerializer,
)
from requests_app.models import PrivacyRequest, RequestEvent, SystemTask

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
    """GET lists the requests (a staff member's token)."""

    queryset = PrivacyRequest.objects.select_related("assignee")
    serializer_class = RequestRowSerializer

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
        prefetch_related_objects(
            [privacy_request],
            Prefetch("events", RequestEvent.objects.select_related("staff_user")),
            "waits",
            Prefetch("tasks", SystemTask.objects.select_related("system").order_by("system__name")),
            "messages",
        )
        return Response(self.get_serializer(privacy_request).data)
