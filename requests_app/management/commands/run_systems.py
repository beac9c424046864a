"""`manage.py run_systems REFERENCE {access,erasure} [--dry-run]`: a run from the command line.

It starts the same run as the admin (an erasure without --dry-run is the approval), waits
until every system's part has ended or waits for a person (an identity check, a processor's
reply, a webhook's callback), and prints one line per system: `<system> <state> <rows>`.
It exits non-zero when a part failed, or when the parts did not end in --timeout seconds
(no worker running, say).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app import runs
from requests_app.models import PrivacyRequest, TransitionNotAllowed
from requests_app.models.runs import RunPart, SystemRun

POLL_SECONDS = 0.2


class Command(BaseCommand):
    help = "Run the connectors for one request and print one line per system."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="the request's reference, e.g. DSR-2026-000123")
        parser.add_argument("action", choices=SystemRun.Action.values)
        parser.add_argument(
            "--dry-run", action="store_true", help="erasure: count what it would change"
        )
        parser.add_argument(
            "--timeout", type=float, default=600.0, help="seconds to wait (default 600)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            privacy_request = PrivacyRequest.objects.get(reference=options["reference"].upper())
        except PrivacyRequest.DoesNotExist:
            raise CommandError(f"no request {options['reference']}") from None
        try:
            run = runs.start(privacy_request, options["action"], None, dry_run=options["dry_run"])
        except (TransitionNotAllowed, ValueError) as error:
            raise CommandError(str(error)) from None
        parts = wait(run, options["timeout"])
        for part in parts:
            rows = "-" if part.rows is None else part.rows
            self.stdout.write(f"{part.system.name} {part.state} {rows}")
            if part.state == RunPart.State.FAILED:
                self.stderr.write(f"{part.system.name}: {part.error}")
        if any(part.state == RunPart.State.FAILED for part in parts):
            raise CommandError("a system's part failed")
        if any(part.state in (RunPart.State.PENDING, RunPart.State.RUNNING) for part in parts):
            raise CommandError(
                f"not every part ended in {options['timeout']:g} s: is a Celery worker running?"
            )


def wait(run: SystemRun, timeout: float) -> list[RunPart]:
    """The run's parts once none is queued or running any more, or at the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        parts = list(run.parts.select_related("system").order_by("system__name"))
        busy = [p for p in parts if p.state in (RunPart.State.PENDING, RunPart.State.RUNNING)]
        if not busy or time.monotonic() >= deadline:
            return parts
        time.sleep(POLL_SECONDS)
