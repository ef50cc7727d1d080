"""ASGI entry point. In production only /ws/ is routed here (uvicorn); HTTP stays on
gunicorn (WSGI), see ../shared/PERFORMANCE.md. The embedded default serves both."""

import os

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsam.settings")
django_asgi_app = get_asgi_application()

# Websocket routes arrive with the live-updates work (issue 3).
application = ProtocolTypeRouter({"http": django_asgi_app})
