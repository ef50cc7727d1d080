"""Live pushes over websockets: a hint that something changed, never the content.

Every event is {"type": ..., "cursor": ...} plus ids; the client fetches the rest over
the API. Publishing happens after the transaction commits.
"""

from typing import TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


class LiveEvent(TypedDict, total=False):
    type: str
    cursor: int
    ad: int
    conversation: int


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def ad_group(ad_id: int) -> str:
    return f"ad.{ad_id}"


def publish(group: str, event: LiveEvent) -> None:
    """Send `event` to everyone listening on `group`, once the current transaction commits."""
    transaction.on_commit(lambda: _send(group, event))


def _send(group: str, event: LiveEvent) -> None:
    # Placeholder transport; the live-updates work replaces it with a long-lived publisher.
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, {"type": "live.event", "event": dict(event)})
