"""The project's settings plus the benchmark's floor view: same middleware, same environment."""

import os
from pathlib import Path

from privacyportal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# collectstatic writes here rather than into the checkout (bench/intake.py: a temporary dir).
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
