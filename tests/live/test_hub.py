"""The per-process registry: rooms check once per event, inboxes never grow without bound."""

import asyncio

import pytest

from notifications import live_hub
from notifications.live_events import RESYNC, Delivery
from tests.live.conftest import run_async


@pytest.fixture(autouse=True)
def _local_transport(settings):
    settings.LIVE_TRANSPORT = "local"  # no Redis subscriber for these


def test_an_inbox_that_falls_behind_gets_one_resync_instead():
    async def run():
        inbox = live_hub.Inbox(user_id=1)
        for cursor in range(live_hub.INBOX_SIZE + 5):
            inbox.put({"type": "ad.updated", "cursor": cursor, "ad": 1})
        items = [inbox.queue.get_nowait() for _ in range(inbox.queue.qsize())]
        return items

    items = run_async(run)
    assert items[0] == RESYNC
    assert len(items) == 5  # the resync, then what came after it


def test_a_room_asks_once_per_event_and_hands_out_what_each_user_may_see():
    calls = []

    async def check(event, user_ids):
        calls.append(user_ids)
        return {1: Delivery.FORWARD, 2: Delivery.SKIP, 3: Delivery.REVOKE}

    async def run():
        inboxes = {user_id: live_hub.Inbox(user_id) for user_id in (1, 2, 3)}
        for inbox in inboxes.values():
            await live_hub.join("ad.test-room", inbox, check)
        live_hub.deliver("ad.test-room", {"type": "reply.created", "cursor": 9, "ad": 1, "conversation": 4})
        await asyncio.sleep(0.05)
        for inbox in inboxes.values():
            live_hub.leave("ad.test-room", inbox)
        return {
            user_id: [inbox.queue.get_nowait() for _ in range(inbox.queue.qsize())]
            for user_id, inbox in inboxes.items()
        }

    received = run_async(run)
    assert calls == [frozenset({1, 2, 3})]
    assert received == {
        1: [{"type": "reply.created", "cursor": 9, "ad": 1, "conversation": 4}],
        2: [],
        3: [Delivery.REVOKE],
    }
    assert "ad.test-room" not in live_hub._rooms


def test_malformed_messages_on_the_channel_are_ignored(caplog):
    for data in (b"not json", b'{"event": {}}', b"[1, 2]"):
        live_hub._forward(data)
    assert "malformed" in caplog.text
