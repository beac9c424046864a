"""Error pages in the reader's language and the portal's frame, needing no database."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again while the database is away.
RETRY_AFTER = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django's own page has neither the portal's frame nor its languages."""
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
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
