"""Where requesters' data may be held, the task each system gets, and identity checks."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator, validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.connectors import spec
from requests_app.models.events import RequestEvent
from requests_app.models.states import RequestType, TransitionNotAllowed

# The name of an environment variable, as a data map or the register may give it.
ENV_NAME = r"\A[A-Z_][A-Z0-9_]*\Z"
env_name = RegexValidator(
    ENV_NAME,
    _("Capital letters, digits and _, not starting with a digit: the name, never the value."),
)
http_url = URLValidator(schemes=["http", "https"])


class VariableNotSet(LookupError):
    """A system names an environment variable that this process does not have."""

    def __init__(self, variable: str) -> None:
        self.variable = variable
        if variable:
            message = gettext("variable %(name)s is not set") % {"name": variable}
        else:
            message = gettext("no variable is named for the database URL")
        super().__init__(message)


class DataSystem(models.Model):
    """A system or subprocessor that may hold requesters' data, seeded from the notice.

    `kind` is its category in the register; `connector` is how a request reaches it. The data
    map (docs/CONNECTORS.md, `load_datamap`) sets both. A URL or secret is never stored: the
    row names the environment variable that holds it.
    """

    class Kind(models.TextChoices):
        WEBSITE = "website", _("our website")
        SUBPROCESSOR = "subprocessor", _("subprocessor")
        INTERNAL = "internal", _("internal system")

    class Connector(models.TextChoices):
        MANUAL = "manual", _("manual")
        DATABASE = "database", _("database")
        WEBHOOK = "webhook", _("webhook")
        PROCESSOR = "processor", _("processor")

    # What each connector cannot do without; the data map's validator reads the same table.
    NEEDS = {
        Connector.DATABASE: ("url_env", "tables"),
        Connector.WEBHOOK: ("url", "secret_env"),
        Connector.PROCESSOR: ("contact",),
    }

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        help_text=_("Its category in the register (“category” in the data map)."),
    )
    connector = models.CharField(
        _("connector"),
        max_length=20,
        choices=Connector.choices,
        default=Connector.MANUAL,
        help_text=_(
            "How a request reaches it: a task for staff, queries on its database, "
            "a signed web request, or an e-mail to the processor."
        ),
    )
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    url_env = models.CharField(
        _("database URL variable"),
        max_length=100,
        blank=True,
        validators=[env_name],
        help_text=_("Database: the environment variable that holds its URL."),
    )
    url = models.URLField(
        _("webhook address"),
        max_length=500,
        blank=True,
        validators=[http_url],
        help_text=_("Webhook: where the signed requests are sent (http or https)."),
    )
    secret_env = models.CharField(
        _("webhook secret variable"),
        max_length=100,
        blank=True,
        validators=[env_name],
        help_text=_("Webhook: the environment variable that holds the signing secret."),
    )
    require_identity_check = models.BooleanField(
        _("requires an identity check"),
        default=False,
        help_text=_("Its part of a run waits until a confirmed identity check is recorded."),
    )
    tables = models.JSONField(_("tables"), default=list, blank=True)
    holds = models.TextField(_("what it holds"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    retention = models.TextField(
        _("retention"), blank=True, help_text=_("How long data is kept, or how that is decided.")
    )
    source = models.TextField(
        _("source"), blank=True, help_text=_("Where data not given by the person came from.")
    )
    automated_decisions = models.TextField(
        _("automated decisions"),
        blank=True,
        help_text=_(
            "Any decision about a person made by automated means alone, profiling included, "
            "and its logic; empty when there is none."
        ),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("New requests get a task for active systems.")
    )

    class Meta:
        verbose_name = _("system or subprocessor")
        verbose_name_plural = _("systems and subprocessors")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        missing = {
            field: gettext("A %(connector)s system needs this.")
            % {"connector": self.get_connector_display()}
            for field in self.NEEDS.get(self.connector, ())
            if not getattr(self, field)
        }
        if missing:
            raise ValidationError(missing)
        if self.connector == self.Connector.PROCESSOR:
            try:
                validate_email(self.contact)
            except ValidationError:
                raise ValidationError(
                    {"contact": gettext("A processor's contact is an e-mail address.")}
                ) from None

    @property
    def table_specs(self) -> list[spec.Table]:
        return [spec.Table.from_json(table) for table in self.tables]

    @property
    def variable(self) -> str:
        """The environment variable its connector needs ("" when it needs none)."""
        if self.connector == self.Connector.DATABASE:
            return self.url_env
        if self.connector == self.Connector.WEBHOOK:
            return self.secret_env
        return ""

    @property
    def variable_is_set(self) -> bool | None:
        """Whether that variable is set here; None when the connector needs none."""
        return is_set(self.variable) if self.variable else None

    @property
    def url_is_set(self) -> bool:
        return is_set(self.url_env)

    @property
    def secret_is_set(self) -> bool:
        return is_set(self.secret_env)

    def database_url(self) -> str:
        """The database's URL from the environment; VariableNotSet names the variable if not."""
        if not self.url_is_set:
            raise VariableNotSet(self.url_env)
        return os.environ[self.url_env]


