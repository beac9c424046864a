"""Pages of the whole portal: the health check and the language switch."""

from __future__ import annotations

import logging
import os

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from privacyportal.celery import app as celery_app

logger = logging.getLogger(__name__)

# The language switcher is on the private pages too, whose posts carry `Origin: null` under
# their `Referrer-Policy: no-referrer`, which Django's CSRF check refuses; a forged switch of
# someone's language cookie does no harm worth a CSRF token.
set_language = csrf_exempt(i18n.set_language)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_ok(), "broker": broker_ok()}
    body = {name: "ok" if ok else "down" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.warning("healthz: database unavailable", exc_info=True)
        return False


def broker_ok() -> bool:
    if celery_app.conf.broker_url.startswith("filesystem://"):
        folder = celery_app.conf.broker_transport_options["data_folder_in"]
        return os.path.isdir(folder) and os.access(folder, os.W_OK)
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.warning("healthz: broker unavailable", exc_info=True)
        return False
