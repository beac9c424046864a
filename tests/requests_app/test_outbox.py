import os
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from privacyportal.celery import app as celery_app
from requests_app import outbox
from requests_app.models import OutboxEmail, PrivacyRequest
from tests.helpers import file_request


class BrokenBackend:
    """An SMTP server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


@pytest.fixture
def email(db) -> OutboxEmail:
    file_request()
    return OutboxEmail.objects.get()


def test_sending_marks_the_row_sent_with_its_stable_message_id(email, mailoutbox):
    assert outbox.send(email.pk) is True

    email.refresh_from_db()
    assert email.state == OutboxEmail.State.SENT
    assert email.sent_at is not None
    assert email.attempts == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == email.message_id
    assert email.request.reference in email.subject


def test_a_sent_email_forgets_its_links(email):
    outbox.send(email.pk)

    email.refresh_from_db()
    assert email.context == {}


def test_an_email_is_sent_once_even_when_its_task_runs_twice(email, mailoutbox):
    outbox.send(email.pk)
    outbox.send(email.pk)
    outbox.sweep()

    assert len(mailoutbox) == 1


def test_email_has_text_and_html_and_links_to_the_site(db, mailoutbox, settings):
    settings.SITE_URL = "https://privacy.example.com"
    file_request()

    outbox.send(OutboxEmail.objects.get().pk)

    message = mailoutbox[0]
    assert "https://privacy.example.com/requests/verify/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "https://privacy.example.com/requests/verify/" in html


def test_a_failed_send_is_kept_for_a_retry_with_backoff(email, settings):
    settings.EMAIL_BACKEND = "tests.requests_app.test_outbox.BrokenBackend"

    assert outbox.send(email.pk) is False

    email.refresh_from_db()
    assert email.state == OutboxEmail.State.PENDING
    assert email.attempts == 1
    assert "smtp down" in email.last_error
    assert email.next_attempt_at > timezone.now()
    assert email.context  # the links are kept until the e-mail is delivered


def test_the_sweep_retries_after_the_backoff(email, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.requests_app.test_outbox.BrokenBackend"
    outbox.send(email.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert outbox.sweep() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert outbox.sweep() == 1

    email.refresh_from_db()
    assert email.state == OutboxEmail.State.SENT
    assert len(mailoutbox) == 1


def test_backoff_doubles_and_is_capped():
    delays = [outbox.retry_delay(n) for n in (1, 2, 3, 4, 20)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays[4] == timedelta(hours=6)


def test_an_email_that_keeps_failing_is_marked_failed(email, settings):
    settings.EMAIL_BACKEND = "tests.requests_app.test_outbox.BrokenBackend"
    for hours in range(outbox.MAX_ATTEMPTS):
        with time_machine.travel(timezone.now() + timedelta(hours=hours * 7)):
            outbox.send(email.pk)

    email.refresh_from_db()
    assert email.state == OutboxEmail.State.FAILED
    assert email.attempts == outbox.MAX_ATTEMPTS
    assert outbox.due_ids() == []


def test_the_sweep_sends_an_email_whose_task_was_lost(email, mailoutbox):
    """The broker was down when the filing committed: nothing was queued."""
    assert outbox.sweep() == 1

    assert len(mailoutbox) == 1


def test_a_sender_that_died_mid_send_is_replaced_after_its_lease(email, mailoutbox):
    assert outbox.claim(email.pk)  # the worker claimed it, then was killed

    assert outbox.sweep() == 0
    with time_machine.travel(timezone.now() + outbox.SEND_LEASE + timedelta(seconds=1)):
        assert outbox.sweep() == 1

    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert email.attempts == 2


def test_email_is_queued_only_after_commit(db, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr("requests_app.outbox.enqueue", queued.append)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        file_request()
        assert queued == []

    assert len(callbacks) == 1
    assert queued == [OutboxEmail.objects.get().pk]


def test_a_bulk_load_leaves_its_emails_to_the_sweep(
    db, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    queued = []
    monkeypatch.setattr("requests_app.outbox.enqueue", queued.append)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with outbox.left_for_the_sweep():
            file_request()
    assert (callbacks, queued) == ([], [])

    monkeypatch.undo()
    assert outbox.sweep() == 1
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        file_request(email="another@example.org")
    assert len(callbacks) == 1, "outside the block, each filing is handed to Celery again"


def test_a_rolled_back_filing_sends_nothing(transactional_db, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        file_request()
        raise RuntimeError("the filing fails after the e-mail was written")

    assert PrivacyRequest.objects.count() == 0
    assert OutboxEmail.objects.count() == 0
    assert mailoutbox == []


def test_a_broker_outage_leaves_the_email_for_the_sweep(email, monkeypatch, mailoutbox):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("requests_app.outbox.send.delay", broker_down)
    outbox.enqueue(email.pk)
    assert mailoutbox == []

    monkeypatch.undo()
    outbox.sweep()
    assert len(mailoutbox) == 1


class FlakyUpdate:
    """The database goes away for the first `failures` updates of outbox rows."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def wrap(self, original):
        def update(queryset, **values):
            self.calls += 1
            if values.get("state") == OutboxEmail.State.SENT and self.failures:
                self.failures -= 1
                raise OperationalError("server closed the connection unexpectedly")
            return original(queryset, **values)

        return update


