"""/healthz: is the database reachable, and Redis when one is configured."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from redis import Redis
from redis.exceptions import RedisError


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


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    healthy = all(value is not False for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
