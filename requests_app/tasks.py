"""Celery tasks: thin, take ids, safe to run twice."""

from celery import shared_task

from requests_app import outbox, retention, services, sweeps


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
    return len(sweeps.run_all())


@shared_task(ignore_result=True)
def purge_closed() -> int:
    return retention.purge_closed()
