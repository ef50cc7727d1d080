"""The limits as people and API clients meet them: 429 + Retry-After with a clear
message; 20 concurrent guesses reach the password check at most 5 times; with the
limiter's Redis down, login is refused clearly (503, never 500) and reading works."""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from accounts import limits
from tests import factories
from tests.conftest import api_as
from tests.security.conftest import CLOSED_PORT_REDIS
from tests.security.hashers import CountingMD5Hasher

WRONG = "not-the-password-123"
LOGIN = "/account/inloggen/"
TOKEN = "/api/v1/auth/token/"


def test_login_page_answers_429_with_retry_after(limiter, cast, client) -> None:
    for _attempt in range(5):
        response = client.post(LOGIN, {"email": cast.author.email, "password": WRONG})
        assert response.status_code == 400
    response = client.post(LOGIN, {"email": cast.author.email, "password": WRONG})
    assert response.status_code == 429
    assert 1700 <= int(response["Retry-After"]) <= 1801
    assert "Too many failed attempts" in response.content.decode() or "te vaak" in response.content.decode()


def test_token_endpoint_answers_429_with_retry_after(limiter, cast) -> None:
    api = api_as(None)
    for _attempt in range(5):
        assert api.post(TOKEN, {"email": cast.author.email, "password": WRONG}, format="json").status_code == 400
    response = api.post(TOKEN, {"email": cast.author.email, "password": factories.PASSWORD}, format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0 and response.json()["detail"]


def test_password_reset_page_answers_429_on_the_third_request(limiter, cast, client) -> None:
    url = reverse("accounts:password_reset")
    for _attempt in range(2):
        assert client.post(url, {"email": cast.author.email}).status_code == 302
    response = client.post(url, {"email": cast.author.email})
    assert response.status_code == 429 and 3500 <= int(response["Retry-After"]) <= 3601


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.security.hashers.CountingMD5Hasher"]
    CountingMD5Hasher.checks = 0
    return CountingMD5Hasher


def _concurrent_logins(email: str, count: int) -> list[int]:
    statuses: list[int] = []
    barrier = threading.Barrier(count)

    def attempt(number: int) -> None:
        client = Client(REMOTE_ADDR=f"198.51.100.{number}")
        barrier.wait()
        try:
            statuses.append(client.post(LOGIN, {"email": email, "password": WRONG}).status_code)
        finally:
            connections.close_all()  # this thread's own connection, so the test database can go

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_failed_logins_reach_the_password_check_at_most_five_times(
    redis_limiter, counting_hasher
) -> None:
    user = factories.UserFactory(email="target@example.org")
    counting_hasher.checks = 0
    statuses = _concurrent_logins(user.email, 20)
    assert sorted(set(statuses)) == [400, 429]
    assert statuses.count(429) == 15
    assert counting_hasher.checks <= 5
    assert counting_hasher.checks == statuses.count(400)


def test_limiter_down_login_fails_closed_with_a_clear_message(limiter_down, cast, client) -> None:
    response = client.post(LOGIN, {"email": cast.author.email, "password": factories.PASSWORD})
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "technical problem" in response.content.decode() or "technisch" in response.content.decode()
    assert "_auth_user_id" not in client.session
    api = api_as(None).post(TOKEN, {"email": cast.author.email, "password": factories.PASSWORD}, format="json")
    assert api.status_code == 503 and api.json()["detail"]


def test_limiter_down_reading_keeps_working(limiter_down, cast, client, settings) -> None:
    # The cache on the same dead Redis too: reading must not depend on it.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT_REDIS},
    }
    client.force_login(cast.author)
    for path in ("/", f"/advertenties/{cast.ad.pk}/", "/buurt/noord/", "/account/profiel/"):
        assert client.get(path, follow=True).status_code == 200, path
    assert api_as(cast.author).get(f"/api/v1/ads/{cast.ad.pk}/").status_code == 200
    with pytest.raises(limits.LimiterUnavailable):
        limits.password_reset_check(email=cast.author.email)
