"""Disputes: a request escalated beyond the organisation, and each step of it (RULES.md 4)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from disputes_app.models.bodies import RecourseBody
from disputes_app.models.deadlines import BodyDeadline
from requests_app import localtime, webhooks
from requests_app.models import AppendOnly, PrivacyRequest, TransitionNotAllowed, private_storage
from requests_app.models.webhooks import WebhookEvent


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("upheld: the body found for the requester")
    NOT_UPHELD = "not_upheld", _("not upheld")
    SETTLED = "settled", _("settled")
    WITHDRAWN = "withdrawn", _("withdrawn by the requester")


UNRESOLVED = frozenset({Outcome.NOT_UPHELD, Outcome.WITHDRAWN})
# Outcomes after which something is owed to the requester: a remedy, by the body's date.
OWED = frozenset({Outcome.UPHELD, Outcome.SETTLED})


class ArbitrationBar(models.TextChoices):
    """Why Annex I arbitration is closed to this claim, whatever else was done."""

    ARBITRATED = "arbitrated", _("the claim was already arbitrated")
    SETTLED = "settled", _("the claim was settled")
    COURT = "court", _("a court decided the claim")


class Dispute(models.Model):
    """One escalation of a request to one body; it owns its states."""

    class Status(models.TextChoices):
        FILED = "filed", _("filed with the body")
        ACKNOWLEDGED = "acknowledged", _("acknowledged by the body")
        ANSWER_DUE = "answer_due", _("the organisation's answer is due")
        ANSWERED = "answered", _("the organisation answered the body")
        DECIDED = "decided", _("decided")
        REMEDY_DONE = "remedy_done", _("remedy done")
        CLOSED = "closed", _("closed")

    request = models.ForeignKey(PrivacyRequest, on_delete=models.PROTECT, related_name="disputes")
    body = models.ForeignKey(RecourseBody, on_delete=models.PROTECT, related_name="disputes")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.FILED, editable=False
    )
    reason = models.TextField(_("the requester's reason"), max_length=5000)
    employment_data = models.BooleanField(_("about employment data"), default=False)
    employment_country = models.CharField(
        _("country where the requester works"), max_length=2, blank=True
    )
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    answer_due_on = models.DateField(_("organisation's answer due"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    remedy_done_at = models.DateTimeField(_("remedy done"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    late_answer_at = models.DateTimeField(
        _("the organisation answered the request after the escalation"), null=True, blank=True
    )
    goes_on_at = models.DateTimeField(
        _("the requester said the dispute goes on"), null=True, blank=True
    )
    withdrawn_at = models.DateTimeField(_("withdrawn by the requester"), null=True, blank=True)
    authority_step_on = models.DateField(
        _("the requester's data protection authority took the matter up"), null=True, blank=True
    )
    arbitration_bar = models.CharField(
        _("closed to arbitration because"),
        max_length=20,
        choices=ArbitrationBar.choices,
        blank=True,
    )
    case_file_pdf = models.FileField(storage=private_storage, upload_to="case-files/%Y/")
    case_file_json = models.FileField(storage=private_storage, upload_to="case-files/%Y/")
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-filed_at"]
        constraints = [
            # Posted twice, or from two tabs at once: still one dispute per request and body.
            models.UniqueConstraint(fields=["request", "body"], name="one_dispute_per_body")
        ]
        indexes = [
            models.Index(
                fields=["next_reminder_at"],
                condition=models.Q(next_reminder_at__isnull=False),
                name="dispute_next_reminder_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} → {self.body}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED and not self.outcome

    @property
    def ended_unresolved(self) -> bool:
        return self.outcome in UNRESOLVED

    @property
    def awaits_organisation(self) -> bool:
        return self.status in {self.Status.FILED, self.Status.ACKNOWLEDGED, self.Status.ANSWER_DUE}

    @property
    def asks_whether_it_goes_on(self) -> bool:
        """Answered late after the escalation: the requester says whether it goes on."""
        return self.is_open and self.late_answer_at is not None and self.goes_on_at is None

    @property
    def arbitration_open(self) -> bool:
        """Annex I arbitration: only after an unresolved dispute and the authority's step,
        never for employment data, nor for a claim already arbitrated, settled or judged."""
        return (
            self.ended_unresolved
            and not self.employment_data
            and self.authority_step_on is not None
            and not self.arbitration_bar
        )

    @staticmethod
    def answer_due_for(body: RecourseBody, filed_on) -> Any:
        return filed_on + timedelta(days=body.answer_days)

    def allowed_from(self, to: str) -> frozenset[str]:
        """The states a move to `to` may start from, given the outcome decided so far."""
        status = self.Status
        awaiting = frozenset({status.FILED, status.ACKNOWLEDGED, status.ANSWER_DUE})
        moves = {
            status.ACKNOWLEDGED: {status.FILED},
            status.ANSWER_DUE: {status.FILED, status.ACKNOWLEDGED},
            status.ANSWERED: awaiting,
            status.DECIDED: awaiting | {status.ANSWERED},
            # A remedy only follows a decision for the requester or a settlement.
            status.REMEDY_DONE: ({status.DECIDED} if self.outcome in OWED else set()),
            status.CLOSED: {status.REMEDY_DONE}
            | ({status.DECIDED} if self.outcome in UNRESOLVED else set()),
        }
        return frozenset(moves[to])

    def lock(self) -> None:
        """Read the row again under a lock: what follows decides from it."""
        self.refresh_from_db(from_queryset=Dispute.objects.select_for_update())

    def _not_possible(self) -> TransitionNotAllowed:
        return TransitionNotAllowed(
            gettext("%(dispute)s is now “%(status)s”: this step is no longer possible.")
            % {"dispute": self, "status": self.get_status_display()}
        )

    def _move(
        self, to: str, staff_user: Any, acted_on: date | None, note: str = "", **fields: Any
    ) -> None:
        """Lock the row, check the move from its stored state, save what changed, record it
        with the day the body acted (today when the officer gives none)."""
        with transaction.atomic():
            self.lock()
            if self.status not in self.allowed_from(to):
                raise self._not_possible()
            self.status = to
            for name, value in fields.items():
                setattr(self, name, value)
            self.save(update_fields=["status", *fields])
            self.record(DisputeEvent.Kind.STEP, staff_user, acted_on, note)

    def record(
        self, kind: str, staff_user: Any = None, acted_on: date | None = None, note: str = ""
    ) -> DisputeEvent:
        return DisputeEvent.objects.create(
            dispute=self,
            kind=kind,
            status=self.status,
            outcome=self.outcome,
            staff_user=staff_user,
            acted_on=acted_on or localtime.today(),
            note=note,
        )

    def acknowledge(self, staff_user: Any = None, acted_on: date | None = None) -> None:
        self._move(self.Status.ACKNOWLEDGED, staff_user, acted_on, acknowledged_at=timezone.now())

    def request_answer(
        self, staff_user: Any = None, due_on: date | None = None, acted_on: date | None = None
    ) -> None:
        """The body asked the organisation to answer, by its own date where it gives one."""
        with transaction.atomic():
            fields: dict[str, Any] = {"next_reminder_at": timezone.now()}
            if due_on is not None:
                fields["answer_due_on"] = due_on
            self._move(self.Status.ANSWER_DUE, staff_user, acted_on, **fields)
            if due_on is not None:
                self._add_deadline(BodyDeadline.Kind.ANSWER, due_on, acted_on, staff_user)

    def answer(self, staff_user: Any = None, acted_on: date | None = None) -> None:
        with transaction.atomic():
            self._move(
                self.Status.ANSWERED,
                staff_user,
                acted_on,
                answered_at=timezone.now(),
                next_reminder_at=timezone.now(),
            )
            self._meet(BodyDeadline.Kind.ANSWER, acted_on)

    def decide(
        self,
        outcome: str,
        staff_user: Any = None,
        acted_on: date | None = None,
        remedy_due_on: date | None = None,
    ) -> None:
        """The body decided; where it found for the requester, the remedy is due by its date
        (the one given, or the body's usual number of days after the decision)."""
        if outcome not in Outcome.values:
            raise ValueError(f"Unknown outcome {outcome!r}")
        decided_on = acted_on or localtime.today()
        with transaction.atomic():
            self._move(
                self.Status.DECIDED,
                staff_user,
                decided_on,
                outcome=outcome,
                decided_at=timezone.now(),
                next_reminder_at=timezone.now(),
            )
            self._meet(BodyDeadline.Kind.ANSWER, decided_on)
            self._meet(BodyDeadline.Kind.DECISION, decided_on)
            if remedy_due_on is None and self.body.remedy_days and outcome in OWED:
                remedy_due_on = decided_on + timedelta(days=self.body.remedy_days)
            if remedy_due_on is not None and outcome in OWED:
                self._add_deadline(BodyDeadline.Kind.REMEDY, remedy_due_on, decided_on, staff_user)

    def remedy_done(self, staff_user: Any = None, acted_on: date | None = None) -> None:
        with transaction.atomic():
            self._move(self.Status.REMEDY_DONE, staff_user, acted_on, remedy_done_at=timezone.now())
            self._meet(BodyDeadline.Kind.REMEDY, acted_on)

    def close(self, staff_user: Any = None, acted_on: date | None = None) -> None:
        with transaction.atomic():
            self._move(
                self.Status.CLOSED,
                staff_user,
                acted_on,
                closed_at=timezone.now(),
                next_reminder_at=None,
            )
            webhooks.emit(
                WebhookEvent.DISPUTE_CLOSED, self.request, body=self.body.slug, outcome=self.outcome
            )

    def add_deadline(
        self,
        kind: str,
        due_on: date,
        set_on: date | None = None,
        staff_user: Any = None,
        note: str = "",
    ) -> BodyDeadline:
        """A date the body set; the organisation's answer's own moves the answer's due date."""
        with transaction.atomic():
            self.lock()
            if not self.is_open and kind != BodyDeadline.Kind.REMEDY:
                raise self._not_possible()
            if kind == BodyDeadline.Kind.ANSWER:
                if not self.awaits_organisation:
                    raise self._not_possible()
                self.answer_due_on = due_on
                self.save(update_fields=["answer_due_on"])
            deadline = self._add_deadline(kind, due_on, set_on, staff_user, note)
            Dispute.objects.filter(pk=self.pk).update(next_reminder_at=timezone.now())
            return deadline

    def _add_deadline(
        self, kind: str, due_on: date, set_on: date | None, staff_user: Any, note: str = ""
    ) -> BodyDeadline:
        deadline = BodyDeadline.objects.create(
            dispute=self,
            kind=kind,
            due_on=due_on,
            set_on=set_on or localtime.today(),
            note=note,
            staff_user=staff_user,
        )
        self.record(
            DisputeEvent.Kind.DEADLINE,
            staff_user,
            deadline.set_on,
            f"{deadline.get_kind_display()}: {due_on.isoformat()}",
        )
        return deadline

    def _meet(self, kind: str, on: date | None) -> None:
        self.deadlines.filter(kind=kind, met_on__isnull=True).update(met_on=on or localtime.today())

    def record_authority_step(self, on: date, staff_user: Any = None) -> None:
        """The requester's data protection authority took the matter up (it may refer it to
        the US Department of Commerce): the step Annex I asks before arbitration."""
        with transaction.atomic():
            self.lock()
            self.authority_step_on = on
            self.save(update_fields=["authority_step_on"])
            self.record(DisputeEvent.Kind.AUTHORITY, staff_user, on)

    def bar_arbitration(self, why: str, staff_user: Any = None, on: date | None = None) -> None:
        if why not in ArbitrationBar.values:
            raise ValueError(f"Unknown reason {why!r}")
        with transaction.atomic():
            self.lock()
            self.arbitration_bar = why
            self.save(update_fields=["arbitration_bar"])
            self.record(
                DisputeEvent.Kind.ARBITRATION_BAR, staff_user, on, ArbitrationBar(why).label
            )

    def answered_late(self) -> bool:
        """The organisation answered the request after the escalation: recorded once, while
        the dispute is open; True when this call recorded it."""
        with transaction.atomic():
            self.lock()
            if not self.is_open or self.late_answer_at is not None:
                return False
            self.late_answer_at = timezone.now()
            self.save(update_fields=["late_answer_at"])
            self.record(DisputeEvent.Kind.LATE_ANSWER)
            return True

    def goes_on(self) -> bool:
        """The requester, asked after a late answer, wants the dispute to go on."""
        with transaction.atomic():
            self.lock()
            if not self.asks_whether_it_goes_on:
                return False
            self.goes_on_at = timezone.now()
            self.save(update_fields=["goes_on_at"])
            self.record(DisputeEvent.Kind.GOES_ON)
            return True

    def withdraw(self) -> bool:
        """The requester withdrew: closed with that outcome, its reminders stop; True when
        this call withdrew it, False when it had ended already."""
        with transaction.atomic():
            self.lock()
            if not self.is_open:
                return False
            now = timezone.now()
            self.status, self.outcome = self.Status.CLOSED, Outcome.WITHDRAWN
            self.withdrawn_at = self.closed_at = now
            self.next_reminder_at = None
            self.save(
                update_fields=["status", "outcome", "withdrawn_at", "closed_at", "next_reminder_at"]
            )
            self.record(DisputeEvent.Kind.WITHDRAWN)
            webhooks.emit(
                WebhookEvent.DISPUTE_CLOSED, self.request, body=self.body.slug, outcome=self.outcome
            )
            return True


class DisputeEvent(AppendOnly):
    """Each step of a dispute, with the day the body acted and when it was recorded:
    append-only."""

    class Kind(models.TextChoices):
        STEP = "step", _("a step of the dispute")
        DEADLINE = "deadline", _("the body set a date")
        LATE_ANSWER = "late_answer", _("the organisation answered the request after the escalation")
        GOES_ON = "goes_on", _("the requester wants the dispute to go on")
        WITHDRAWN = "withdrawn", _("the requester withdrew the dispute")
        AUTHORITY = "authority", _("the requester's data protection authority took the matter up")
        ARBITRATION_BAR = "arbitration_bar", _("arbitration closed to the claim")
        CASE_FILE = "case_file", _("a new version of the case file")

    dispute = models.ForeignKey("Dispute", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices, default=Kind.STEP)
    status = models.CharField(_("status"), max_length=20, choices=Dispute.Status.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    acted_on = models.DateField(_("the day it happened"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute} {self.status}"
