"""Websockets that forward live events: thin edges over live_hub and the permission helpers."""

import asyncio

import orjson
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from accounts.permissions import active_user_ids
from notifications import live_hub
from notifications.live_events import Delivery, LiveEvent, user_group

CLOSE_ANONYMOUS = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_SERVER_ERROR = 1011
CLOSE_CODES = {Delivery.REVOKE: CLOSE_NOT_FOUND, Delivery.FAIL: CLOSE_SERVER_ERROR}


class LiveConsumer(AsyncWebsocketConsumer):
    """Authenticate, join one group, and forward only what a fresh permission check allows:
    access can be lost while the socket is open (the room checks all its users at once)."""

    def group_for(self) -> str:
        raise NotImplementedError

    async def check(self, event: LiveEvent | None, user_ids: frozenset[int]) -> dict[int, Delivery]:
        """What each user gets of `event`; for None, whether they may follow at all."""
        raise NotImplementedError

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.group = self.pump = None
        if self.user is None or not self.user.is_authenticated:
            return await self._refuse(CLOSE_ANONYMOUS)
        group = self.group_for()
        if (await self.check(None, frozenset({self.user.pk})))[self.user.pk] is not Delivery.FORWARD:
            return await self._refuse(CLOSE_NOT_FOUND)
        self.group, self.inbox = group, live_hub.Inbox(self.user.pk)
        if settings.LIVE_TRANSPORT == "channels":
            await self.channel_layer.group_add(group, self.channel_name)
        else:
            await live_hub.join(group, self.inbox, self.check)
        await self.accept()
        self.pump = asyncio.create_task(self._pump())

    async def _refuse(self, code: int) -> None:
        # Accept first: a close code only reaches the client after the handshake.
        await self.accept()
        await self.close(code)

    async def disconnect(self, code: int) -> None:
        if self.group is None:
            return
        if settings.LIVE_TRANSPORT == "channels":
            await self.channel_layer.group_discard(self.group, self.channel_name)
        else:
            live_hub.leave(self.group, self.inbox)
        if self.pump is not None and self.pump is not asyncio.current_task():
            self.pump.cancel()

    async def live_event(self, message: dict) -> None:
        """The "channels" transport delivers to each socket: check this one user."""
        event = message["event"]
        delivery = (await self.check(event, frozenset({self.user.pk})))[self.user.pk]
        if delivery is not Delivery.SKIP:
            self.inbox.put(event if delivery is Delivery.FORWARD else delivery)

    async def _pump(self) -> None:
        while True:
            item = await self.inbox.get()
            if isinstance(item, Delivery):
                return await self.close(CLOSE_CODES[item])
            await self.send(text_data=orjson.dumps(item).decode())


class NotificationConsumer(LiveConsumer):
    """/ws/notifications/: the user's own stream, group user.<id>."""

    def group_for(self) -> str:
        return user_group(self.user.pk)

    async def check(self, event: LiveEvent | None, user_ids: frozenset[int]) -> dict[int, Delivery]:
        active = await database_sync_to_async(active_user_ids)(user_ids=user_ids)
        return {user_id: Delivery.FORWARD if user_id in active else Delivery.REVOKE for user_id in user_ids}
