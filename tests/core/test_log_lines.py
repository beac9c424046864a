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