@pytest.fixture
def no_sleep(monkeypatch):
    slept = []
    monkeypatch.setattr("requests_app.outbox.time.sleep", slept.append)
    return slept


def test_a_sent_email_is_recorded_once_the_database_is_back(
    email, mailoutbox, monkeypatch, no_sleep
):
    flaky = FlakyUpdate(failures=2)
    monkeypatch.setattr(QuerySet, "update", flaky.wrap(QuerySet.update))

    assert outbox.send(email.pk) is True

    email.refresh_from_db()
    assert email.state == OutboxEmail.State.SENT
    assert email.context == {}
    assert no_sleep == list(outbox.MARK_SENT_DELAYS[:2])
    assert len(mailoutbox) == 1


def test_a_sent_email_the_database_never_records_goes_again_after_its_lease(
    email, mailoutbox, monkeypatch, no_sleep, caplog
):
    flaky = FlakyUpdate(failures=len(outbox.MARK_SENT_DELAYS) + 1)
    monkeypatch.setattr(QuerySet, "update", flaky.wrap(QuerySet.update))

    assert outbox.send(email.pk) is True

    email.refresh_from_db()
    assert email.state == OutboxEmail.State.SENDING
    assert "sent, but not recorded" in caplog.text
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + outbox.SEND_LEASE + timedelta(seconds=1)):
        assert outbox.sweep() == 1
    assert [m.extra_headers["Message-ID"] for m in mailoutbox] == [email.message_id] * 2


# --- The relay: committed rows handed to the workers in batches ----------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
RELAY_REDIS_DB = 14


@pytest.fixture
def relay_list(settings):
    """The broker on a Redis db of its own, its relay list empty, tasks not run eagerly."""
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    settings.CELERY_BROKER_URL = f"{REDIS_URL.rsplit('/', 1)[0]}/{RELAY_REDIS_DB}"
    outbox.ready_list.cache_clear()
    client = outbox.ready_list()
    client.delete(outbox.READY_KEY)
    yield client
    client.delete(outbox.READY_KEY)
    outbox.ready_list.cache_clear()


@pytest.fixture
def published(monkeypatch) -> Iterator[list[tuple[str, object]]]:
    """The relay and sending tasks published, instead of publishing them."""
    calls: list[tuple[str, object]] = []
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    monkeypatch.setattr(
        outbox.relay, "apply_async", lambda **options: calls.append(("relay", options))
    )
    monkeypatch.setattr(outbox.send_each, "delay", lambda ids: calls.append(("send_each", ids)))
    yield calls
    celery_app.conf.task_always_eager = eager


def ids_on(client) -> list[int]:
    return [int(email_id) for email_id in client.lrange(outbox.READY_KEY, 0, -1)]


def test_committed_emails_wait_for_one_relay(relay_list, published):
    outbox.hand_over([11, 12])
    outbox.hand_over([13])

    assert ids_on(relay_list) == [11, 12, 13]
    assert published == [("relay", {"countdown": outbox.RELAY_DELAY})]


def test_the_relay_publishes_the_list_a_chunk_to_a_task_until_it_is_empty(relay_list, published):
    relay_list.rpush(outbox.READY_KEY, *range(1, 121))

    assert outbox.relay() == 120

    chunks = [ids for name, ids in published if name == "send_each"]
    assert [len(chunk) for chunk in chunks] == [outbox.RELAY_CHUNK, outbox.RELAY_CHUNK, 20]
    assert sum(chunks, []) == list(range(1, 121))
    assert ids_on(relay_list) == []


def test_the_first_email_after_a_relay_emptied_the_list_publishes_the_next(relay_list, published):
    outbox.hand_over([1])
    outbox.relay()
    outbox.hand_over([2])

    assert [name for name, _ in published] == ["relay", "send_each", "relay"]


def test_a_filing_hands_its_email_to_the_relay_once_it_commits(
    db, relay_list, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_request()

    assert ids_on(relay_list) == [OutboxEmail.objects.get().pk]


def test_the_sweep_sends_what_a_lost_relay_left_on_the_list_once(relay_list, email, mailoutbox):
    relay_list.rpush(outbox.READY_KEY, email.pk)

    outbox.sweep()

    assert ids_on(relay_list) == []
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert email.state == OutboxEmail.State.SENT


def test_a_sending_task_sends_each_of_its_rows_once(db, mailoutbox):
    file_request(full_name="One")
    file_request(full_name="Two")
    ids = list(OutboxEmail.objects.values_list("pk", flat=True))

    assert outbox.send_each(ids) == 2
    assert outbox.send_each(ids) == 0
    assert len(mailoutbox) == 2
