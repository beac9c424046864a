"""Structured logs: a request id on each record, no personal data or tokens in any.

The JSON lines themselves are python-json-logger's (LOGGING in settings).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty
from django.utils.module_loading import import_string

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

REDACTED = "…"
# Secret tokens sit in these paths; the log keeps the page, not the token.
SECRET_PATH = re.compile(r"(/requests/(?:verify|status))/[A-Za-z0-9_-]{16,}")
# A token outside such a path (in an exception's text, say): 40 or more url-safe characters
# with capitals and small letters, as a random token of 43 has, and no hex digest, uuid or
# Python name.
BARE_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])"
    r"[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])"
)
# An API token (core.models.TOKEN_PREFIX and 43 url-safe characters), however short the rest
# of the line makes it look; its first characters, which the admin shows, stay.
API_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])pp_[A-Za-z0-9_-]{16,}")
# An Authorization header quoted in a text ("Authorization: Bearer …", "'HTTP_AUTHORIZATION':
# '…'"): its value, whatever its scheme.
CREDENTIALS = re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^\r\n'\"]+")
# Fields named like these hold credentials whatever their value looks like (a dict of headers
# or of a request's META).
SECRET_KEYS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
    | {"http_authorization", "http_proxy_authorization", "http_cookie"}
)
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
STANDARD_FIELDS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# Celery's records of a task (received, succeeded, failed, retried) pass a dict as the
# message's arguments and again as `data`. The log keeps what names the task and how it
# ended, never its arguments, its result or the text of its exception (which can quote one).
TASK_FIELDS = frozenset({"id", "name", "hostname", "runtime", "description", "internal", "eta"})
# A worker's report of a message it cannot take quotes the message's body (the task's
# arguments) from its second line on.
UNTAKEN_MESSAGE = (
    "Received unregistered task",
    "Received invalid task message",
    "Can't decode message body",
)


def redact(text: str) -> str:
    """`text` without secret tokens or credentials; a status or confirmation path keeps its
    page."""
    text = CREDENTIALS.sub(rf"\1{REDACTED}", SECRET_PATH.sub(rf"\1/{REDACTED}", text))
    return BARE_TOKEN.sub(REDACTED, API_TOKEN.sub(REDACTED, text))


def clean(record: logging.LogRecord) -> None:
    """Takes tokens out of every part of `record` (message, arguments, fields, traceback) and a
    task's arguments and result out of Celery's records. Safe to run twice on a record."""
    is_task = isinstance(record.args, Mapping) and isinstance(vars(record).get("data"), Mapping)
    if is_task:
        record.args = record.data = task_summary(record.data)
    message = message_of(record)
    if record.name.startswith("celery.") and message.startswith(UNTAKEN_MESSAGE):
        message = message.partition("\n")[0]
    record.msg, record.args = redact(message), ()
    # The traceback goes as text: its frames' variables (the request, a task's arguments)
    # would reach any handler, or error-reporting service, that reads them.
    text = exception_text(record.exc_info, is_task) if record.exc_info else record.exc_text
    record.exc_info, record.exc_text = None, redact(text) if text else None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    for key, value in list(vars(record).items()):
        if key not in STANDARD_FIELDS and key != "request_id":
            setattr(record, key, cleaned(value))


def message_of(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except (TypeError, ValueError, KeyError):
        # A format that does not fit its arguments: keep the format, not the arguments.
        return str(record.msg)


def task_summary(data: Mapping[str, Any]) -> dict[str, Any]:
    summary = {key: value if key in TASK_FIELDS else REDACTED for key, value in data.items()}
    if "exc" in data:
        # "ValueError('cannot take …')": the exception's name, without its text.
        name = re.match(r"[\w.]+", str(data["exc"]))
        summary["exc"] = name[0] if name else REDACTED
    return summary


def exception_text(exc_info: tuple, is_task: bool) -> str | None:
    exc_type, value, tb = exc_info
    if exc_type is None:
        return None
    if not is_task:
        return "".join(traceback.format_exception(exc_type, value, tb)).rstrip("\n")
    name = exc_type.__qualname__
    if exc_type.__module__ != "builtins":
        name = f"{exc_type.__module__}.{name}"
    return f"Traceback (most recent call last):\n{''.join(traceback.format_tb(tb))}{name}"


def cleaned(value: Any) -> Any:
    """A field's value without tokens, as JSON can write it."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, HttpRequest):
        # Its repr has the full path and query string.
        return f"{value.method} {redact(value.path)}"
    if isinstance(value, Mapping):
        return {
            redact(str(key)): REDACTED if str(key).lower() in SECRET_KEYS else cleaned(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [cleaned(item) for item in value]
    return redact(str(value))


class ContextFilter(logging.Filter):
    """Adds the request id, and cleans the record (`clean`) before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        clean(record)
        record.request_id = request_id.get()
        return True


class HookHandler(logging.Handler):
    """Hands error records to ERROR_HOOK (a dotted path), for an error-reporting service."""

    def __init__(self, level: int | str = logging.NOTSET) -> None:
        super().__init__(level)
        # The hook gets a clean record whatever filters LOGGING gives this handler.
        self.addFilter(ContextFilter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            import_string(settings.ERROR_HOOK)(record)
        except Exception:
            self.handleError(record)


def user_of(request: HttpRequest) -> str | None:
    """Who made the request, when its view knew: the admin's signed-in staff member, the API
    token's user. None for the public pages, which look no one up (and the log makes no
    session query of its own)."""
    user = vars(request).get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.get_username() if user.is_authenticated else None


class RequestLogMiddleware:
    """Gives each request an id (or takes a proxy's X-Request-ID) and logs one line for it,
    with the staff member who made it (in the admin or through the API)."""

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
            fields = {
                "method": request.method,
                "path": redact(request.path),
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            }
            user = user_of(request)
            if user is not None:
                fields["user"] = user
            self.logger.info(
                "%s %s %s", request.method, fields["path"], response.status_code, extra=fields
            )
            return response
        finally:
            request_id.reset(reset)
