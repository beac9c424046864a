"""Shared fixtures. Under CI=true a skipped test fails the run: no test hides behind a service."""

from __future__ import annotations

import importlib
import io
import logging
import os
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Permission
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.logs import HookHandler
from privacyportal.celery import app as celery_app
from requests_app import ratelimit, report, services
from requests_app.models import AccessLink, PrivacyRequest
from tests.helpers import (
    ERROR_RECORDS,
    VALID_FILING,
    file_request,
    last_email,
    link_in,
    past_second_factor,
    staff_member,
)

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config):
    """The SQLite test database is a file under var/, which a fresh clone does not have yet."""
    from django.conf import settings

    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if test_name:
        Path(test_name).parent.mkdir(parents=True, exist_ok=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which counts as a failure: {report.longrepr}"


# The rows data migrations write, in their order (each function is idempotent; the flush's
# post_migrate has made the permissions again).
MIGRATION_SEEDS = [
    ("requests_app.migrations.0003_seed_systems_and_groups", "seed_systems"),
    ("requests_app.migrations.0003_seed_systems_and_groups", "seed_groups"),
    ("disputes_app.migrations.0002_seed_recourse_bodies", "seed"),
    ("disputes_app.migrations.0003_staff_permissions", "grant_dispute_permissions"),
    ("disputes_app.migrations.0004_seed_gibraltar_authority", "seed"),
]


@pytest.fixture(autouse=True)
def migration_seeds(request) -> None:
    """A transactional test ends with a flush, which also takes away the systems, staff groups
    and recourse bodies the data migrations wrote; every transactional test gets them back.
    (serialized_rollback would restore them too, but fails with an IntegrityError on
    content types after a transactional test without it.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    for module, function in MIGRATION_SEEDS:
        getattr(importlib.import_module(module), function)(django_apps, None)


@pytest.fixture(autouse=True)
def portal_settings(settings, tmp_path, monkeypatch):
    """Plain HTTP test client, generous rate limits, tasks run in-process."""
    settings.SECURE_SSL_REDIRECT = False
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    # Hashed static names need collectstatic first; tests/test_production.py covers them.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.INTAKE_RATE_LIMIT = 1000
    settings.LOST_LINK_RATE_LIMIT = 1000
    monkeypatch.setattr(ratelimit, "LOST_LINK_CLIENT_LIMIT", 1000)
    settings.MESSAGE_RATE_LIMIT = 1000
    monkeypatch.setattr(ratelimit, "MESSAGE_CLIENT_LIMIT", 1000)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    # Figures counted by an earlier test are not this one's.
    report.forget()
    yield settings
    celery_app.conf.task_always_eager = eager
    # A page in another language leaves that language active in this thread (LocaleMiddleware
    # activates it and nothing deactivates it): the next test would read German labels.
    translation.deactivate()


@pytest.fixture
def admin_client(client, admin_user):
    """A superuser past both factors: password and a TOTP device."""
    client.force_login(admin_user)
    device = TOTPDevice.objects.create(user=admin_user, name="tests", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def view_only_client(client, db):
    """A staff member past both factors who may look at everything and change nothing."""
    views = Permission.objects.filter(codename__startswith="view_")
    return past_second_factor(client, staff_member("viewer", list(views)))


@pytest.fixture
def unpermitted_client(client, db):
    """A staff member past both factors without a single permission."""
    return past_second_factor(client, staff_member("unpermitted", []))


@pytest.fixture
def filing() -> dict[str, str]:
    return dict(VALID_FILING)


@pytest.fixture
def unconfirmed(db) -> PrivacyRequest:
    return file_request()


@pytest.fixture
def verify_token(unconfirmed) -> str:
    return link_in(last_email("confirm_address"), "verify")


@pytest.fixture
def status_token(verify_token) -> str:
    return services.confirm_email(AccessLink.find(verify_token, AccessLink.Purpose.VERIFY))


@pytest.fixture
def console_log():
    """What the console handler of LOGGING writes, with its own formatter and filters."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.fixture
def error_hook(settings):
    """The records ERROR_HOOK receives, through the handler LOGGING gives it."""
    settings.ERROR_HOOK = "tests.helpers.remember_error"
    handler = HookHandler(level=logging.ERROR)
    root = logging.getLogger()
    root.addHandler(handler)
    ERROR_RECORDS.clear()
    yield ERROR_RECORDS
    root.removeHandler(handler)
    ERROR_RECORDS.clear()