def is_set(variable: str) -> bool:
    return bool(variable) and bool(os.environ.get(variable))


# Rights whose recipients must be told of the change (GDPR Art. 19).
TELL_RECIPIENTS = frozenset({RequestType.CORRECTION, RequestType.DELETION, RequestType.RESTRICTION})


class SystemTask(models.Model):
    """What one system or subprocessor has to do for one request."""

    request = models.ForeignKey(
        "requests_app.PrivacyRequest", on_delete=models.CASCADE, related_name="tasks"
    )
    system = models.ForeignKey(DataSystem, on_delete=models.PROTECT, related_name="tasks")
    outcome = models.TextField(_("what was done"), blank=True)
    recipient_told_at = models.DateTimeField(_("recipient told"), null=True, blank=True)
    not_told_reason = models.TextField(
        _("why the recipient was not told"),
        blank=True,
        help_text=_("Only where telling proves impossible or takes disproportionate effort."),
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks per system")
        constraints = [
            models.UniqueConstraint(fields=["request", "system"], name="one_task_per_system")
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.system}"

    @property
    def must_tell_recipient(self) -> bool:
        return self.request.request_type in TELL_RECIPIENTS

    def complete(
        self,
        outcome: str,
        staff_user: Any,
        *,
        recipient_told: bool = False,
        not_told_reason: str = "",
    ) -> None:
        """Close the task; for a correction, deletion or restriction, the recipient was told."""
        if self.must_tell_recipient and not recipient_told and not not_told_reason.strip():
            raise TransitionNotAllowed(
                gettext("Tell the recipient of the change, or say why that is impossible.")
            )
        with transaction.atomic():
            self.refresh_from_db(from_queryset=SystemTask.objects.select_for_update())
            if self.done_at is not None:
                raise TransitionNotAllowed(
                    gettext("The task for %(system)s was done already.") % {"system": self.system}
                )
            now = timezone.now()
            self.outcome, self.not_told_reason = outcome, not_told_reason.strip()
            self.recipient_told_at = now if recipient_told else None
            self.done_at, self.done_by = now, staff_user
            self.save(
                update_fields=[
                    "outcome",
                    "not_told_reason",
                    "recipient_told_at",
                    "done_at",
                    "done_by",
                ]
            )
            self.request.record(
                RequestEvent.Kind.TASK_DONE,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"system": self.system.name, "recipient_told": recipient_told},
            )


class IdentityCheck(models.Model):
    """The fact that identity was checked: how, the result, by whom. Never a copy of a document."""

    class Method(models.TextChoices):
        EMAIL_MATCH = "email_match", _("the e-mail address matches our records")
        ACCOUNT = "account", _("an account or customer number only the person has")
        KNOWLEDGE = "knowledge", _("details only the person can know")
        DOCUMENT_SEEN = "document_seen", _("an identity document was seen and not kept")
        OTHER = "other", _("other")

    request = models.ForeignKey(
        "requests_app.PrivacyRequest", on_delete=models.CASCADE, related_name="identity_checks"
    )
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    confirmed = models.BooleanField(_("identity confirmed"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("identity check")
        verbose_name_plural = _("identity checks")
        ordering = ["checked_at"]

    def __str__(self) -> str:
        return f"{self.request} {self.method}"
