"""Live pushes over websockets: a hint that something changed, never the content.

Every event is {"type": ..., "cursor": ...} plus ids; the client fetches the rest over
the API, so a lost push costs a delay, never data. publish() sends once the
transaction has committed, through a long-lived connection (see docs/live.md):

- "redis": one PUBLISH on settings.LIVE_REDIS_CHANNEL from a pooled redis-py client;
  each ASGI process subscribes once and hands events to its own websockets (live_hub).
- "local": the embedded default, one process: straight to this process's websockets.
- "channels": group_send on the channel layer from a background event loop; only kept
  so that bench/live.py can compare it.
"""

import asyncio
import functools
import logging
import threading
from concurrent.futures import Future

import orjson
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.retry import Retry

from notifications import live_hub
from notifications.live_events import Envelope, LiveEvent

logger = logging.getLogger(__name__)


def publish(group: str, event: LiveEvent) -> None:
    """Send `event` to everyone listening on `group`, once the current transaction commits.

    Never raises for a transport problem: the database is the record and clients resync."""
    transaction.on_commit(functools.partial(_send, group, dict(event)), robust=True)


def _send(group: str, event: LiveEvent) -> None:
    if settings.LIVE_TRANSPORT == "redis":
        _redis_publish(group, event)
    elif settings.LIVE_TRANSPORT == "local":
        live_hub.deliver_threadsafe(group, event)
    else:
        _layer_send(group, event)


@functools.cache
def _redis(url: str) -> Redis:
    # One pool per process, made on first use (after gunicorn forks). Short timeouts:
    # a push is a hint, and a Redis that is down must not hold up the request.
    return Redis.from_url(
        url,
        socket_timeout=0.5,
        socket_connect_timeout=0.5,
        retry=Retry(NoBackoff(), 1),
        retry_on_error=[RedisConnectionError],
    )


def _redis_publish(group: str, event: LiveEvent) -> None:
    envelope: Envelope = {"group": group, "event": event}
    try:
        _redis(settings.REDIS_URL).publish(settings.LIVE_REDIS_CHANNEL, orjson.dumps(envelope))
    except RedisError as error:
        logger.warning("live: push %s to %s not sent (%s); clients catch up on resync", event["type"], group, error)


_loop_lock = threading.Lock()
_publisher_loop: asyncio.AbstractEventLoop | None = None


def _layer_loop() -> asyncio.AbstractEventLoop:
    # A per-call async_to_sync(group_send) builds a loop and a Redis connection each
    # time (4-6 ms); one loop in a daemon thread keeps the layer's connections open.
    global _publisher_loop
    with _loop_lock:
        if _publisher_loop is None:
            _publisher_loop = asyncio.new_event_loop()
            threading.Thread(target=_publisher_loop.run_forever, name="live-publisher", daemon=True).start()
    return _publisher_loop


def _layer_send(group: str, event: LiveEvent) -> None:
    message = {"type": "live.event", "event": event}
    future = asyncio.run_coroutine_threadsafe(get_channel_layer().group_send(group, message), _layer_loop())
    future.add_done_callback(functools.partial(_log_failure, group))


def _log_failure(group: str, future: Future) -> None:
    if future.exception() is not None:
        logger.warning("live: push to %s not sent (%r)", group, future.exception())
