"""Recourse bodies and disputes: a request escalated beyond the organisation (docs/RULES.md 4)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app import webhooks
from requests_app.models import AppendOnly, PrivacyRequest, TransitionNotAllowed, private_storage
from requests_app.models.webhooks import WebhookEvent


class RecourseBody(models.Model):
    """Where a dispute goes: JAMS by default, authorities for HR data, arbitration at last."""

    class Kind(models.TextChoices):
        IRM = "irm", _("independent recourse mechanism")
        DPA = "dpa", _("data protection authority")
        ARBITRATION = "arbitration", _("arbitration")

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    claim_url = models.URLField(_("claim page"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    answer_days = models.PositiveSmallIntegerField(
        _("days the organisation has to answer the body"), default=30
    )
    is_default = models.BooleanField(
        _("default for complaints"),
        default=False,
        help_text=_("The independent recourse mechanism named in the privacy notice."),
    )
    # For complaints about human-resources data: the route per country group (EU/EEA, GB, CH).
    employment_countries = models.CharField(
        _("employment-data complaints from"),
        max_length=20,
        blank=True,
        help_text=_("eea, GB, GI or CH: complaints about employment data from there go here."),
    )

    class Meta:
        verbose_name = _("recourse body")
        verbose_name_plural = _("recourse bodies")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_recourse_body",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("upheld: the body found for the requester")
    NOT_UPHELD = "not_upheld", _("not upheld")
    SETTLED = "settled", _("settled")
    WITHDRAWN = "withdrawn", _("withdrawn by the requester")


UNRESOLVED = frozenset({Outcome.NOT_UPHELD, Outcome.WITHDRAWN})


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
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    answer_due_on = models.DateField(_("organisation's answer due"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    remedy_done_at = models.DateTimeField(_("remedy done"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
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
            status.REMEDY_DONE: (
                {status.DECIDED} if self.outcome in {Outcome.UPHELD, Outcome.SETTLED} else set()
            ),
            status.CLOSED: {status.REMEDY_DONE}
            | ({status.DECIDED} if self.outcome in UNRESOLVED else set()),
        }
        return frozenset(moves[to])

    def _move(self, to: str, staff_user: Any, **fields: Any) -> None:
        """Lock the row, check the move from its stored state, save what changed, record it."""
        with transaction.atomic():
            self.refresh_from_db(from_queryset=Dispute.objects.select_for_update())
            if self.status not in self.allowed_from(to):
                raise TransitionNotAllowed(
                    gettext("%(dispute)s is now “%(status)s”: this step is no longer possible.")
                    % {"dispute": self, "status": self.get_status_display()}
                )
            self.status = to
            for name, value in fields.items():
                setattr(self, name, value)
            self.save(update_fields=["status", *fields])
            DisputeEvent.objects.create(
                dispute=self, status=to, staff_user=staff_user, outcome=self.outcome
            )

    def acknowledge(self, staff_user: Any = None) -> None:
        self._move(self.Status.ACKNOWLEDGED, staff_user, acknowledged_at=timezone.now())

    def request_answer(self, staff_user: Any = None, due_on: date | None = None) -> None:
        """The body asked the organisation to answer, by its own date where it gives one."""
        fields: dict[str, Any] = {"next_reminder_at": timezone.now()}
        if due_on is not None:
            fields["answer_due_on"] = due_on
        self._move(self.Status.ANSWER_DUE, staff_user, **fields)

    def answer(self, staff_user: Any = None) -> None:
        self._move(
            self.Status.ANSWERED, staff_user, answered_at=timezone.now(), next_reminder_at=None
        )

    def decide(self, outcome: str, staff_user: Any = None) -> None:
        if outcome not in Outcome.values:
            raise ValueError(f"Unknown outcome {outcome!r}")
        self._move(
            self.Status.DECIDED,
            staff_user,
            outcome=outcome,
            decided_at=timezone.now(),
            next_reminder_at=None,
        )

    def remedy_done(self, staff_user: Any = None) -> None:
        self._move(self.Status.REMEDY_DONE, staff_user, remedy_done_at=timezone.now())

    def close(self, staff_user: Any = None) -> None:
        with transaction.atomic():
            self._move(self.Status.CLOSED, staff_user, closed_at=timezone.now())
            webhooks.emit(
                WebhookEvent.DISPUTE_CLOSED, self.request, body=self.body.slug, outcome=self.outcome
            )


class DisputeEvent(AppendOnly):
    """Each step of a dispute, with its date: append-only."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=Dispute.Status.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute} {self.status}"


class DisputeReminder(models.Model):
    """A reminder of the organisation's answer to the body: once per kind and day."""

    class Kind(models.TextChoices):
        ANSWER_SOON = "dispute_answer_soon", _("officer: the answer to the body is due soon")
        ANSWER_LATE = "dispute_answer_late", _("officer: the answer to the body is late")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    deadline = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "kind", "deadline"], name="one_dispute_reminder_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispute} {self.kind} {self.deadline}"
