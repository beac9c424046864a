"""System checks `manage.py check --deploy` runs."""

from __future__ import annotations

from typing import Any

from django.core.checks import Tags, Warning, register

from requests_app import ratelimit


@register(Tags.security, Tags.caches, deploy=True)
def check_rate_limit_store(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if ratelimit.counted_in_one_place():
        return []
    return [
        Warning(
            "The rate limits count in a cache of each process's own: every web process "
            "lets the whole limit through.",
            hint="Set REDIS_URL to a Redis every process shares (redis://host:6379/0).",
            id="privacyportal.W001",
        )
    ]
