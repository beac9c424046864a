"""The register of systems, the reminders sent and the outbox, as the officer sees them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from requests_app import admin_forms, outbox
from requests_app.connectors import checks
from requests_app.models import (
    DataSystem,
    OutboxEmail,
    Reminder,
)


@admin.register(DataSystem)
class DataSystemAdmin(admin.ModelAdmin):
    form = admin_forms.DataSystemForm
    list_display = ["name", "kind", "connector", "variable_set", "contact", "active"]
    list_filter = ["kind", "connector", "active"]
    search_fields = ["name"]
    actions = ["check_against_database"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "contact", "active"]}),
        (
            _("Connector"),
            {
                "fields": [
                    "connector",
                    "url_env",
                    "url",
                    "secret_env",
                    "require_identity_check",
                    "tables",
                ],
                "description": _(
                    "How a request reaches the system. The data map file sets these "
                    "(manage.py load_datamap). A URL or secret is never stored here: only the "
                    "name of the environment variable that holds it."
                ),
            },
        ),
        (
            _("For the answer to an access request"),
            {"fields": ["holds", "purpose", "retention", "source", "automated_decisions"]},
        ),
    ]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("variable set"), boolean=True)
    def variable_set(self, system: DataSystem) -> bool | None:
        """Whether the URL or secret variable is set here: read, never shown."""
        return system.variable_is_set

    @admin.action(description=_("Check against the database"), permissions=["change"])
    def check_against_database(self, request: HttpRequest, queryset: QuerySet[DataSystem]) -> None:
        for system in queryset.order_by("name"):
            self.message_user(request, *check_message(system))


def check_message(system: DataSystem) -> tuple[str, int]:
    """What the check found for one system, and the message level to show it at."""
    problems = checks.check_system(system)
    if problems:
        text = gettext("%(system)s: %(problems)s") % {
            "system": system.name,
            "problems": "; ".join(problems),
        }
        return text, messages.ERROR
    if system.connector == DataSystem.Connector.DATABASE:
        return gettext("%(system)s matches the map.") % {"system": system.name}, messages.SUCCESS
    text = gettext("%(system)s has no database to check (%(connector)s).") % {
        "system": system.name,
        "connector": system.get_connector_display(),
    }
    return text, messages.INFO


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "request", "kind", "deadline"]
    list_filter = ["kind"]
    list_select_related = ["request"]
    search_fields = ["request__reference"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "request", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["request"]
    search_fields = ["=to", "request__reference"]
    readonly_fields = [
        "request",
        "kind",
        "to",
        "language",
        "subject",
        "message_id",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    exclude = ["context"]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Send the selected failed e-mails again"), permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxEmail]) -> None:
        failed = list(queryset.filter(state=OutboxEmail.State.FAILED).values_list("pk", flat=True))
        OutboxEmail.objects.filter(pk__in=failed).update(
            state=OutboxEmail.State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        outbox.enqueue_all(failed)
        self.message_user(
            request,
            ngettext("%d e-mail queued again.", "%d e-mails queued again.", len(failed))
            % len(failed),
            messages.SUCCESS,
        )
