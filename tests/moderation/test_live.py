"""Moderation reaches open websockets at once: a suspended user's streams close, and a
hidden ad's followers who may no longer see it are cut off."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from accounts.models import User
from ads.moderation import services
from samsam.asgi import application
from tests.live import servers
from tests.live.conftest import run_async, session_cookie

ORIGIN = b"http://testserver"


@pytest.fixture(autouse=True)
def _local_transport(settings):
    settings.LIVE_TRANSPORT = "local"


@pytest.fixture
def live_cast(transactional_db, django_db_serialized_rollback, cast):
    """The cast, committed: the consumers read it from another thread."""
    servers.ensure_categories()
    return cast


def _socket(path: str, user: User) -> WebsocketCommunicator:
    headers = [(b"origin", ORIGIN), (b"cookie", f"sessionid={session_cookie(user)}".encode())]
    return WebsocketCommunicator(application, path, headers=headers)


def _closed_after(socket: WebsocketCommunicator, action) -> dict:
    async def run():
        assert (await socket.connect())[0]
        await database_sync_to_async(action)()
        return await socket.receive_output(timeout=2)

    return run_async(run)


def test_suspension_closes_the_users_notification_stream(live_cast):
    socket = _socket("/ws/notifications/", live_cast.author)

    def suspend() -> None:
        services.user_suspend(worker=live_cast.worker, user=live_cast.author, reason="Spam.", days=1)

    assert _closed_after(socket, suspend) == {"type": "websocket.close", "code": 4404}


def test_suspension_closes_the_users_ad_stream_at_the_next_event(live_cast):
    socket = _socket(f"/ws/ads/{live_cast.ad.pk}/", live_cast.neighbour)

    def suspend_then_something_happens() -> None:
        services.user_suspend(worker=live_cast.worker, user=live_cast.neighbour, reason="Spam.", days=1)
        services.ad_moderate(worker=live_cast.worker, ad=live_cast.ad, action="hide", reason="Even niet.")

    assert _closed_after(socket, suspend_then_something_happens) == {"type": "websocket.close", "code": 4404}


def test_hiding_an_ad_cuts_off_residents_who_follow_it(live_cast):
    socket = _socket(f"/ws/ads/{live_cast.ad.pk}/", live_cast.neighbour)

    def hide() -> None:
        services.ad_moderate(worker=live_cast.worker, ad=live_cast.ad, action="hide", reason="Even niet.")

    assert _closed_after(socket, hide) == {"type": "websocket.close", "code": 4404}


def test_the_author_keeps_following_a_hidden_ad(live_cast):
    socket = _socket(f"/ws/ads/{live_cast.ad.pk}/", live_cast.author)

    def hide() -> None:
        services.ad_moderate(worker=live_cast.worker, ad=live_cast.ad, action="hide", reason="Even niet.")

    event = _closed_after(socket, hide)
    assert event["type"] == "websocket.send"
    assert '"ad.updated"' in event["text"]
