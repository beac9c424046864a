"""Error pages in the reader's language and the portal's frame, needing no database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import defaults

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again while the database is away.
RETRY_AFTER = 30


# The API's errors are problem details (RFC 9457) in this media type.
PROBLEM_JSON = "application/problem+json"
API_PATH = "/api/"


def problem_body(status: int, detail: str, errors: dict[str, list[str]] | None = None) -> dict:
    """An RFC 9457 problem: "about:blank" as its type, so its title is the status's phrase;
    `errors` names each bad field (or parameter) with its messages."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
    }
    if errors is not None:
        body["errors"] = errors
    return body


def api_problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse(problem_body(status, detail), status=status, content_type=PROBLEM_JSON)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: Django's own page, and a problem for an API path that names nothing."""
    if request.path.startswith(API_PATH):
        return api_problem(404, gettext("There is nothing at this address of the API."))
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django's own page has neither the portal's frame nor its languages; the
    API answers with a problem."""
    if request.path.startswith(API_PATH):
        return api_problem(500, gettext("Something went wrong on our side. Please try again."))
    return render(request, "500.html", status=500)


def too_many(request: HttpRequest) -> HttpResponse:
    """The page of a rate limit that was reached."""
    return render(request, "429.html", status=429)


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, a page that says to try again: 503, not 500.

    What the request wrote is rolled back, unless the connection died at its COMMIT, when
    nobody can tell; either way a form posted again files once (its form token).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s", exception, exc_info=exception)
        if request.path.startswith(API_PATH):
            detail = gettext("The service is unavailable for a moment. Please try again.")
            response = api_problem(503, detail)
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
