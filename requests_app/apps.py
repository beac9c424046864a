from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Privacy requests")

    def ready(self) -> None:
        from requests_app import (
            checks,  # noqa: F401 (registers the checks)
            digests,
            hooks,
        )

        hooks.register(hooks.sweeps, digests.sweep)
