"""Every reminder sweep, run together by beat and by `manage.py send_reminders`.

Apps that build on requests_app (disputes) register theirs here, so that this app never
imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from requests_app import reminders

Sweep = Callable[[datetime], list[reminders.Queued]]
registered: list[Sweep] = []


def register(sweep: Sweep) -> Sweep:
    if sweep not in registered:
        registered.append(sweep)
    return sweep


def run_all(now: datetime | None = None) -> list[reminders.Queued]:
    now = now or timezone.now()
    lines = reminders.sweep(now)
    for sweep in registered:
        lines += sweep(now)
    return lines
