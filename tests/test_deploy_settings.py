"""Production settings: `check --deploy` is clean once the operator sets the secrets."""

import os
import secrets
import subprocess
import sys

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
