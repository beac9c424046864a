"""Logs: no secret token in any part of any record, and no task's arguments or result, for
every handler."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import traceback
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from kombu import Connection

from privacyportal.celery import app as celery_app
from requests_app import outbox
from requests_app.models import OutboxEmail
from tests.helpers import (
    broker_connection,
    celery_worker,
    file_request,
    wait_until,
)

# A token as the portal makes them (secrets.token_urlsafe(32)), for records built by hand.
TOKEN = "Qm9Xk2V7pL0sRt4uYw8zA1bC3dE5fG6hJ-_nKoP9rSq"


@celery_app.task(name="tests.test_logs.echo")
def echo(value: str, note: str = "") -> str:
    return f"echo of {value}"


@celery_app.task(name="tests.test_logs.refuse")
def refuse(value: str) -> None:
    raise ValueError(f"cannot take {value}")


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
    assert logged["core.errors"]["message"].startswith("database unavailable")
    assert logged["django.request"]["message"] == "Service Unavailable: /requests/status/…/"
    assert logged["django.request"]["request"] == "GET /requests/status/…/"
    assert status_token not in console_log.getvalue()
    assert {record.name for record in error_hook} >= {"core.errors", "django.request"}
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


def test_a_tasks_arguments_and_result_stay_out_of_the_logs(console_log, error_hook, caplog):
    caplog.set_level(logging.INFO, logger="celery.app.trace")

    echo.apply(args=("erika.argument@example.de",))
    refuse.apply(args=("erika.failure@example.de",), throw=False)

    success, failure_entry = [e for e in entries(console_log) if e["logger"] == "celery.app.trace"]
    assert success["message"].startswith("Task tests.test_logs.echo[")
    assert success["message"].endswith(": …")
    assert failure_entry["message"].endswith("raised unexpected: ValueError")
    assert failure_entry["exception"].endswith("ValueError")
    output = console_log.getvalue()
    assert "erika.argument@example.de" not in output
    assert "echo of" not in output
    assert "erika.failure@example.de" not in output
    [failure] = error_hook
    assert "erika.failure@example.de" not in readable(failure)


def test_a_published_task_message_does_not_show_its_arguments(settings):
    celery_app.conf.task_always_eager = False  # restored by the portal_settings fixture

    with Connection("memory://") as conn:
        queue = conn.SimpleQueue("celery")
        echo.apply_async(("erika.argument@example.de",), {"note": "a note"}, connection=conn)
        message = queue.get(timeout=5)
        message.ack()
        queue.close()

    assert message.payload[0] == ["erika.argument@example.de"]
    shown = json.dumps(message.headers)
    assert "erika.argument@example.de" not in shown
    assert "a note" not in shown


def test_a_workers_task_and_pool_loggers_log_through_the_portals_filter():
    """Celery sets up no handler of its own in a worker (its task logger's would write
    whatever a task logs, unfiltered), and the pool's logger propagates to LOGGING."""
    script = (
        "import django; django.setup()\n"
        "from celery.utils.log import get_multiprocessing_logger, get_task_logger\n"
        "from privacyportal.celery import app\n"
        "app.log.setup_logging_subsystem(loglevel='INFO')\n"
        f"get_task_logger('requests_app.tasks').warning('sent /requests/status/{TOKEN}/')\n"
        f"get_multiprocessing_logger().error('lost /requests/status/{TOKEN}/')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DEBUG": "false"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    logged = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    messages = [entry["message"] for entry in logged]
    assert {"sent /requests/status/…/", "lost /requests/status/…/"} <= set(messages), output
    assert TOKEN not in output


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_logs_no_task_arguments_not_even_of_a_task_it_does_not_know(tmp_path, monkeypatch):
    broker = {"REDIS_URL": "", "EMBEDDED_BROKER_DIR": str(tmp_path / "broker")}
    monkeypatch.setattr("requests_app.outbox.enqueue", lambda email_id: None)
    file_request()
    email = OutboxEmail.objects.get()
    celery_app.conf.task_always_eager = False  # restored by the portal_settings fixture

    with celery_worker(broker, tmp_path, beat=False) as (env, _mail_dir, output):
        with broker_connection(env) as conn:
            celery_app.send_task(
                "tests.not_a_task", args=("erika.argument@example.de",), connection=conn
            )
            sent = outbox.send.apply_async((email.pk,), connection=conn)
        assert wait_until(lambda: OutboxEmail.objects.get(pk=email.pk).state == "sent")

    log = output[0]
    assert "Received unregistered task of type 'tests.not_a_task'" in log
    assert f"requests_app.outbox.send[{sent.id}] succeeded" in log
    assert "erika.argument@example.de" not in log
    for line in log.splitlines():
        if line.startswith("{"):
            data = json.loads(line).get("data", {})
            assert data.get("args", "…") == "…", line
            assert data.get("kwargs", "…") == "…", line


def test_authorization_and_cookie_values_are_cut_out_of_messages_and_fields(console_log):
    token = "pp_" + "Ab1-" * 10 + "xyz"
    logging.getLogger("tests.logs").warning(
        "headers %s; short %s",
        {"Authorization": "Basic dmlld2VyOnNlY3JldA=="},
        token[:25],
        extra={
            "headers": {"authorization": f"Bearer {token}", "Cookie": "sessionid=abc123"},
            "meta": {"HTTP_AUTHORIZATION": "Token abc"},
            "prefix": token[:11],
        },
    )

    [entry] = entries(console_log)
    assert entry["message"] == "headers {'Authorization': '…'}; short …"
    assert entry["headers"] == {"authorization": "…", "Cookie": "…"}
    assert entry["meta"] == {"HTTP_AUTHORIZATION": "…"}
    # The few first characters the admin shows to tell tokens apart are no secret.
    assert entry["prefix"] == token[:11]
    for secret in (token[:25], "dmlld2VyOnNlY3JldA", "abc123", "Token abc"):
        assert secret not in console_log.getvalue()
