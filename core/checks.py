"""System checks of the whole portal that `manage.py check --deploy` (and so `preflight`) runs.

Django's own deploy checks already warn of a short SECRET_KEY (security.W009); this one says
when the key is the portal's local default, which anyone can read in its source, whatever
its length, and how to make a real one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def check_secret_key_is_not_the_default(app_configs: Any, **kwargs: Any) -> list[Warning]:
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:
        # An empty SECRET_KEY: Django refuses to read it.
        key = ""
    if key and key != settings.INSECURE_SECRET_KEY:
        return []
    return [
        Warning(
            "SECRET_KEY is missing or the local default, which anyone can read in the "
            "portal's source.",
            hint=(
                "Set SECRET_KEY to a long random value "
                "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
            ),
            id="privacyportal.W002",
        )
    ]
