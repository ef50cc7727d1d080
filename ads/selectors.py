"""Reads of ads and conversations. Lists are keyset-paged on (created_at, id)."""

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Left
from django.utils.translation import gettext as _

from accounts.models import Neighbourhood, User
from accounts.permissions import member_neighbourhood_ids
from ads.models import Ad, Category, Conversation, Reply
from ads.permissions import conversations_visible_to

SEARCH_MAX = 100
# How much of a description the board shows; one character more is fetched so that
# the template can tell a cut-off text (truncatechars) from one that just fits.
SUMMARY_LENGTH = 160


@dataclass(frozen=True)
class BoardFilters:
    kind: str = ""
    category: str = ""
    status: str = ""
    q: str = ""


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def cursor_encode(created_at: datetime, pk: int) -> str:
    raw = f"{created_at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime, int]:
    """Raise ValidationError for anything that is not a cursor we made."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        when = datetime.fromisoformat(created)
        if when.tzinfo is None:
            raise ValueError
        # In UTC, as the database compares; a year-1 time with an offset overflows here, not there.
        return when.astimezone(UTC), int(pk)
    except (ValueError, OverflowError, binascii.Error, UnicodeError):
        raise ValidationError({"cursor": _("This page link is not valid.")}) from None


def _filter_ads(ads: QuerySet[Ad], filters: BoardFilters) -> QuerySet[Ad]:
    if filters.kind:
        ads = ads.filter(kind=filters.kind)
    if filters.category:
        ads = ads.filter(category__slug=filters.category)
    if filters.status:
        ads = ads.filter(status=filters.status)
    if filters.q:
        ads = _search(ads, filters.q[:SEARCH_MAX])
    return ads


def _search(ads: QuerySet[Ad], q: str) -> QuerySet[Ad]:
    if connection.vendor == "postgresql":
        return ads.filter(search_vector=SearchQuery(q, config="dutch", search_type="websearch"))
    # The embedded default has no full-text index; a plain scan is fine at its size.
    return ads.filter(Q(title__icontains=q) | Q(description__icontains=q))


def _keyset(ads: QuerySet[Ad], cursor: str | None) -> QuerySet[Ad]:
    ads = ads.order_by("-created_at", "-id")
    if not cursor:
        return ads
    created_at, pk = cursor_decode(cursor)
    # The redundant created_at <= bound is what lets PostgreSQL start the index scan at
    # the cursor (an Index Cond); the OR alone is only a Filter, so deep pages scanned
    # every newer row first.
    after = Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk)
    return ads.filter(Q(created_at__lte=created_at) & after)


def _page(rows: Iterable[Any], size: int, key) -> Page:
    items = list(rows)
    if len(items) <= size:
        return Page(items=items, next_cursor=None)
    items = items[:size]
    return Page(items=items, next_cursor=cursor_encode(*key(items[-1])))


def board_ads(
    *, neighbourhood_ids: Iterable[int], filters: BoardFilters, cursor: str | None = None
) -> QuerySet[Ad]:
    """Visible ads of some neighbourhoods, filtered and in keyset order."""
    ads = Ad.objects.filter(neighbourhood_id__in=list(neighbourhood_ids), moderation=Ad.Moderation.VISIBLE)
    return _keyset(_filter_ads(ads, filters), cursor)


def board_page(*, neighbourhood: Neighbourhood, filters: BoardFilters, cursor: str | None, size: int) -> Page:
    """One page of the board as model instances, for templates: two queries at any size."""
    ads = board_ads(neighbourhood_ids=[neighbourhood.pk], filters=filters, cursor=cursor)
    rows = (
        ads.select_related("category")
        .defer("search_vector", "description")
        # The card shows the start of the description; fetching all of it would bloat the page query.
        .annotate(summary=Left("description", SUMMARY_LENGTH + 1))[: size + 1]
    )
    return _page(rows, size, key=lambda ad: (ad.created_at, ad.pk))


def categories() -> QuerySet[Category]:
    """Every category, in the coordinators' order: for filters and forms."""
    return Category.objects.order_by("position", "name_nl")


AD_LIST_FIELDS = (
    "id",
    "kind",
    "category__slug",
    "title",
    "description",
    "neighbourhood__slug",
    "urgency",
    "wanted_on",
    "status",
    "created_at",
    "expires_at",
)


def ad_list_rows(
    *, user: User, neighbourhood: Neighbourhood | None, filters: BoardFilters, cursor: str | None, size: int
) -> QuerySet:  # of dicts
    """The query behind one page of the ads list API (one row more than the page, to
    know whether there is a next page); tests EXPLAIN it to check the index is used."""
    ids = [neighbourhood.pk] if neighbourhood else member_neighbourhood_ids(user)
    return board_ads(neighbourhood_ids=ids, filters=filters, cursor=cursor).values(*AD_LIST_FIELDS)[: size + 1]


def ad_list_page(
    *, user: User, neighbourhood: Neighbourhood | None, filters: BoardFilters, cursor: str | None, size: int
) -> Page:
    """One page of the ads list API as plain dicts: one query at any size."""
    rows = ad_list_rows(user=user, neighbourhood=neighbourhood, filters=filters, cursor=cursor, size=size)
    return _page(rows, size, key=lambda row: (row["created_at"], row["id"]))


def category_list() -> QuerySet[Category]:
    return Category.objects.order_by("position", "name_nl")


def ads_of_author(*, user: User) -> QuerySet[Ad]:
    """My ads: what I placed, or placed for someone else, in every state."""
    return (
        Ad.objects.filter(Q(author=user) | Q(proxy=user))
        .select_related("category", "neighbourhood")
        .order_by("-created_at", "-id")
    )


def conversations_of_responder(*, user: User) -> QuerySet[Conversation]:
    """My conversations on other people's ads, most recent first."""
    return (
        Conversation.objects.filter(responder=user)
        .select_related("ad", "ad__category", "ad__neighbourhood")
        .order_by("-last_reply_at", "-id")
    )


def ad_conversations(*, user: User, ad: Ad) -> list[Conversation]:
    """The conversations this user may read on an ad, each with its replies: three queries."""
    return list(
        conversations_visible_to(user=user, ad=ad)
        .select_related("responder")
        .prefetch_related("replies__author")
        .order_by("created_at", "id")
    )


def conversation_replies(*, conversation: Conversation, since: int = 0) -> QuerySet[Reply]:
    return conversation.replies.filter(id__gt=since).select_related("author").order_by("id")
