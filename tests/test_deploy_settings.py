"""Production settings: `check --deploy` is clean once the operator sets the secrets."""

import os
import secrets
import subprocess
import sys

from django.conf import settings


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
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_about_the_default_secret_key():
    result = run_check(DEBUG="false", ALLOWED_HOSTS="privacy.example.com")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
