"""`manage.py preflight`, which `make serve` runs first: Django's deploy checks, as a refusal.

tests/test_production.py pins the refusals PORTAL.md names (SECRET_KEY, REDIS_URL).
"""

import os
import secrets
import subprocess
import sys

from django.conf import settings

# Never reached: the checks read the configuration.
SHARED_CACHE = "redis://redis.invalid:6379/0"


def preflight(**env: str) -> subprocess.CompletedProcess:
    base = {name: value for name, value in os.environ.items() if name != "SECRET_KEY"}
    production = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "privacy.example.com",
        "REDIS_URL": SHARED_CACHE,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "preflight"],
        cwd=settings.BASE_DIR,
        env={**base, **production, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_preflight_refuses_whatever_check_deploy_warns_of_and_names_it():
    result = preflight(SECRET_KEY_FALLBACKS="old-and-short")

    assert result.returncode != 0
    assert "security.W025" in result.stderr
    assert "SECRET_KEY_FALLBACKS" in result.stderr


def test_preflight_says_the_secret_key_is_the_local_default_and_how_to_make_one():
    result = preflight(SECRET_KEY=settings.INSECURE_SECRET_KEY)

    assert result.returncode != 0
    assert "privacyportal.W002" in result.stderr
    assert "SECRET_KEY is missing or the local default" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr


def test_preflight_lets_a_local_run_with_debug_on_through_unchecked():
    result = preflight(DEBUG="true", SECRET_KEY="", REDIS_URL="")

    assert result.returncode == 0, result.stderr
    assert "a local run" in result.stdout
