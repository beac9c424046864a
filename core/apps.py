"""The project-wide pieces: the admin site, logs, error pages, health, staff sign-in."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "core"
    default = True

    def ready(self) -> None:
        from core import checks  # noqa: F401 (registers the checks)
        from core.languages import complete_language_info

        complete_language_info()


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the portal's site (INSTALLED_APPS names it in place of the admin)."""

    # Not the default for "core": this one stands for django.contrib.admin.
    default = False
    default_site = "core.admin_site.PortalAdminSite"
