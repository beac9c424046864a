"""Fixed-window rate limits on public POSTs, counted in the cache (Redis when configured)."""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def allow(scope: str, ident: str, limit: int, window: int) -> bool:
    """Count one hit for `ident`; False once it had `limit` hits in this window."""
    bucket = int(time.time() // window)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{bucket}"
    try:
        cache.add(key, 0, timeout=window + 5)
        count = cache.incr(key)
    except ValueError:
        # The key expired between add and incr: this is the first hit of a new window.
        cache.set(key, 1, timeout=window + 5)
        count = 1
    except Exception:
        # A cache outage must not stop people from filing: fail open, loudly.
        logger.warning("rate limit store unavailable, %s not limited", scope, exc_info=True)
        return True
    return count <= limit
