from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesAppConfig(AppConfig):
    name = "disputes_app"
    verbose_name = _("Disputes")

    def ready(self) -> None:
        from disputes_app import plugs, reminders, views
        from requests_app import hooks

        hooks.register(hooks.sweeps, reminders.sweep)
        hooks.register(hooks.status_panels, views.status_panel)
        hooks.register(hooks.dashboard_sections, plugs.dashboard_section)
        hooks.register(hooks.report_sections, plugs.report_section)
        hooks.register(hooks.escalation, plugs.escalation_url)
