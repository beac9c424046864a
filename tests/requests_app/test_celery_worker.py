"""A real Celery worker process, on Redis (CI) and on the embedded filesystem broker."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from kombu import Connection

from privacyportal.celery import app as celery_app
from requests_app import outbox
from requests_app.models import OutboxEmail, Reminder
from tests.helpers import broker_connection, celery_worker, file_request, wait_until

REDIS_URL = os.environ.get("REDIS_URL", "")
TEST_REDIS_DB = 13


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
