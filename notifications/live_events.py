"""What travels on a live stream, shared by both halves (live.py publishes, live_hub.py
hands out) and by the consumers: event shapes, group names, and what a permission check
decides for each listener.

An event is a hint: a type, a cursor and ids, never personal text. The app that owns a
stream declares its own event shape and group name on top of LiveEvent (ads.live for
ad.<id>); this module knows only the person's own stream, user.<id>.
"""

import enum
from typing import Literal, TypedDict


class LiveEvent(TypedDict):
    """Every event: its type, and the cursor to fetch what it is about ("since" on the
    stream's API); None only for a resync, which names no cursor."""

    type: str
    cursor: int | None


class NotificationLiveEvent(TypedDict):
    """On group user.<id>: GET /api/v1/notifications/?since=<cursor>."""

    type: Literal["notification.created"]
    cursor: int


class ResyncLiveEvent(TypedDict):
    """Sent by the server itself when pushes may have been lost (Redis was away, the
    client fell behind): fetch everything since your own cursor."""

    type: Literal["resync"]
    cursor: None


RESYNC: ResyncLiveEvent = {"type": "resync", "cursor": None}


class Envelope(TypedDict):
    """What travels over Redis: the event and the group it is for."""

    group: str
    event: LiveEvent


class Delivery(enum.Enum):
    """What a consumer does with an event, decided by a permission helper."""

    FORWARD = "forward"
    SKIP = "skip"  # not for this user (e.g. another conversation on the same stream)
    REVOKE = "revoke"  # the user may no longer follow this stream: close it
    FAIL = "fail"  # the check itself failed: close, the client reconnects and resyncs


def user_group(user_id: int) -> str:
    return f"user.{user_id}"
