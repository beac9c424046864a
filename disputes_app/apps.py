from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesAppConfig(AppConfig):
    name = "disputes_app"
    verbose_name = _("Disputes")

    def ready(self) -> None:
        from disputes_app import reminders, views
        from requests_app import panels, sweeps

        sweeps.register(reminders.sweep)
        panels.register(views.status_panel)
