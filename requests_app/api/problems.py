"""Every error of the API as a problem (RFC 9457): type, title, status, detail, and for bad
input `errors`, the messages of each field or parameter."""

from __future__ import annotations

from typing import Any

from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import PROBLEM_JSON, problem_body

INVALID = _("Some fields are missing or not valid; each is named in “errors”.")


def problem(
    status: int,
    detail: str,
    *,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return Response(
        problem_body(status, detail, errors),
        status=status,
        headers=headers,
        content_type=PROBLEM_JSON,
    )


def invalid(form_errors: ErrorDict) -> Response:
    """400 naming each bad field with the form's own messages."""
    errors = {field: _messages(list(messages)) for field, messages in form_errors.items()}
    return problem(400, INVALID, errors=errors)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST framework's answer to an error (its status and headers, WWW-Authenticate among
    them), with a problem as its body."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    errors = None
    if isinstance(data, dict) and set(data) == {"detail"}:
        detail = str(data["detail"])
    elif isinstance(data, dict):
        errors = {str(name): _messages(messages) for name, messages in data.items()}
        detail = INVALID
    else:
        detail = " ".join(_messages(data))
    response.data = problem_body(response.status_code, detail, errors)
    response.content_type = PROBLEM_JSON
    return response


def _messages(messages: Any) -> list[str]:
    return [str(message) for message in messages] if isinstance(messages, list) else [str(messages)]
