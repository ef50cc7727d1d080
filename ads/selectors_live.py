"""Reads for live updates: what happened on an ad after a cursor."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from accounts.models import User
from ads.models import Ad, AdEvent
from ads.permissions import can_see_reply, conversations_visible_to

EVENTS_PAGE_SIZE = 100
_FIELDS = (
    "id",
    "kind",
    "created_at",
    "conversation_id",
    "reply_id",
    "reply__body",
    "reply__created_at",
    "reply__author_id",
    "reply__author__display_name",
    "reply__moderation",
)


@dataclass
class EventPage:
    events: list[dict[str, Any]]
    cursor: int  # where the caller continues: the last event of this page, or `since`
    more: bool


def ad_events_since(*, user: User, ad: Ad, since: int, size: int | None = None) -> EventPage:
    """The ad's events after `since` that this user may see, oldest first, with the text
    of each reply (they are all in conversations the user may read): one query."""
    size = size or EVENTS_PAGE_SIZE
    visible = Q(conversation__isnull=True) | Q(conversation__in=conversations_visible_to(user=user, ad=ad))
    rows = list(AdEvent.objects.filter(visible, ad=ad, id__gt=since).order_by("id").values(*_FIELDS)[: size + 1])
    events = [_event(row, user, ad) for row in rows[:size]]
    return EventPage(events=events, cursor=events[-1]["cursor"] if events else since, more=len(rows) > size)


def _event(row: dict[str, Any], user: User, ad: Ad) -> dict[str, Any]:
    shown = row["reply_id"] and can_see_reply(
        user, ad, author_id=row["reply__author_id"], moderation=row["reply__moderation"]
    )
    return {
        "cursor": row["id"],
        "type": row["kind"],
        "created_at": row["created_at"],
        "conversation": row["conversation_id"],
        "reply": _reply(row, user) if shown else None,  # a hidden reply: the event without its text
    }


def _reply(row: dict[str, Any], user: User) -> dict[str, Any]:
    # The shape of ads.serializers.ReplyOutputSerializer, without its per-row cost.
    return {
        "id": row["reply_id"],
        "conversation": row["conversation_id"],
        "author_name": row["reply__author__display_name"],
        "is_mine": row["reply__author_id"] == user.pk,
        "body": row["reply__body"],
        "created_at": row["reply__created_at"],
    }


def ad_last_cursor(*, ad: Ad) -> int:
    """Where a page's live script starts. Read it before the page's replies: then an
    event committed in between is fetched again, never skipped."""
    last = AdEvent.objects.filter(ad=ad).order_by("-id").values_list("id", flat=True).first()
    return last or 0
