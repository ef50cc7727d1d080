"""The websockets in process (Channels' communicator), on the in-memory transport."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from accounts.models import User, WebsocketTicket
from accounts.services import ws_ticket_issue
from ads import services
from notifications.live import publish
from notifications.live_events import user_group
from samsam.asgi import application
from tests.live.conftest import run_async, session_cookie

ORIGIN = "http://testserver"


@pytest.fixture(autouse=True)
def _local_transport(settings):
    settings.LIVE_TRANSPORT = "local"


def _socket(path: str, *, user: User | None = None, origin: str | None = ORIGIN) -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode())] if origin else []
    if user is not None:
        headers.append((b"cookie", f"sessionid={session_cookie(user)}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def _close_code(socket: WebsocketCommunicator) -> int | None:
    """The close code the server sent (after accepting), or None if it refused the handshake."""
    connected, _subprotocol = await socket.connect()
    if not connected:
        return None
    message = await socket.receive_output(timeout=2)
    assert message["type"] == "websocket.close"
    return message["code"]


async def _events(socket: WebsocketCommunicator, count: int) -> list[dict]:
    return [await socket.receive_json_from(timeout=2) for _ in range(count)]


def test_anonymous_is_closed_with_4401(live_cast):
    socket = _socket(f"/ws/ads/{live_cast.ad.pk}/")
    assert run_async(lambda: _close_code(socket)) == 4401


def test_foreign_origin_is_refused_at_the_handshake(live_cast):
    socket = _socket(f"/ws/ads/{live_cast.ad.pk}/", user=live_cast.author, origin="https://evil.example")
    assert run_async(lambda: _close_code(socket)) is None


@pytest.mark.parametrize("who", ["outsider", "other_worker", "partner_staff"])
def test_someone_outside_the_neighbourhood_gets_4404(live_cast, who):
    socket = _socket(f"/ws/ads/{live_cast.ad.pk}/", user=getattr(live_cast, who))
    assert run_async(lambda: _close_code(socket)) == 4404


def test_a_missing_ad_gets_4404_like_a_foreign_one(live_cast):
    socket = _socket("/ws/ads/999999/", user=live_cast.author)
    assert run_async(lambda: _close_code(socket)) == 4404


def test_conversation_events_reach_only_its_people_and_workers(live_cast):
    ad, conversation = live_cast.ad, live_cast.conversation
    people = ["author", "responder", "neighbour", "worker"]
    sockets = {who: _socket(f"/ws/ads/{ad.pk}/", user=getattr(live_cast, who)) for who in people}

    async def run():
        for socket in sockets.values():
            assert (await socket.connect())[0]
        reply = await database_sync_to_async(services.reply_post)(ad=ad, author=live_cast.responder, body="Hoi")
        await database_sync_to_async(services.helper_choose)(
            ad=ad, chooser=live_cast.author, conversation=conversation
        )
        received = {who: await _events(socket, 2 if who != "neighbour" else 1) for who, socket in sockets.items()}
        assert await sockets["neighbour"].receive_nothing(timeout=0.2)
        for socket in sockets.values():
            await socket.disconnect()
        return reply, received

    reply, received = run_async(run)
    for who in ("author", "responder", "worker"):
        first, second = received[who]
        assert first["type"] == "reply.created" and first["conversation"] == conversation.pk
        assert second["type"] == "ad.matched" and second["cursor"] > first["cursor"]
        assert "body" not in first and "Hoi" not in str(first)  # a hint, never the text
    assert [event["type"] for event in received["neighbour"]] == ["ad.matched"]
    assert reply.pk  # the reply itself is in the database, fetched over the API


def _deactivate(cast) -> None:
    User.objects.filter(pk=cast.neighbour.pk).update(is_active=False)


def _move_away(cast) -> None:
    User.objects.filter(pk=cast.neighbour.pk).update(neighbourhood=cast.zuid)


def _hide_ad(cast) -> None:
    type(cast.ad).objects.filter(pk=cast.ad.pk).update(moderation="hidden")


@pytest.mark.parametrize("lose_access", [_deactivate, _move_away, _hide_ad])
def test_who_loses_access_stops_receiving_and_is_closed(live_cast, lose_access):
    socket = _socket(f"/ws/ads/{live_cast.ad.pk}/", user=live_cast.neighbour)

    async def run():
        assert (await socket.connect())[0]
        await database_sync_to_async(lose_access)(live_cast)
        await database_sync_to_async(services.ad_withdraw)(ad=live_cast.ad, withdrawer=live_cast.author)
        return await socket.receive_output(timeout=2)

    message = run_async(run)
    assert message == {"type": "websocket.close", "code": 4404}


def test_a_ticket_opens_one_socket_without_cookie_or_origin(live_cast):
    key, _expires = ws_ticket_issue(user=live_cast.author)
    first = WebsocketCommunicator(application, f"/ws/ads/{live_cast.ad.pk}/?ticket={key}")
    again = WebsocketCommunicator(application, f"/ws/ads/{live_cast.ad.pk}/?ticket={key}")

    async def run():
        assert (await first.connect())[0]
        await database_sync_to_async(services.ad_withdraw)(ad=live_cast.ad, withdrawer=live_cast.author)
        event = await first.receive_json_from(timeout=2)
        await first.disconnect()
        return event, await _close_code(again)

    event, reused = run_async(run)
    assert event["type"] == "ad.withdrawn"
    assert reused == 4401


def test_an_expired_ticket_is_anonymous(live_cast):
    key, _expires = ws_ticket_issue(user=live_cast.author)
    WebsocketTicket.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    socket = WebsocketCommunicator(application, f"/ws/ads/{live_cast.ad.pk}/?ticket={key}")
    assert run_async(lambda: _close_code(socket)) == 4401


def test_a_ticket_does_not_excuse_a_foreign_origin(live_cast):
    key, _expires = ws_ticket_issue(user=live_cast.author)
    headers = [(b"origin", b"https://evil.example")]
    socket = WebsocketCommunicator(application, f"/ws/ads/{live_cast.ad.pk}/?ticket={key}", headers=headers)
    assert run_async(lambda: _close_code(socket)) is None


def test_notification_stream_is_personal(live_cast):
    mine = _socket("/ws/notifications/", user=live_cast.author)
    theirs = _socket("/ws/notifications/", user=live_cast.neighbour)
    anonymous = _socket("/ws/notifications/")

    def notify() -> None:
        publish(user_group(live_cast.author.pk), {"type": "notification.created", "cursor": 7})

    async def run():
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        await database_sync_to_async(notify)()
        event = await mine.receive_json_from(timeout=2)
        nothing = await theirs.receive_nothing(timeout=0.2)
        await mine.disconnect()
        await theirs.disconnect()
        return event, nothing, await _close_code(anonymous)

    event, nothing, anonymous_code = run_async(run)
    assert event == {"type": "notification.created", "cursor": 7}
    assert nothing
    assert anonymous_code == 4401


def test_deactivated_account_is_closed_on_its_notification_stream(live_cast):
    socket = _socket("/ws/notifications/", user=live_cast.author)

    def deactivate_and_notify() -> None:
        User.objects.filter(pk=live_cast.author.pk).update(is_active=False)
        publish(user_group(live_cast.author.pk), {"type": "notification.created", "cursor": 8})

    async def run():
        assert (await socket.connect())[0]
        await database_sync_to_async(deactivate_and_notify)()
        return await socket.receive_output(timeout=2)

    assert run_async(run) == {"type": "websocket.close", "code": 4404}
