import pytest
import redis
from django.core.cache import caches
from django.utils import translation

from accounts.models import Postcode
from tests import factories

NOORD_POSTCODE = "3511 AB"


@pytest.fixture(autouse=True)
def _fresh_login_limits(settings) -> None:
    """Failed logins are counted per address (127.0.0.1 for every test client) and
    outlive a test in Redis or the cache; start each test with no count, so that the
    tests here do not use up each other's allowance. The limiter itself stays real."""
    url = getattr(settings, "LIMITS_REDIS_URL", "")
    if url:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter("limits:*"):
            client.delete(key)
    else:
        caches[getattr(settings, "LIMITS_CACHE", "default")].clear()


@pytest.fixture(autouse=True)
def _english():
    # Assert on the English texts (page clients ask for English with a cookie, see client_for).
    with translation.override("en"):
        yield


@pytest.fixture
def noord_postcode(cast) -> Postcode:
    """A PC4 area of Noord, so that a sign-up with NOORD_POSTCODE lands there."""
    return factories.PostcodeFactory(neighbourhood=cast.noord, digits=NOORD_POSTCODE[:4])
