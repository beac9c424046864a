"""Celery tasks: thin, take ids, safe to run twice."""

import logging
import time

from celery import shared_task

from requests_app import outbox, retention, services, sweeps

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_email(email_id: int) -> bool:
    return outbox.send(email_id)


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    return outbox.sweep()


@shared_task(ignore_result=True)
def send_lost_links(email_key: str) -> None:
    """The address's key, never the address; no result, which would tell whether it is known."""
    services.send_lost_links(email_key)


@shared_task(ignore_result=True)
def sweep_reminders() -> int:
    started = time.monotonic()
    queued = len(sweeps.run_all())
    # Celery's own line of a task shows no result: the sweep says what it did.
    logger.info(
        "reminder sweep: queued %d",
        queued,
        extra={"queued": queued, "seconds": round(time.monotonic() - started, 3)},
    )
    return queued


@shared_task(ignore_result=True)
def purge_closed() -> int:
    return retention.purge_closed()
