"""The project's settings plus the benchmark's floor view: same middleware, same environment."""

from privacyportal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
