"""Limits on abuse: at the limit, one over (429 + Retry-After), and after the window."""

import time

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from accounts import limits
from accounts.limits import RateLimited
from tests import factories

WRONG = "not-the-password-123"


def _login(email: str, password: str = WRONG, address: str = "192.0.2.1"):
    request = RequestFactory().post("/account/login/", REMOTE_ADDR=address)
    return authenticate(request, email=email, password=password)


@pytest.fixture
def resident(db):
    return factories.UserFactory(email="anna@example.org")


def test_five_failed_logins_per_account_then_429(limiter, resident) -> None:
    for _attempt in range(limits.LOGIN_PER_ACCOUNT.limit):
        assert _login(resident.email) is None
    with pytest.raises(RateLimited) as refused:
        _login(resident.email)
    assert 30 * 60 - 5 <= refused.value.retry_after <= 30 * 60 + 1
    # Over the limit even the right password is not checked.
    with pytest.raises(RateLimited):
        _login(resident.email, factories.PASSWORD)


def test_account_limit_is_per_account_and_ignores_case(limiter, resident) -> None:
    other = factories.UserFactory(email="bram@example.org")
    for _attempt in range(5):
        _login("ANNA@example.org ", address=f"192.0.2.{_attempt}")
    with pytest.raises(RateLimited):
        _login(resident.email, address="198.51.100.7")
    assert _login(other.email, factories.PASSWORD) == other


def test_successful_logins_do_not_use_up_the_allowance(limiter, resident) -> None:
    for _attempt in range(10):
        assert _login(resident.email, factories.PASSWORD) == resident
    for _attempt in range(5):
        assert _login(resident.email) is None
    with pytest.raises(RateLimited):
        _login(resident.email)


def test_unknown_emails_are_limited_like_known_ones(limiter, db) -> None:
    for _attempt in range(5):
        assert _login("nobody@example.org") is None
    with pytest.raises(RateLimited):
        _login("nobody@example.org")


def test_twenty_five_failed_logins_per_address_then_429(limiter, db) -> None:
    for number in range(limits.LOGIN_PER_ADDRESS.limit):
        assert _login(f"guess{number}@example.org", address="203.0.113.9") is None
    with pytest.raises(RateLimited) as refused:
        _login("guess-last@example.org", address="203.0.113.9")
    assert 5 * 60 - 5 <= refused.value.retry_after <= 5 * 60 + 1
    assert _login("guess-last@example.org", address="203.0.113.10") is None


def test_two_password_resets_per_email_then_429(limiter, db) -> None:
    limits.password_reset_check(email="anna@example.org")
    limits.password_reset_check(email="Anna@Example.org")
    with pytest.raises(RateLimited) as refused:
        limits.password_reset_check(email="anna@example.org")
    assert 60 * 60 - 5 <= refused.value.retry_after <= 60 * 60 + 1
    limits.password_reset_check(email="bram@example.org")


@pytest.mark.redis
def test_login_allowed_again_after_the_window(redis_limiter, resident, settings) -> None:
    for _attempt in range(5):
        _login(resident.email)
    with pytest.raises(RateLimited):
        _login(resident.email)
    # End the window in Redis itself: the real TTL runs out.
    for key in redis_limiter.scan_iter(f"{settings.LIMITS_KEY_PREFIX}:login-*"):
        redis_limiter.pexpire(key, 1)
    time.sleep(0.05)
    assert _login(resident.email, factories.PASSWORD) == resident
    assert _login(resident.email) is None


@pytest.mark.redis
def test_password_reset_allowed_again_after_the_window(redis_limiter, db, settings) -> None:
    limits.password_reset_check(email="anna@example.org")
    limits.password_reset_check(email="anna@example.org")
    with pytest.raises(RateLimited):
        limits.password_reset_check(email="anna@example.org")
    [key] = list(redis_limiter.scan_iter(f"{settings.LIMITS_KEY_PREFIX}:reset-email:*"))
    assert "anna" not in key.decode()  # the key holds a hash, not the address
    redis_limiter.pexpire(key, 1)
    time.sleep(0.05)
    limits.password_reset_check(email="anna@example.org")


@pytest.mark.redis
def test_the_window_is_fixed_by_the_first_failure(redis_limiter, resident, settings) -> None:
    _login(resident.email)
    [key] = list(redis_limiter.scan_iter(f"{settings.LIMITS_KEY_PREFIX}:login-account:*"))
    redis_limiter.expire(key, 10)
    for _attempt in range(4):
        _login(resident.email)
    # Further failures do not push the end of the window out.
    assert redis_limiter.ttl(key) <= 10
    with pytest.raises(RateLimited) as refused:
        _login(resident.email)
    assert refused.value.retry_after <= 10


def test_client_address_trusts_forwarded_for_only_when_told(settings) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.LIMITS_TRUST_X_FORWARDED_FOR = False
    assert limits.client_address(request) == "10.0.0.1"
    settings.LIMITS_TRUST_X_FORWARDED_FOR = True
    # The last entry is the one the proxy added; the first was typed by the client.
    assert limits.client_address(request) == "203.0.113.5"
    assert limits.client_address(None) is None
