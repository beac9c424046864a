"""A real Celery worker process, on Redis (CI) and on the embedded filesystem broker."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from kombu import Connection

from privacyportal.celery import app as celery_app
from requests_app import outbox
from requests_app.models import OutboxEmail, Reminder
from tests.helpers import file_request

REDIS_URL = os.environ.get("REDIS_URL", "")
TEST_REDIS_DB = 13


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture(params=["redis", "filesystem"])
def broker(request, tmp_path) -> dict[str, str]:
    """Environment that points a worker at a broker of its own, away from any other worker."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("REDIS_URL is not set")
        url = f"{REDIS_URL.rsplit('/', 1)[0]}/{TEST_REDIS_DB}"
        with Connection(url) as conn:
            conn.default_channel.client.flushdb()
        return {"REDIS_URL": url}
    return {"REDIS_URL": "", "EMBEDDED_BROKER_DIR": str(tmp_path / "broker")}


def broker_connection(env: dict[str, str]) -> Connection:
    if env["REDIS_URL"]:
        return Connection(env["REDIS_URL"])
    folder = env["EMBEDDED_BROKER_DIR"]
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Connection(
        "filesystem://",
        transport_options={
            "data_folder_in": folder,
            "data_folder_out": folder,
            "control_folder": f"{folder}/control",
        },
    )


@contextmanager
def celery_worker(broker: dict[str, str], tmp_path: Path, *, beat: bool, email_url: str = ""):
    """A worker process (with beat if asked) on `broker`, the test database and file mail.

    Yields its environment, the mail folder and a list that holds the worker's output once
    it has stopped.
    """
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        **broker,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": email_url or f"filemail:///{mail_dir}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REMINDER_SWEEP_SECONDS": "1",
        "OUTBOX_SWEEP_SECONDS": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "privacyportal", "worker"]
    command += ["--pool", "solo", "--without-mingle", "--without-gossip", "--loglevel", "INFO"]
    if beat:
        command += ["--beat", "--schedule", str(tmp_path / "beat-schedule")]
    process = subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    try:
        yield env, mail_dir, output
    finally:
        process.terminate()
        try:
            text, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            text, _ = process.communicate()
        output.append(text)
        print(text)


@pytest.fixture
def worker(broker, tmp_path):
    with celery_worker(broker, tmp_path, beat=False) as running:
        yield running


@pytest.fixture
def worker_with_beat(broker, tmp_path):
    with celery_worker(broker, tmp_path, beat=True) as running:
        yield running


def sent_mail(mail_dir: Path) -> str:
    return "".join(path.read_text() for path in mail_dir.iterdir()) if mail_dir.exists() else ""


def wait_until(condition, seconds: float = 45) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_the_confirmation_email_that_the_sweep_hands_it(worker, monkeypatch):
    env, mail_dir, _output = worker
    monkeypatch.setattr("requests_app.outbox.enqueue", lambda email_id: None)  # broker "down"
    request = file_request()
    email = OutboxEmail.objects.get()
    celery_app.conf.task_always_eager = False  # restored by the portal_settings fixture

    with broker_connection(env) as conn:
        outbox.sweep.apply_async(connection=conn)

    assert wait_until(lambda: OutboxEmail.objects.get(pk=email.pk).state == "sent")
    sent = sent_mail(mail_dir)
    assert f"Subject: [{request.reference}] Please confirm your e-mail address" in sent
    assert email.message_id in sent
    assert "/requests/verify/" in sent
    if not env["REDIS_URL"]:  # the embedded broker keeps its exchange table in its own folder
        assert (Path(env["EMBEDDED_BROKER_DIR"]) / "control" / "celery.exchange").is_file()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_send_the_officer_a_reminder_of_a_new_request(
    worker_with_beat, monkeypatch
):
    _env, mail_dir, _output = worker_with_beat
    monkeypatch.setattr("requests_app.outbox.enqueue", lambda email_id: None)
    request = file_request()
    request._confirm_email()

    def officer_mail() -> str:
        sent = sent_mail(mail_dir)
        return sent if f"Subject: [{request.reference}] New request" in sent else ""

    assert wait_until(officer_mail)
    assert "To: privacy-officer@localhost" in officer_mail()
    assert Reminder.objects.filter(request=request, kind="new_request").count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_on_the_embedded_default_the_console_shows_the_whole_confirmation_link(
    tmp_path, monkeypatch
):
    """`make run`: filesystem broker and console mail. The e-mail is printed whole, so that
    the link can be followed; the logs, which cut tokens out of paths, do not carry it."""
    broker = {"REDIS_URL": "", "EMBEDDED_BROKER_DIR": str(tmp_path / "broker")}
    monkeypatch.setattr("requests_app.outbox.enqueue", lambda email_id: None)
    file_request()
    email = OutboxEmail.objects.get()
    celery_app.conf.task_always_eager = False  # restored by the portal_settings fixture

    with celery_worker(broker, tmp_path, beat=False, email_url="consolemail://") as running:
        env, _mail_dir, output = running
        with broker_connection(env) as conn:
            outbox.sweep.apply_async(connection=conn)
        assert wait_until(lambda: OutboxEmail.objects.get(pk=email.pk).state == "sent")

    assert re.search(r"/requests/verify/[A-Za-z0-9_-]{40,}/", output[0]), output[0]
