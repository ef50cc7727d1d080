"""Acceptance over real processes: two uvicorn servers share Redis and the test database.

A reply posted over HTTP to one server reaches a websocket on the other; refusals happen
at the real handshake; and neither a dropped connection nor a Redis that dies (losing
everything) loses a reply: after reconnecting and resyncing, a client holds each reply
exactly once, compared with the database.
"""

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from websockets.exceptions import InvalidStatus

from accounts.models import WebsocketTicket
from accounts.services import api_token_for, ws_ticket_issue
from ads.models import Reply
from tests import factories
from tests.live import servers
from tests.live.conftest import session_cookie

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def server_pair(django_db_setup, django_db_blocker, tmp_path_factory):
    channel, log = servers.live_channel(), tmp_path_factory.mktemp("live") / "uvicorn.log"
    pair = [servers.start_uvicorn(redis_url=settings.REDIS_URL, channel=channel, log=log) for _ in range(2)]
    try:
        servers.wait_ready(*pair)
        yield pair
    finally:
        for server in pair:
            servers.stop(server.process)


def _post_reply(server: servers.Server, ad, author, body: str) -> int:
    status, reply = servers.api(
        "POST", f"{server.http}/api/v1/ads/{ad.pk}/replies/", token=api_token_for(user=author), data={"body": body}
    )
    assert status == 201, reply
    return reply["id"]


def _client(first: servers.Server, second: servers.Server, cast) -> servers.SyncingClient:
    return servers.SyncingClient(
        http=first.http,
        ws=second.ws,
        ad_id=cast.ad.pk,
        token=api_token_for(user=cast.author),
        cookie=session_cookie(cast.author),
    )


def _replies_in_db(ad, after: int) -> list[int]:
    replies = Reply.objects.filter(conversation__ad=ad, id__gt=after).order_by("id")
    return list(replies.values_list("id", flat=True))


def _last_reply_id() -> int:
    # The cast's reply was made by a factory, without an event: count from after it.
    return Reply.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_a_reply_posted_to_one_server_reaches_the_author_on_the_other(live_cast, server_pair):
    first, second = server_pair
    client = _client(first, second, live_cast)
    client.connect()
    reply_id = _post_reply(first, live_cast.ad, live_cast.neighbour, "Ik kom zo langs")
    push = None
    deadline = time.monotonic() + 5
    while push is None and time.monotonic() < deadline:
        client.pump(0.2)
        push = next((p for p in client.pushes if p["type"] == "reply.created"), None)
    assert push is not None and set(push) == {"type", "cursor", "ad", "conversation"}
    assert reply_id in client.replies
    client.disconnect()


def test_refusals_at_the_real_handshake(live_cast, server_pair):
    _first, second = server_pair
    url = f"{second.ws}/ws/ads/{live_cast.ad.pk}/"
    assert servers.close_code(servers.open_socket(url, origin=second.http)) == 4401  # anonymous
    with pytest.raises(InvalidStatus):
        servers.open_socket(url, cookie=session_cookie(live_cast.author), origin="https://evil.example")
    outsider = servers.open_socket(url, cookie=session_cookie(live_cast.outsider), origin=second.http)
    assert servers.close_code(outsider) == 4404
    expired, _at = ws_ticket_issue(user=live_cast.author)
    WebsocketTicket.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert servers.close_code(servers.open_socket(f"{url}?ticket={expired}")) == 4401
    ticket, _at = ws_ticket_issue(user=live_cast.author)
    servers.open_socket(f"{url}?ticket={ticket}").close()
    assert servers.close_code(servers.open_socket(f"{url}?ticket={ticket}")) == 4401  # reused


def _post_many(server, ad, authors, count: int, pause: float, posted: list[int]) -> None:
    for n in range(count):
        posted.append(_post_reply(server, ad, authors[n % len(authors)], f"Bericht {n}"))
        time.sleep(pause)


def _neighbours(cast, count: int = 3):
    return [cast.responder] + [factories.UserFactory(neighbourhood=cast.noord) for _ in range(count - 1)]


def test_no_reply_is_lost_or_doubled_while_the_client_is_away(live_cast, server_pair):
    first, second = server_pair
    start = _last_reply_id()
    client = _client(first, second, live_cast)
    client.connect()
    posted: list[int] = []
    poster = threading.Thread(target=_post_many, args=(first, live_cast.ad, _neighbours(live_cast), 30, 0.02, posted))
    poster.start()
    client.pump(0.15)
    client.disconnect()  # away while replies keep coming
    time.sleep(0.3)
    client.connect()
    poster.join()
    client.pump(0.5)
    client.disconnect()
    client.connect()  # the final reconnect resyncs whatever the last pushes did not cover
    client.disconnect()
    assert len(posted) == 30
    assert client.replies == _replies_in_db(live_cast.ad, after=start) == posted


@pytest.fixture
def private_redis(tmp_path):
    redis = servers.PrivateRedis(port=servers.free_port(), log=tmp_path / "redis.log")
    redis.start()
    yield redis
    if redis.process is not None:
        servers.stop(redis.process, servers.signal.SIGKILL)


def test_no_reply_is_lost_or_doubled_when_redis_dies_and_comes_back_empty(live_cast, private_redis, tmp_path):
    channel, log = servers.live_channel(), Path(tmp_path) / "uvicorn.log"
    pair = [servers.start_uvicorn(redis_url=private_redis.url, channel=channel, log=log) for _ in range(2)]
    try:
        servers.wait_ready(*pair)
        first, second = pair
        start = _last_reply_id()
        client = _client(first, second, live_cast)
        client.connect()
        posted: list[int] = []
        authors = _neighbours(live_cast)
        _post_many(first, live_cast.ad, authors, 5, 0.02, posted)
        client.pump(0.3)
        private_redis.kill()  # kill -9: no shutdown, and nothing of it survives
        _post_many(first, live_cast.ad, authors, 5, 0.02, posted)  # pushes fail; posts must not
        client.pump(0.3)
        private_redis.start()
        pushes_before = len(client.pushes)
        deadline = time.monotonic() + 15
        while len(client.pushes) == pushes_before and time.monotonic() < deadline:
            _post_many(first, live_cast.ad, authors, 1, 0, posted)  # until the servers listen again
            client.pump(0.5)
        assert len(client.pushes) > pushes_before, "pushes did not resume after Redis came back"
        assert {"type": "resync", "cursor": None} in client.pushes  # the server said it may have missed some
        client.disconnect()
        client.connect()
        client.disconnect()
        assert client.replies == _replies_in_db(live_cast.ad, after=start) == posted
    finally:
        for server in pair:
            servers.stop(server.process)
