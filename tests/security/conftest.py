import pytest
import redis
from django.core.cache import caches

from accounts import limits
from tests.conftest import _unavailable

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


def _flush_limit_keys(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def _use_redis(settings) -> redis.Redis:
    if not settings.REDIS_URL:
        _unavailable("needs Redis (set REDIS_URL)")
    settings.LIMITS_REDIS_URL = settings.REDIS_URL
    _flush_limit_keys(settings.REDIS_URL, settings.LIMITS_KEY_PREFIX)
    return redis.Redis.from_url(settings.REDIS_URL)


def _use_cache(settings) -> None:
    settings.LIMITS_REDIS_URL = ""
    settings.CACHES = {**settings.CACHES, "limits-test": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.LIMITS_CACHE = "limits-test"
    caches["limits-test"].clear()


@pytest.fixture(params=["redis", "cache"])
def limiter(request, settings):
    """Run a limits test against Redis and against the embedded (no Redis) cache counter."""
    if request.param == "redis":
        _use_redis(settings)
    else:
        _use_cache(settings)
    yield request.param
    if request.param == "redis":
        _flush_limit_keys(settings.REDIS_URL, settings.LIMITS_KEY_PREFIX)


@pytest.fixture
def redis_limiter(settings):
    client = _use_redis(settings)
    yield client
    _flush_limit_keys(settings.REDIS_URL, settings.LIMITS_KEY_PREFIX)


@pytest.fixture
def limiter_down(settings) -> None:
    """The limiter's Redis is a closed port: a real refused connection, not a mock."""
    settings.LIMITS_REDIS_URL = CLOSED_PORT_REDIS
    limits._redis_client.cache_clear()
