"""Fixed-window rate limits on public POSTs, counted in the cache (Redis when configured).

Limits per client count by `core.clients.client_address`, as the staff lockout does. How many
hits a form takes is a setting where an operator may need to loosen it (INTAKE_RATE_LIMIT,
LOST_LINK_RATE_LIMIT, MESSAGE_RATE_LIMIT); the windows and the limits per client of the
lost-link and message forms are fixed below.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time

import redis
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from core.clients import client_address

logger = logging.getLogger(__name__)

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
# Caches that live inside one process (or count nothing): with one per web process, every
# process lets the whole limit through.
UNSHARED_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}

# Seconds. Ten minutes for filings: a script is stopped within minutes, and a person who
# files a handful of requests at once can go on shortly after.
INTAKE_WINDOW = 600
# An hour for lost links: a link arrives within minutes, so asking again sooner gives nothing.
LOST_LINK_WINDOW = 3600
# Lost-link forms per client address and hour, whatever addresses they name: enough for a
# household or an office behind one address, too few to make the portal mail a list.
LOST_LINK_CLIENT_LIMIT = 10
# An hour for messages: a conversation is a few messages, not one a minute.
MESSAGE_WINDOW = 3600
# Messages per client address and hour over all its requests: three requests' worth of
# MESSAGE_RATE_LIMIT (its default), so that a few people behind one address are not stopped.
MESSAGE_CLIENT_LIMIT = 30


def allow(scope: str, ident: str, limit: int, window: int) -> bool:
    """Count one hit for `ident`; False once it had `limit` hits in this window."""
    bucket = int(time.time() // window)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{bucket}"
    try:
        count = count_hit(key, timeout=window + 5)
    except Exception:
        # A cache outage must not stop people from filing: fail open, loudly.
        logger.warning("rate limit store unavailable, %s not limited", scope, exc_info=True)
        return True
    return count <= limit


def allow_client(request: HttpRequest, scope: str, limit: int, window: int) -> bool:
    """Count one hit for the client's address (`client_address`) in `scope`."""
    return allow(scope, client_address(request) or "", limit, window)


def count_hit(key: str, timeout: int) -> int:
    """Add one to the counter `key` of the cache, created with `timeout`; the new count."""
    client = redis_client()
    if client is None:
        return count_hit_in_cache(key, timeout)
    # One round trip: create the counter with its expiry if new, then count the hit. The
    # cache's own add + incr would take three, each with a client object of its own.
    full_key = cache.make_and_validate_key(key)
    pipeline = client.pipeline(transaction=False)
    pipeline.set(full_key, 0, ex=timeout, nx=True)
    pipeline.incr(full_key)
    _created, count = pipeline.execute()
    return count


def count_hit_in_cache(key: str, timeout: int) -> int:
    try:
        cache.add(key, 0, timeout=timeout)
        return cache.incr(key)
    except ValueError:
        # The key expired between add and incr: this is the first hit of a new window.
        cache.set(key, 1, timeout=timeout)
        return 1


def counted_in_one_place() -> bool:
    """Whether every process counts the hits in the same store (the configuration, not
    whether the store can be reached now)."""
    return settings.CACHES["default"]["BACKEND"] not in UNSHARED_CACHES


@functools.cache
def redis_client() -> redis.Redis | None:
    """One client (and connection pool) per process for the cache's Redis, if it is one."""
    config = settings.CACHES["default"]
    if config["BACKEND"] != REDIS_CACHE:
        return None
    return redis.Redis.from_url(config["LOCATION"])
