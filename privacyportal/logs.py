"""Structured logs: one JSON line per event, a request id on each, no personal data or tokens."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# Secret tokens sit in these paths; the log keeps the page, not the token.
SECRET_PATH = re.compile(r"(/requests/(?:verify|status))/[A-Za-z0-9_-]{16,}")
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
STANDARD_FIELDS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def redact(path: str) -> str:
    return SECRET_PATH.sub(r"\1/…", path)


class ContextFilter(logging.Filter):
    """Adds the request id, and takes tokens out of any message (Django's own name paths)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        message = record.getMessage()
        if "/requests/" in message:
            record.msg, record.args = redact(message), ()
        return True


class JsonFormatter(logging.Formatter):
    """Time, level, logger, message, request id and any `extra` fields, as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {
            key: value
            for key, value in record.__dict__.items()
            if key not in STANDARD_FIELDS and value is not None
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class HookHandler(logging.Handler):
    """Hands error records to ERROR_HOOK (a dotted path), for an error-reporting service."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            import_string(settings.ERROR_HOOK)(record)
        except Exception:
            self.handleError(record)


class RequestLogMiddleware:
    """Gives each request an id (or takes a proxy's X-Request-ID) and logs one line for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.logger = logging.getLogger("privacyportal.request")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        current = incoming if VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        reset = request_id.set(current)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = current
            self.logger.info(
                "%s %s %s",
                request.method,
                redact(request.path),
                response.status_code,
                extra={
                    "method": request.method,
                    "path": redact(request.path),
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(reset)
