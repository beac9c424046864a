"""Production settings: `check --deploy` is clean once the operator sets the secrets."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

UNREACHABLE_REDIS = "redis://redis.invalid:6379/0"


def run_check(**env: str) -> subprocess.CompletedProcess:
    base = {name: value for name, value in os.environ.items() if name != "SECRET_KEY"}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_reports_nothing_with_debug_off_and_real_secrets():
    result = run_check(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="privacy.example.com",
        # Never reached: the check reads the configuration.
        REDIS_URL=UNREACHABLE_REDIS,
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_no_shared_cache_counts_the_rate_limits():
    result = run_check(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="privacy.example.com",
        REDIS_URL="",
    )

    assert result.returncode != 0
    assert "privacyportal.W001" in result.stderr
    assert "REDIS_URL" in result.stderr


def test_check_deploy_complains_about_the_default_secret_key():
    result = run_check(DEBUG="false", ALLOWED_HOSTS="privacy.example.com")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_takes_the_operators_word_that_the_proxy_redirects_and_sends_hsts():
    result = run_check(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="privacy.example.com",
        REDIS_URL=UNREACHABLE_REDIS,
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
    )

    assert result.returncode == 0, result.stderr


def in_a_fresh_process(code: str, **env: str) -> str:
    """What `code` prints, run after django.setup() in a new process with these variables."""
    base = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "DEBUG", "STAFF_SESSION_HOURS"}
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "privacyportal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


SET_LANGUAGE = """
from django.test import Client
response = Client().post("/i18n/setlang/", {"language": "de"}, secure=True)
print(response.status_code, bool(response.cookies["django_language"]["secure"]))
"""


@pytest.mark.parametrize(("debug", "secure"), [("false", True), ("true", False)])
def test_the_language_cookie_is_secure_with_debug_off(debug, secure):
    printed = in_a_fresh_process(SET_LANGUAGE, DEBUG=debug, ALLOWED_HOSTS="testserver")

    assert printed == f"302 {secure}"


def test_staff_sessions_last_eight_hours_unless_staff_session_hours_says_otherwise():
    code = "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"

    assert in_a_fresh_process(code) == str(8 * 3600)
    assert in_a_fresh_process(code, STAFF_SESSION_HOURS="2") == str(2 * 3600)


def test_postgresql_prepares_server_bound_statements_unless_a_pooler_says_otherwise():
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold'))"
    )
    postgres = "postgres://postgres@127.0.0.1:5432/privacyportal"

    assert in_a_fresh_process(code, DATABASE_URL=postgres) == "0"
    assert (
        in_a_fresh_process(code, DATABASE_URL=postgres, DATABASE_PREPARED_STATEMENTS="false")
        == "None"
    )
