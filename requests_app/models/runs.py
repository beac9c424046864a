"""Runs of the connectors: an access or erasure run per request, and each system's part of it.

A part is claimed like an outbox row: a conditional UPDATE moves it to running with a lease
and counts the attempt, so that two workers never run the same part, and a part whose
worker died is taken again once its lease has run out. Its result is written only by the
attempt that holds the claim.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.claims import claim_row
from requests_app.models.events import private_storage

# How long a claimed part stays with its worker before the sweep may give it to another.
PART_LEASE = timedelta(minutes=10)


class SystemRun(models.Model):
    """The officer's (or the command line's) order to collect or erase one requester's data."""

    class Action(models.TextChoices):
        ACCESS = "access", _("access: collect the data")
        ERASURE = "erasure", _("erasure")

    request = models.ForeignKey(
        "requests_app.PrivacyRequest", on_delete=models.CASCADE, related_name="runs"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    dry_run = models.BooleanField(
        _("dry run"),
        default=False,
        help_text=_("Counts what erasure would change; changes nothing."),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when started from the command line."),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    package = models.FileField(
        _("answer package"), storage=private_storage, upload_to="packages/%Y/%m/", blank=True
    )
    package_built_at = models.DateTimeField(_("package built"), null=True, blank=True)

    class Meta:
        verbose_name = _("connector run")
        verbose_name_plural = _("connector runs")
        ordering = ["-started_at", "-id"]
        permissions = [("run_connectors", _("Can run connectors on a request"))]

    def __str__(self) -> str:
        return f"{self.request} {self.get_action_display()}{' (dry run)' if self.dry_run else ''}"

    @property
    def label(self) -> str:
        if self.dry_run:
            return str(_("erasure dry run"))
        return str(self.get_action_display())

    @property
    def summary(self) -> str:
        """How many of its parts are in each state ("done: 2, waiting: 1"): a list."""
        counts: dict[str, int] = {}
        for part in self.parts.all():
            state = str(part.get_state_display())
            counts[state] = counts.get(state, 0) + 1
        return ", ".join(f"{state}: {count}" for state, count in counts.items())

    @property
    def finished(self) -> bool:
        return not self.parts.exclude(state__in=RunPart.ENDED).exists()

    @property
    def failed(self) -> bool:
        return self.parts.filter(state=RunPart.State.FAILED).exists()


class RunPart(models.Model):
    """One system's part of a run: its own task, run once, retried after a crash."""

    class State(models.TextChoices):
        PENDING = "pending", _("queued")
        WAITING = "waiting", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class WaitingFor(models.TextChoices):
        NOTHING = "", _("nothing")
        IDENTITY = "identity", _("an identity check")
        CALLBACK = "callback", _("the system's answer")
        REPLY = "reply", _("the processor's reply")

    ENDED = (State.DONE, State.FAILED)

    run = models.ForeignKey(SystemRun, on_delete=models.CASCADE, related_name="parts")
    system = models.ForeignKey(
        "requests_app.DataSystem", on_delete=models.PROTECT, related_name="run_parts"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    waiting_for = models.CharField(
        _("waiting for"), max_length=10, choices=WaitingFor.choices, blank=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Pending: when to (re)try. Running: when the claim lapses if the worker died.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    rows = models.PositiveBigIntegerField(_("rows"), null=True, blank=True)
    # [{"table", "rows", "limited", "action", "reason"}] as the connector reported them.
    counts = models.JSONField(_("counts per table"), default=list, blank=True)
    # {table: [the first rows]}: what the officer previews before building the package.
    preview = models.JSONField(default=dict, blank=True)
    # Access: the rows as JSON lines ({"table": …, "row": …}) in the private storage.
    result_path = models.CharField(max_length=300, blank=True)
    error = models.TextField(_("last error"), blank=True)
    # A webhook's single-use callback (the hash of its token) and a processor's reply.
    callback_hash = models.CharField(max_length=64, blank=True, db_index=True)
    reply = models.TextField(_("reply"), blank=True)
    # Files that came with a processor's reply: [{"path": …, "name": …}] in the private storage.
    files = models.JSONField(default=list, blank=True)
    # When the officer was last reminded of a part still waiting for a reply or a callback.
    reminded_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("system's part of a run")
        verbose_name_plural = _("systems' parts of runs")
        ordering = ["run", "system__name"]
        constraints = [
            models.UniqueConstraint(fields=["run", "system"], name="one_part_per_system")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="runpart_due_idx",
                condition=Q(state__in=["pending", "running"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.system}"

    def claim(self, now: datetime | None = None) -> bool:
        """Take the part for this worker: once, or again after the last claim lapsed."""
        now = now or timezone.now()
        claimed = claim_row(
            RunPart,
            self.pk,
            ready=[self.State.PENDING, self.State.RUNNING],
            taken=self.State.RUNNING,
            lease=PART_LEASE,
            now=now,
            started_at=now,
            waiting_for="",
        )
        if claimed:
            self.refresh_from_db()
        return claimed

    def settle(self, state: str, **fields: Any) -> bool:
        """Write the outcome of this attempt, if the part is still this attempt's."""
        return self._move(Q(state=self.State.RUNNING, attempts=self.attempts), state, fields)

    def settle_waiting(self, waiting_for: str, state: str, **fields: Any) -> bool:
        """Write the answer a waiting part was waiting for, once: a second answer finds the
        part no longer waiting (a replayed callback, a reply recorded twice)."""
        expected = Q(state=self.State.WAITING, waiting_for=waiting_for)
        if waiting_for == self.WaitingFor.CALLBACK:
            expected &= Q(callback_hash=self.callback_hash) & ~Q(callback_hash="")
        fields.setdefault("callback_hash", "")
        return self._move(expected, state, {"waiting_for": "", **fields})

    def _move(self, expected: Q, state: str, fields: dict[str, Any]) -> bool:
        if state in self.ENDED:
            fields.setdefault("finished_at", timezone.now())
        updated = RunPart.objects.filter(expected, pk=self.pk).update(state=state, **fields)
        if updated:
            self.refresh_from_db()
        return updated == 1
