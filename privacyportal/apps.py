from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "privacyportal.admin_site.PortalAdminSite"
