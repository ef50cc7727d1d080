"""The async half of live pushes: this process's websockets, by group.

One registry per ASGI process. With Redis, one subscriber task per process (started by
the first websocket) receives every published event and hands it to the group's room
here. A room asks once per event whether each of its users may still see it (one
permission call for the whole room, not one per socket), then fills their inboxes.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.conf import settings
from django.db import Error as DBError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from notifications.live_events import RESYNC, Delivery, LiveEvent

logger = logging.getLogger(__name__)

INBOX_SIZE = 100
READY_TIMEOUT = 2.0  # seconds a first websocket waits for Redis before going on without
RETRY_MIN, RETRY_MAX = 0.1, 5.0

# Given an event and the users listening, what each of them gets.
Check = Callable[[LiveEvent, frozenset[int]], Awaitable[dict[int, Delivery]]]


class Inbox:
    """What waits for one websocket, in order: events, or a Delivery telling it to close.
    One that falls too far behind gets a single resync and catches up over the API."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.queue: asyncio.Queue[LiveEvent | Delivery] = asyncio.Queue(maxsize=INBOX_SIZE)

    def put(self, item: LiveEvent | Delivery) -> None:
        if self.queue.full():
            while not self.queue.empty():
                self.queue.get_nowait()
            item = RESYNC
        self.queue.put_nowait(item)

    async def get(self) -> LiveEvent | Delivery:
        return await self.queue.get()


@dataclass(eq=False)
class Room:
    check: Check
    inboxes: set[Inbox] = field(default_factory=set)
    # Events of one group are checked and handed out in the order they came.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


_rooms: dict[str, Room] = {}
_tasks: set[asyncio.Task] = set()
_loop: asyncio.AbstractEventLoop | None = None
_listener: asyncio.Task | None = None
_ready: asyncio.Event | None = None


async def join(group: str, inbox: Inbox, check: Check) -> None:
    """Register a websocket's inbox; with Redis, first make sure this process listens."""
    global _loop
    _loop = asyncio.get_running_loop()
    if settings.LIVE_TRANSPORT == "redis":
        await _listening()
    _rooms.setdefault(group, Room(check)).inboxes.add(inbox)


def leave(group: str, inbox: Inbox) -> None:
    room = _rooms.get(group)
    if room is not None:
        room.inboxes.discard(inbox)
        if not room.inboxes:
            del _rooms[group]


def deliver(group: str, event: LiveEvent) -> None:
    """Hand an event to the group's room; call on the server's event loop."""
    room = _rooms.get(group)
    if room is not None:
        task = asyncio.get_running_loop().create_task(_hand_out(room, event))
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)


def deliver_threadsafe(group: str, event: LiveEvent) -> None:
    """From a sync view in the embedded single process: hand over to the server's loop."""
    loop = _loop
    if loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(deliver, group, event)


async def _hand_out(room: Room, event: LiveEvent) -> None:
    async with room.lock:
        inboxes = tuple(room.inboxes)
        try:
            deliveries = await room.check(event, frozenset(inbox.user_id for inbox in inboxes))
        except DBError:  # also InterfaceError (a broken connection), not only DatabaseError
            logger.exception("live: permission check failed; closing the room's websockets")
            deliveries = {inbox.user_id: Delivery.FAIL for inbox in inboxes}
        for inbox in inboxes:
            delivery = deliveries.get(inbox.user_id, Delivery.REVOKE)
            if delivery is not Delivery.SKIP:
                inbox.put(event if delivery is Delivery.FORWARD else delivery)


def resync_all() -> None:
    for room in tuple(_rooms.values()):
        for inbox in tuple(room.inboxes):
            inbox.put(RESYNC)


async def _listening() -> None:
    global _listener, _ready
    loop = asyncio.get_running_loop()
    if _listener is None or _listener.done() or _listener.get_loop() is not loop:
        _ready = asyncio.Event()
        _listener = loop.create_task(_listen(settings.REDIS_URL, settings.LIVE_REDIS_CHANNEL, _ready))
    if not _ready.is_set():
        try:
            await asyncio.wait_for(_ready.wait(), READY_TIMEOUT)
        except TimeoutError:
            # Accept anyway: the client resyncs over the API now, and again when we listen.
            logger.warning("live: Redis is not reachable; pushes start once it is")


async def _listen(url: str, channel: str, ready: asyncio.Event) -> None:
    delay = RETRY_MIN
    while True:
        client = Redis.from_url(url, socket_connect_timeout=1, socket_keepalive=True)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(channel)
                # Anything published while we were not subscribed is lost: tell every
                # websocket of this process to catch up (none exist on the first start).
                resync_all()
                ready.set()
                delay = RETRY_MIN
                async for message in pubsub.listen():
                    if message["type"] == "message":
                        _forward(message["data"])
        except (RedisError, OSError) as error:
            logger.warning("live: Redis subscription lost (%s); retrying in %.1f s", error, delay)
        finally:
            await client.aclose()
        await asyncio.sleep(delay)
        delay = min(delay * 2, RETRY_MAX)


def _forward(data: Any) -> None:
    try:
        envelope = orjson.loads(data)
        deliver(envelope["group"], envelope["event"])
    except (orjson.JSONDecodeError, KeyError, TypeError):
        logger.warning("live: ignored a malformed message on the live channel")
