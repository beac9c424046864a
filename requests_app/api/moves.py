"""The officer's moves through the API: the admin's steps (`admin/steps.py`), the same forms,
use cases, table of allowed moves and errors, as JSON.

`POST /api/v1/requests/<reference>/moves/<move>/` with the step's fields as one JSON object.
A move the request's state does not allow, or that the use case refuses, is a 409 problem
with the admin's message; a bad field a 400 problem naming it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.admin.steps import STEPS
from requests_app.api import problems, schema
from requests_app.api.serializers import RequestDetailSerializer
from requests_app.api.views import REFERENCE, prefetched
from requests_app.models import (
    ExtensionNotAllowed,
    Move,
    PrivacyRequest,
    TasksStillOpen,
    TransitionNotAllowed,
)

NOT_AN_OBJECT = _("Send the step's fields as one JSON object.")
NOT_A_VALUE = _("Give this as a JSON string, number or true/false.")
REFUSED = (TransitionNotAllowed, ExtensionNotAllowed, TasksStillOpen)
FIELDS = {
    Move.ASSIGN: "`assignee`: the staff member's user name (or id)",
    Move.START: "none",
    Move.ASK: "`reason` (identity, fee, clarification), `question`",
    Move.IDENTITY: "`method`, `confirmed` (true/false), `note`",
    Move.EXTEND: "`reason`, `extended_to` (YYYY-MM-DD)",
    Move.ANSWER: "`body`, `open_tasks_reason`, `attach_package` (true/false)",
    Move.REFUSE: "`reason` (a refusal reason), `explanation`, `in_part` (true/false)",
    Move.CLOSE: "none",
    Move.CLOSE_AS_DUPLICATE: (
        "`original`: the reference of an earlier open request of the same address and type"
    ),
}


class RequestMove(GenericAPIView):
    """One of the officer's moves on one request (a token whose user may change requests)."""

    queryset = PrivacyRequest.objects.select_related("assignee")
    serializer_class = RequestDetailSerializer
    permission_action = "change"  # as the admin's steps: the permission to change requests

    @extend_schema(
        operation_id="move_request",
        summary="Take a step on a request",
        description=(
            "The admin's steps, with the same rules: the step must be allowed from the "
            "request's state now (409 otherwise, with the reason) and its fields valid (400). "
            "Answers with the request as it is afterwards. The steps and their fields: "
            + "; ".join(f"`{move}`: {fields}" for move, fields in FIELDS.items())
            + "."
        ),
        parameters=[
            OpenApiParameter("reference", str, OpenApiParameter.PATH),
            OpenApiParameter("move", str, OpenApiParameter.PATH, enum=[str(m) for m in STEPS]),
        ],
        request=OpenApiTypes.OBJECT,
        responses={200: RequestDetailSerializer, **schema.problems(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, reference: str, move: str) -> Response:
        privacy_request = None
        if REFERENCE.match(reference):
            privacy_request = self.get_queryset().filter(reference=reference.upper()).first()
        if privacy_request is None or move not in STEPS:
            raise NotFound(_("No request has this reference, or no step this name."))
        if not isinstance(request.data, dict):
            return problems.problem(400, NOT_AN_OBJECT)
        step = STEPS[Move(move)]
        data, wrong_types = form_data(step.form, request.data, Move(move))
        form = step.bind(privacy_request, data, {})
        if wrong_types or not form.is_valid():
            return problems.invalid({**form.errors, **wrong_types})
        try:
            step.run(privacy_request, form.cleaned_data, request.user)
        except REFUSED as error:
            return problems.problem(409, str(error))
        privacy_request.refresh_from_db()
        return Response(self.get_serializer(prefetched(privacy_request)).data)


def form_data(
    form: type[forms.Form], payload: dict[str, Any], move: Move
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The step form's data from JSON: plain values only; an assignee by user name."""
    data, wrong_types = {}, {}
    for name in form.base_fields:
        value = payload.get(name)
        if value is None:
            continue
        if isinstance(value, dict | list):
            wrong_types[name] = [NOT_A_VALUE]
            continue
        if move == Move.ASSIGN and name == "assignee" and not str(value).isdigit():
            user = get_user_model().objects.filter(username=value).first()
            value = user.pk if user is not None else value
        data[name] = "on" if value is True else "" if value is False else value
    return data, wrong_types
