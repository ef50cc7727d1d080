"""ASGI entry point. In production only /ws/ is routed here (uvicorn); HTTP stays on
gunicorn (WSGI), see docs/performance.md. The embedded default serves both."""

import os

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsam.settings")
django_asgi_app = get_asgi_application()

# Imported once Django is set up: these load models.
from accounts.websocket import OriginGuard, TicketAuthMiddleware  # noqa: E402
from ads.consumers import AdConsumer  # noqa: E402
from notifications.consumers import NotificationConsumer  # noqa: E402

websocket_routes = [
    path("ws/ads/<int:ad_id>/", AdConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": OriginGuard(AuthMiddlewareStack(TicketAuthMiddleware(URLRouter(websocket_routes)))),
    }
)
