"""The public POSTs' rate limit, counted in the cache: in Redis when configured, else locmem."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from requests_app import ratelimit

REDIS_URL = os.environ.get("REDIS_URL", "")
TEST_REDIS_DB = 15


@pytest.fixture(params=["redis", "locmem"])
def store(request, settings):
    """The default cache on Redis (a db of its own) or in memory, as settings choose."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("REDIS_URL is not set")
        location = f"{REDIS_URL.rsplit('/', 1)[0]}/{TEST_REDIS_DB}"
        settings.CACHES = {
            "default": {
                "BACKEND": ratelimit.REDIS_CACHE,
                "LOCATION": location,
                "KEY_PREFIX": "ratelimit-tests",
            }
        }
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ratelimit.redis_client.cache_clear()
    cache.clear()
    yield request.param
    cache.clear()
    ratelimit.redis_client.cache_clear()


def test_the_hits_over_the_limit_are_refused(store):
    answers = [ratelimit.allow("intake", "192.0.2.7", 3, 600) for _ in range(5)]

    assert answers == [True, True, True, False, False]


def test_each_address_and_each_scope_has_its_own_count(store):
    for _ in range(3):
        ratelimit.allow("intake", "192.0.2.7", 3, 600)

    assert ratelimit.allow("intake", "192.0.2.8", 3, 600) is True
    assert ratelimit.allow("lost_link", "192.0.2.7", 3, 600) is True
    assert ratelimit.allow("intake", "192.0.2.7", 3, 600) is False


def test_a_new_window_starts_a_new_count(store, time_machine):
    time_machine.move_to("2026-11-26 12:00:00+00:00", tick=False)
    for _ in range(3):
        ratelimit.allow("intake", "192.0.2.7", 3, 600)

    time_machine.move_to("2026-11-26 12:10:00+00:00", tick=False)

    assert ratelimit.allow("intake", "192.0.2.7", 3, 600) is True


def test_the_counter_lives_in_the_cache_and_expires_after_its_window(store):
    ratelimit.count_hit("ratelimit:probe", timeout=605)
    count = ratelimit.count_hit("ratelimit:probe", timeout=605)

    assert count == 2
    assert cache.get("ratelimit:probe") == 2
    if store == "redis":
        key = cache.make_and_validate_key("ratelimit:probe")
        assert 600 <= ratelimit.redis_client().ttl(key) <= 605


def test_an_unreachable_store_lets_people_file(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": ratelimit.REDIS_CACHE,
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        }
    }
    ratelimit.redis_client.cache_clear()
    try:
        assert ratelimit.allow("intake", "192.0.2.7", 0, 600) is True
    finally:
        ratelimit.redis_client.cache_clear()

    assert "rate limit store unavailable" in caplog.text
