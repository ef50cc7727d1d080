"""Limits on abuse at the door: failed logins, password resets and confirmation emails,
counted in fixed windows.

These rules live here and nowhere else. What a new account may post on its first day
counts ads and replies, so that limit lives with them (ads/moderation/rules.py) and
raises this module's RateLimited, answered the same way (429 with Retry-After).

A counter is raised BEFORE the expensive or dangerous step (the password check, the
reset email) in one atomic step, so twenty concurrent guesses cannot all slip past a
check that reads first and counts later.
A successful login gives its count back: only failures use up the allowance.

With REDIS_URL (or LIMITS_REDIS_URL) the counters live in Redis: INCR, EXPIRE NX and
TTL in one MULTI. When that Redis cannot be reached the limiter fails closed: callers
get LimiterUnavailable, never a silent pass. The embedded default (no Redis) counts
in Django's cache (LIMITS_CACHE), whose incr is atomic within the one process.

Keys hold a hash of the email or address, never the address itself.
"""

import contextlib
import hashlib
import time
from dataclasses import dataclass
from functools import lru_cache

import redis
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window: int  # seconds


LOGIN_PER_ACCOUNT = Rule("login-account", 5, 30 * 60)
LOGIN_PER_ADDRESS = Rule("login-address", 25, 5 * 60)
PASSWORD_RESET_PER_EMAIL = Rule("reset-email", 2, 60 * 60)
CONFIRMATION_RESEND_PER_ACCOUNT = Rule("confirm-resend", 3, 60 * 60)

REDIS_TIMEOUT_SECONDS = 0.5


class RateLimited(Exception):
    """Too many attempts: answer 429 with Retry-After."""

    def __init__(self, retry_after: int, message: str) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
        self.message = message


class LimiterUnavailable(Exception):
    """The counters cannot be reached: the guarded action is refused (fail closed)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message or str(_("This is not possible right now. Please try again in a few minutes."))


@dataclass(frozen=True)
class Hit:
    key: str
    count: int
    retry_after: int


def _key(rule: Rule, identity: str) -> str:
    digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
    return f"{settings.LIMITS_KEY_PREFIX}:{rule.name}:{digest}"


@lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )


def _redis_url() -> str:
    return getattr(settings, "LIMITS_REDIS_URL", "") or ""


def _hit_redis(url: str, pairs: list[tuple[Rule, str]]) -> list[Hit]:
    pipe = _redis_client(url).pipeline(transaction=True)
    for rule, key in pairs:
        pipe.incr(key)
        pipe.expire(key, rule.window, nx=True)
        pipe.ttl(key)
    try:
        results = pipe.execute()
    except redis.RedisError as error:
        raise LimiterUnavailable() from error
    hits = []
    for index, (rule, key) in enumerate(pairs):
        count, _set, ttl = results[3 * index : 3 * index + 3]
        hits.append(Hit(key, int(count), ttl if ttl > 0 else rule.window))
    return hits


def _hit_cache(pairs: list[tuple[Rule, str]]) -> list[Hit]:
    cache = caches[settings.LIMITS_CACHE]
    hits = []
    for rule, key in pairs:
        now = time.time()
        # add() is a no-op when the window already runs: the first hit fixes its end.
        cache.add(f"{key}:ends", now + rule.window, rule.window)
        cache.add(key, 0, rule.window)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add and incr
            cache.set(key, 1, rule.window)
            count = 1
        ends = cache.get(f"{key}:ends") or now + rule.window
        hits.append(Hit(key, count, int(ends - now) + 1))
    return hits


def _hit(pairs: list[tuple[Rule, str]]) -> list[Hit]:
    url = _redis_url()
    return _hit_redis(url, pairs) if url else _hit_cache(pairs)


def _give_back(keys: list[str]) -> None:
    url = _redis_url()
    if url:
        try:
            client = _redis_client(url)
            for key in keys:
                # Only while the window still runs: DECR on a gone key would create one without a TTL.
                client.eval("if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DECR', KEYS[1]) end", 1, key)
        except redis.RedisError:
            pass  # a success was already decided; a count left over only errs on the safe side
        return
    cache = caches[settings.LIMITS_CACHE]
    for key in keys:
        with contextlib.suppress(ValueError):  # the window ended meanwhile
            cache.decr(key)


def _refuse_if_over(pairs: list[tuple[Rule, str]], hits: list[Hit], message: str) -> None:
    over = [hit for (rule, _key), hit in zip(pairs, hits, strict=True) if hit.count > rule.limit]
    if over:
        raise RateLimited(max(hit.retry_after for hit in over), message)


@dataclass(frozen=True)
class LoginAttempt:
    keys: tuple[str, ...]


def client_address(request: HttpRequest | None) -> str | None:
    """The caller's IP address. Behind a trusted reverse proxy (LIMITS_TRUST_X_FORWARDED_FOR)
    the last X-Forwarded-For entry is the one the proxy saw; anything before it is typed by
    the client and cannot be trusted."""
    if request is None:
        return None
    if settings.LIMITS_TRUST_X_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None


def login_attempt_begin(*, email: str, address: str | None) -> LoginAttempt:
    """Count one login attempt for this account and address before the password is checked.

    Raises RateLimited when either allowance is used up, LimiterUnavailable when the counters
    cannot be reached."""
    pairs = [(LOGIN_PER_ACCOUNT, _key(LOGIN_PER_ACCOUNT, email))]
    if address:
        pairs.append((LOGIN_PER_ADDRESS, _key(LOGIN_PER_ADDRESS, address)))
    try:
        hits = _hit(pairs)
    except LimiterUnavailable:
        raise LimiterUnavailable(
            str(_("Logging in is not possible right now because of a technical problem. Please try again later."))
        ) from None
    _refuse_if_over(pairs, hits, str(_("Too many failed attempts to log in. Please wait a while and try again.")))
    return LoginAttempt(tuple(key for _rule, key in pairs))


def login_attempt_succeeded(attempt: LoginAttempt) -> None:
    """The password was right: this attempt does not count as a failure."""
    _give_back(list(attempt.keys))


def _count_email(rule: Rule, identity: str, message: str) -> None:
    pairs = [(rule, _key(rule, identity))]
    _refuse_if_over(pairs, _hit(pairs), message)


def password_reset_check(*, email: str) -> None:
    """Count a password reset request for this email; raise RateLimited past the allowance."""
    message = str(_("You asked for too many password reset emails. Please wait and try again."))
    _count_email(PASSWORD_RESET_PER_EMAIL, email, message)


def confirmation_resend_check(*, user_id: int) -> None:
    """Count a new confirmation email for this account; raise RateLimited past the allowance."""
    message = str(_("You asked for too many confirmation emails. Please wait and try again."))
    _count_email(CONFIRMATION_RESEND_PER_ACCOUNT, f"user:{user_id}", message)
