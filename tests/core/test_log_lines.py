"""The shape of a JSON log line: what a log collector reads from each one."""

import io
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from core.logs import request_id


@pytest.fixture
def console_lines():
    """The lines LOGGING's console handler writes, with its own formatter and filters."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_json_line_has_time_level_logger_message_request_id_fields_and_exception(
    console_lines,
):
    token = request_id.set("req-12345678")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("tests.lines").error(
            "sent %s", "nothing", exc_info=True, extra={"status": 503, "duration_ms": 1.5}
        )
    finally:
        request_id.reset(token)

    [line] = console_lines.getvalue().splitlines()
    entry = json.loads(line)
    assert set(entry) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "status",
        "duration_ms",
        "exception",
    }
    assert abs(datetime.fromisoformat(entry["time"]) - datetime.now(UTC)) < timedelta(minutes=1)
    assert entry["time"].endswith("+00:00")
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "tests.lines"
    assert entry["message"] == "sent nothing"
    assert entry["request_id"] == "req-12345678"
    assert (entry["status"], entry["duration_ms"]) == (503, 1.5)
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert entry["exception"].endswith("ValueError: boom")


@pytest.mark.django_db
def test_a_request_line_names_the_signed_in_staff_member_and_no_one_on_a_public_page(
    admin_client, client, console_lines
):
    admin_client.get("/admin/requests_app/privacyrequest/")
    client.get("/")

    lines = [json.loads(line) for line in console_lines.getvalue().splitlines()]
    admin_page, home = [line for line in lines if line["logger"] == "privacyportal.request"]
    assert (admin_page["status"], admin_page["user"]) == (200, "admin")
    assert home["status"] == 200
    assert "user" not in home
