"""The beat's periodic tasks, called by name from CELERY_BEAT_SCHEDULE: nothing imports this.

Each is thin and safe to run twice. The outbox's own tasks (send one e-mail, sweep the rest)
live in requests_app.outbox, the lost-link e-mail's in requests_app.services, a connector
run's part in requests_app.runs.
"""

import logging
import time

from celery import shared_task

from requests_app import exports, localtime, reminders, report, retention, runs, webhooks

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def sweep_reminders() -> int:
    started = time.monotonic()
    queued = len(reminders.sweep_all())
    # Celery's own line of a task shows no result: the sweep says what it did.
    logger.info(
        "reminder sweep: queued %d",
        queued,
        extra={"queued": queued, "seconds": round(time.monotonic() - started, 3)},
    )
    return queued


@shared_task(ignore_result=True)
def refresh_figures() -> int:
    """Count the figures of the periods an officer most likely opens (report.refresh)."""
    return len(report.refresh(localtime.today()))


@shared_task(ignore_result=True)
def purge_closed() -> int:
    """The daily purge: closed requests past their retention, and old exports of the list."""
    exports.purge_old()
    return retention.purge_closed()


@shared_task(ignore_result=True)
def sweep_runs() -> int:
    """Hand out again the connectors' parts that are due (retries, lost tasks, dead workers)."""
    return len(runs.sweep())


@shared_task(ignore_result=True)
def sweep_webhooks() -> int:
    """Hand out the webhook deliveries that are due (retries, lost tasks)."""
    return len(webhooks.sweep())
