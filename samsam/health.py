"""/healthz: is the database reachable, and Redis when one is configured."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from redis import Redis
from redis.exceptions import RedisError

from ads.escalation.selectors import heartbeat_age


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _redis_ok() -> bool | None:
    if not settings.REDIS_URL:
        return None
    try:
        return bool(Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping())
    except RedisError:
        return False


def _heartbeat_age_seconds() -> int | None:
    """How long ago the Celery canary beat: reported, not judged, so the web server
    stays healthy while the workers are down (and the number shows that they are)."""
    try:
        age = heartbeat_age(name="celery")
    except DatabaseError:
        return None
    return None if age is None else int(age.total_seconds())


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    healthy = all(value is not False for value in checks.values())
    body = {"status": "ok" if healthy else "error", **checks, "heartbeat_age_seconds": _heartbeat_age_seconds()}
    return JsonResponse(body, status=200 if healthy else 503)
