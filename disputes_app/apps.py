from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DisputesAppConfig(AppConfig):
    name = "disputes_app"
    verbose_name = _("Disputes")

    def ready(self) -> None:
        from disputes_app import email_kinds, plugs, reminders, services, views
        from requests_app import hooks

        hooks.register(hooks.sweeps, reminders.sweep)
        hooks.register(hooks.status_panels, views.status_panel)
        hooks.register(hooks.dashboard_sections, plugs.dashboard_section)
        hooks.register(hooks.report_sections, plugs.report_section)
        hooks.register(hooks.escalation, plugs.escalation_url)
        hooks.register(hooks.recourse_body, plugs.default_body_name)
        hooks.register(hooks.email_kinds, email_kinds.kinds)
        hooks.register(hooks.answered, services.request_answered)
        hooks.register(hooks.withdrawn, services.request_withdrawn)
        post_migrate.connect(seed_default_body_contact, sender=self)


def seed_default_body_contact(
    using: str = DEFAULT_DB_ALIAS, apps: Apps = global_apps, **kwargs: object
) -> None:
    """Give the default recourse body RECOURSE_BODY_EMAIL as its contact while it has none.

    The row is the truth (the officer edits it in the admin); the variable only fills it in,
    so that on a fresh install escalated case files go where it says.
    """
    if not settings.RECOURSE_BODY_EMAIL:
        return
    try:
        RecourseBody = apps.get_model("disputes_app", "RecourseBody")
    except LookupError:  # migrated back to before the bodies' table
        return
    RecourseBody.objects.using(using).filter(is_default=True, contact_email="").update(
        contact_email=settings.RECOURSE_BODY_EMAIL
    )
