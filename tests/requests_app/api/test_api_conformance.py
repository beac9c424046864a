"""Schemathesis against the portal's schema: every operation with valid and invalid input answers
without a 5xx and as the schema says (status, content type, body)."""

from __future__ import annotations

import pytest
import schemathesis
from django.conf import settings as settings_module
from django.contrib.auth.models import Permission
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.helpers import api_token, bearer, file_request, staff_member

# The schema the portal serves is docs/openapi.yaml (test_api_schema.py fails when they
# differ); the cases are sent to the portal itself, in this process.
# What is checked: no 5xx, and every answer's status, content type, headers and body as the
# schema says. Not checked, on purpose: that input the schema calls wrong is refused (an empty
# query parameter, `?due_before=`, and a JSON null count as left out, as in the portal's
# forms), and that input the schema calls right is taken (the schema cannot say what the
# forms also refuse: control characters in a text, a cursor not taken from a page's link).
NOT_CHECKED = [
    schemathesis.checks.negative_data_rejection,
    schemathesis.checks.positive_data_acceptance,
]
schema = schemathesis.openapi.from_path(settings_module.BASE_DIR / "docs" / "openapi.yaml")


class Portal:
    """The portal as a WSGI application, made at its first request: inside a test, so that
    its middleware reads the tests' settings (no HTTPS redirect, no rate limit to speak of)."""

    handler = None

    def __call__(self, environ: dict, start_response: object) -> object:
        if Portal.handler is None:
            Portal.handler = get_wsgi_application()
        return Portal.handler(environ, start_response)


schema.app = Portal()


@pytest.fixture
def portal(portal_settings, db):
    """The portal as a WSGI application. As Django's test client does, the handler leaves the
    connection open after a request: the portal's requests run in the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schema.app
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def officer_token(db) -> str:
    """An officer's token, and a confirmed request for the operations to find."""
    may = ["view_privacyrequest", "change_privacyrequest"]
    officer = staff_member("officer", list(Permission.objects.filter(codename__in=may)))
    file_request()._confirm_email()
    return api_token(officer)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_schema_says(case, portal, officer_token):
    headers = {"Authorization": bearer(officer_token)["HTTP_AUTHORIZATION"]}
    case.call_and_validate(app=portal, headers=headers, excluded_checks=NOT_CHECKED)
