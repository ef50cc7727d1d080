"""An ad's live stream: its group name and the shape of its events (see docs/live.md)."""

from typing import Literal, NotRequired

from notifications.live_events import LiveEvent

AdEventType = Literal["reply.created", "ad.matched", "ad.closed", "ad.withdrawn", "ad.updated", "ad.expired"]


class AdLiveEvent(LiveEvent):
    """On group ad.<id>; `type` is an AdEventType and `cursor` the AdEvent id:
    GET /api/v1/ads/{ad}/events/?since=<cursor>. `conversation` is set for events inside
    one conversation: only its two people and the neighbourhood's workers receive those."""

    ad: int
    conversation: NotRequired[int]


def ad_group(ad_id: int) -> str:
    return f"ad.{ad_id}"
