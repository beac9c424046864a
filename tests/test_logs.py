"""Logs: no secret token in any field of any record, for every handler."""

from __future__ import annotations

import io
import json
import logging
import traceback
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from privacyportal.logs import HookHandler
from tests.helpers import ERROR_RECORDS

# A token as the portal makes them (secrets.token_urlsafe(32)), for records built by hand.
TOKEN = "Qm9Xk2V7pL0sRt4uYw8zA1bC3dE5fG6hJ-_nKoP9rSq"


@pytest.fixture
def console_log():
    """What the console handler of LOGGING writes, with its own formatter and filters."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.fixture
def error_hook(settings):
    """The records ERROR_HOOK receives, through the handler LOGGING gives it."""
    settings.ERROR_HOOK = "tests.helpers.remember_error"
    handler = HookHandler(level=logging.ERROR)
    root = logging.getLogger()
    root.addHandler(handler)
    ERROR_RECORDS.clear()
    yield ERROR_RECORDS
    root.removeHandler(handler)
    ERROR_RECORDS.clear()


def entries(console_log: io.StringIO) -> list[dict]:
    """The console's JSON lines (LOG_FORMAT is json with DEBUG off)."""
    return [json.loads(line) for line in console_log.getvalue().splitlines()]


def readable(record: logging.LogRecord) -> str:
    """All a hook can read of a record: message, fields, and any traceback with the variables
    of its frames (an error-reporting service sends those too)."""
    parts = [record.getMessage(), repr(vars(record))]
    if record.exc_info and record.exc_info[0]:
        parts += traceback.TracebackException(*record.exc_info, capture_locals=True).format()
    return "".join(parts)


@pytest.mark.django_db
def test_a_database_outage_on_a_status_page_logs_no_token(
    client, status_token, console_log, error_hook
):
    with mock.patch.object(CursorWrapper, "_execute", side_effect=OperationalError("refused")):
        response = client.get(f"/requests/status/{status_token}/")

    assert response.status_code == 503
    logged = {entry["logger"]: entry for entry in entries(console_log)}
    assert logged["privacyportal.errors"]["message"].startswith("database unavailable")
    assert logged["django.request"]["message"] == "Service Unavailable: /requests/status/…/"
    assert logged["django.request"]["request"] == "GET /requests/status/…/"
    assert status_token not in console_log.getvalue()
    assert {record.name for record in error_hook} >= {"privacyportal.errors", "django.request"}
    for record in error_hook:
        assert status_token not in readable(record)


@pytest.mark.django_db
def test_a_bad_host_on_a_status_page_logs_no_token(client, status_token, console_log, error_hook):
    response = client.get(f"/requests/status/{status_token}/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    logged = {entry["logger"]: entry for entry in entries(console_log)}
    assert logged["django.security.DisallowedHost"]["request"] == "GET /requests/status/…/"
    assert status_token not in console_log.getvalue()
    assert "django.security.DisallowedHost" in {record.name for record in error_hook}
    for record in error_hook:
        assert status_token not in readable(record)


def test_a_token_is_cut_out_of_every_field_argument_and_traceback(console_log, error_hook):
    path = f"/requests/verify/{TOKEN}/"
    try:
        raise LookupError(f"no link for {path}")
    except LookupError:
        logging.getLogger("tests.logs").error(
            "could not confirm %s",
            path,
            exc_info=True,
            stack_info=True,
            extra={"path": path, "links": {"verify": [path]}, "seen": {TOKEN}},
        )

    [entry] = entries(console_log)
    assert entry["message"] == "could not confirm /requests/verify/…/"
    assert entry["exception"].endswith("LookupError: no link for /requests/verify/…/")
    assert entry["links"] == {"verify": ["/requests/verify/…/"]}
    assert TOKEN not in console_log.getvalue()
    [record] = error_hook
    assert TOKEN not in readable(record)


def test_a_token_outside_a_secret_path_is_cut_out_too(console_log):
    logging.getLogger("tests.logs").warning("token %s, digest %s", TOKEN, "ab12" * 16)

    [entry] = entries(console_log)
    assert entry["message"] == "token …, digest " + "ab12" * 16


def test_an_unformattable_message_keeps_its_format_not_its_arguments(console_log):
    logging.getLogger("tests.logs").warning("two places %s %s", TOKEN)

    [entry] = entries(console_log)
    assert entry["message"] == "two places %s %s"
    assert TOKEN not in console_log.getvalue()
