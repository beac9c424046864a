"""The one Celery app. Configured from Django settings (the CELERY_ names)."""

import logging.config
import os

from celery import Celery
from celery.signals import before_task_publish, setup_logging
from celery.utils.log import get_multiprocessing_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacyportal.settings")

app = Celery("privacyportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def make_broker_folder(sender: Celery, **kwargs: object) -> None:
    """The embedded broker keeps its messages in a folder that must exist."""
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        settings.CELERY_BROKER_DIR.mkdir(parents=True, exist_ok=True)


@setup_logging.connect
def log_through_logging_setting(**kwargs: object) -> None:
    """Workers and beat log through LOGGING only (JSON, request ids, records cleaned of tokens
    and task arguments). Told so, Celery adds no handler of its own (its task logger's would
    write whatever it is given), and leaves stdout alone: print() and the console e-mail
    backend write there whole, so that with EMAIL_URL=consolemail:// a link can be followed."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    # The worker pool's logger (billiard's) is made not to propagate: it passes its errors
    # on to LOGGING here, from ERROR up as Celery's own set-up would.
    pool_logger = get_multiprocessing_logger()
    pool_logger.propagate = True
    pool_logger.setLevel(logging.ERROR)


@before_task_publish.connect
def hide_task_arguments(headers: dict, **kwargs: object) -> None:
    """Every message shows … for its arguments: a worker shows a task's arguments (in its
    log, events and `celery inspect`) from the message's argsrepr and kwargsrepr, and from
    the arguments themselves when those are empty."""
    from core.logs import REDACTED

    headers["argsrepr"] = headers["kwargsrepr"] = REDACTED
