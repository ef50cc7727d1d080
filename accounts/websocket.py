"""Who is on the other end of a websocket: the session cookie, or a ticket for API clients."""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser

from accounts.services import ws_ticket_redeem


def _ticket(scope: dict) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin1")).get("ticket")
    return values[0] if values else None


def _has_origin(scope: dict) -> bool:
    return any(name == b"origin" for name, _value in scope.get("headers", []))


class TicketAuthMiddleware:
    """?ticket=<key> (from POST /api/v1/auth/ws-ticket/) names the user. A ticket that
    does not work makes the connection anonymous: it never falls back to a cookie.
    Without a ticket, the session (AuthMiddlewareStack around this) decides."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        key = _ticket(scope)
        if key is not None:
            user = await database_sync_to_async(ws_ticket_redeem)(key=key)
            scope = {**scope, "user": user or AnonymousUser()}
        return await self.app(scope, receive, send)


def OriginGuard(app):
    """Browsers always send Origin, and it must be one of ALLOWED_HOSTS: that stops other
    sites from using a visitor's cookie. A client that sends no Origin is not a browser
    and has no cookie to abuse, so it may connect when it brings a ticket."""
    validated = AllowedHostsOriginValidator(app)

    async def guard(scope, receive, send):
        if not _has_origin(scope) and _ticket(scope) is not None:
            return await app(scope, receive, send)
        return await validated(scope, receive, send)

    return guard
