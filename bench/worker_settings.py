"""The project's settings with both sweeps every second, for the Celery workers that tests and
benchmarks start: beat's own schedule (every minute, every five) would keep them waiting."""

from privacyportal.settings import *  # noqa: F403
from privacyportal.settings import CELERY_BEAT_SCHEDULE

CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "sweep-outbox": {**CELERY_BEAT_SCHEDULE["sweep-outbox"], "schedule": 1.0},
    "sweep-reminders": {**CELERY_BEAT_SCHEDULE["sweep-reminders"], "schedule": 1.0},
}
