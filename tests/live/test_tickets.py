"""Websocket tickets: short-lived, single use, only a hash stored."""

import hashlib
from datetime import timedelta

from django.utils import timezone

from accounts.models import WebsocketTicket
from accounts.services import ws_ticket_issue, ws_ticket_redeem
from tests.conftest import api_as

URL = "/api/v1/auth/ws-ticket/"


def test_ticket_api_gives_a_ticket_for_a_minute(cast):
    response = api_as(cast.author).post(URL)
    assert response.status_code == 201
    body = response.json()
    stored = WebsocketTicket.objects.get(user=cast.author)
    assert stored.key_hash == hashlib.sha256(body["ticket"].encode()).hexdigest()
    assert body["ticket"] not in stored.key_hash
    lifetime = stored.expires_at - stored.created_at
    assert lifetime == timedelta(seconds=60)


def test_ticket_api_refuses_anonymous(db):
    assert api_as(None).post(URL).status_code in (401, 403)
    assert not WebsocketTicket.objects.exists()


def test_a_ticket_works_once(cast):
    key, _expires = ws_ticket_issue(user=cast.author)
    assert ws_ticket_redeem(key=key) == cast.author
    assert ws_ticket_redeem(key=key) is None


def test_an_expired_ticket_does_not_work(cast):
    key, _expires = ws_ticket_issue(user=cast.author)
    WebsocketTicket.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert ws_ticket_redeem(key=key) is None


def test_a_ticket_of_a_deactivated_account_does_not_work(cast):
    key, _expires = ws_ticket_issue(user=cast.author)
    cast.author.is_active = False
    cast.author.save(update_fields=["is_active"])
    assert ws_ticket_redeem(key=key) is None


def test_unknown_and_silly_tickets_do_not_work(cast):
    assert ws_ticket_redeem(key="") is None
    assert ws_ticket_redeem(key="nope") is None
    assert ws_ticket_redeem(key="x" * 10_000) is None


def test_issuing_tidies_the_users_expired_tickets(cast):
    ws_ticket_issue(user=cast.author)
    WebsocketTicket.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    ws_ticket_issue(user=cast.author)
    assert WebsocketTicket.objects.filter(user=cast.author).count() == 1
