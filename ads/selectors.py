"""Reads of ads and conversations. Lists are keyset-paged on (created_at, id)."""

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Left
from django.utils.translation import gettext as _

from accounts.models import Neighbourhood, User
from accounts.permissions import member_neighbourhood_ids
from ads.models import Ad, Category, CategoryOff, Conversation
from ads.permissions import ads_visible_to, conversations_visible_to, replies_visible_to

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


def board_ads(*, neighbourhood_ids: Iterable[int], filters: BoardFilters, cursor: str | None = None) -> QuerySet[Ad]:
    """Visible ads of some neighbourhoods, filtered and in keyset order."""
    ads = Ad.objects.filter(neighbourhood_id__in=list(neighbourhood_ids), moderation=Ad.Moderation.VISIBLE)
    return _keyset(_filter_ads(ads, filters), cursor)


def board_page_rows(
    *, neighbourhood: Neighbourhood, filters: BoardFilters, cursor: str | None, size: int
) -> QuerySet[Ad]:
    """The query behind one page of the board (one row more than the page, to know
    whether there is a next page); tests EXPLAIN it to check the index is used."""
    ads = board_ads(neighbourhood_ids=[neighbourhood.pk], filters=filters, cursor=cursor)
    return (
        ads.select_related("category")
        .defer("search_vector", "description")
        # The card shows the start of the description; fetching all of it would bloat the page query.
        .annotate(summary=Left("description", SUMMARY_LENGTH + 1))[: size + 1]
    )


def board_page(*, neighbourhood: Neighbourhood, filters: BoardFilters, cursor: str | None, size: int) -> Page:
    """One page of the board as model instances, for templates: two queries at any size."""
    rows = board_page_rows(neighbourhood=neighbourhood, filters=filters, cursor=cursor, size=size)
    return _page(rows, size, key=lambda ad: (ad.created_at, ad.pk))


def categories(*, municipality_id: int | None = None) -> QuerySet[Category]:
    """Every category, in the coordinators' order: for filters and forms; with a
    municipality, only those not switched off there (for posting)."""
    found = Category.objects.order_by("position", "name_nl")
    return found.exclude(switched_off__municipality_id=municipality_id) if municipality_id else found


def category_switched_off(*, category: Category, municipality_id: int) -> bool:
    return CategoryOff.objects.filter(category=category, municipality_id=municipality_id).exists()


# The list API's page in hand-written SQL on PostgreSQL: the same rows as
# _ad_list_values (the ORM's definition, used elsewhere and compared in the tests), but
# building and compiling that queryset cost more than running it, on every request.
# Filters only add conditions; the ORDER BY and the moderation condition are what let the
# partial index ad_board_idx (or ad_board_status_idx) serve the page in keyset order.
_LIST_SQL = """
SELECT a.id, a.kind, c.slug, a.title, a.description, n.slug, a.urgency, a.wanted_on, a.status,
       a.created_at, a.expires_at
FROM ads_ad a
JOIN ads_category c ON c.id = a.category_id
JOIN accounts_neighbourhood n ON n.id = a.neighbourhood_id
WHERE a.moderation = %s AND {conditions}
ORDER BY a.created_at DESC, a.id DESC
LIMIT %s
"""


def ad_list_sql(
    *, user: User, neighbourhood: str, filters: BoardFilters, cursor: str | None, size: int
) -> tuple[str, list[Any]] | None:
    """The SQL and parameters of one page of the ads list API on PostgreSQL (one row more
    than the page, to know whether there is a next page); None when the user belongs
    nowhere. With a neighbourhood slug, only that neighbourhood and only if it is one of the
    user's: the lookup is a subquery, which saves a round trip."""
    ids = sorted(member_neighbourhood_ids(user))
    if not ids:
        return None
    # Only placeholders and fixed conditions are put into the text; every value is a parameter.
    placeholders = ", ".join(["%s"] * len(ids))
    if neighbourhood:
        named = f"SELECT id FROM accounts_neighbourhood WHERE slug = %s AND id IN ({placeholders})"  # noqa: S608
        where = [f"a.neighbourhood_id = ({named})"]
        params: list[Any] = [neighbourhood, *ids]
    else:
        where, params = [f"a.neighbourhood_id IN ({placeholders})"], [*ids]
    for column, value in (("a.kind", filters.kind), ("c.slug", filters.category), ("a.status", filters.status)):
        if value:
            where.append(f"{column} = %s")
            params.append(value)
    if filters.q:
        where.append("a.search_vector @@ websearch_to_tsquery('dutch'::regconfig, %s)")
        params.append(filters.q[:SEARCH_MAX])
    if cursor:
        created_at, pk = cursor_decode(cursor)
        # As in _keyset: the redundant created_at <= bound starts the index scan at the cursor.
        where.append("a.created_at <= %s AND (a.created_at < %s OR (a.created_at = %s AND a.id < %s))")
        params += [created_at, created_at, created_at, pk]
    sql = _LIST_SQL.format(conditions=" AND ".join(where))
    return sql, [Ad.Moderation.VISIBLE.value, *params, size + 1]


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


def _ad_list_values(
    *, user: User, neighbourhood: str, filters: BoardFilters, cursor: str | None, size: int
) -> QuerySet:  # of dicts
    """The same page as ad_list_sql through the ORM: for other databases (SQLite)."""
    ads = board_ads(neighbourhood_ids=member_neighbourhood_ids(user), filters=filters, cursor=cursor)
    if neighbourhood:
        ads = ads.filter(neighbourhood__slug=neighbourhood)
    return ads.values(*AD_LIST_FIELDS)[: size + 1]


def ad_list_rows(
    *, user: User, neighbourhood: str, filters: BoardFilters, cursor: str | None, size: int
) -> list[dict[str, Any]]:
    """Rows of one page of the ads list API (and one more), as dicts keyed by AD_LIST_FIELDS:
    visible ads of the user's neighbourhoods, or of the one named if it is theirs."""
    args = {"user": user, "neighbourhood": neighbourhood, "filters": filters, "cursor": cursor, "size": size}
    if connection.vendor != "postgresql":
        return list(_ad_list_values(**args))
    statement = ad_list_sql(**args)
    if statement is None:
        return []
    with connection.cursor() as db:
        db.execute(*statement)
        return [dict(zip(AD_LIST_FIELDS, row, strict=True)) for row in db.fetchall()]


def ad_list_page(*, user: User, neighbourhood: str, filters: BoardFilters, cursor: str | None, size: int) -> Page:
    """One page of the ads list API as plain dicts: one query at any size."""
    rows = ad_list_rows(user=user, neighbourhood=neighbourhood, filters=filters, cursor=cursor, size=size)
    return _page(rows, size, key=lambda row: (row["created_at"], row["id"]))


def ads_of_author(*, user: User) -> QuerySet[Ad]:
    """My ads: what I placed, or placed for someone else, in every state."""
    return (
        Ad.objects.filter(Q(author=user) | Q(proxy=user))
        .select_related("category", "neighbourhood")
        .order_by("-created_at", "-id")
    )


def conversations_of_responder(*, user: User) -> QuerySet[Conversation]:
    """My conversations on other people's ads that I may still see, most recent first:
    an ad hidden after reports, or of a neighbourhood I moved away from, drops out."""
    return (
        Conversation.objects.filter(responder=user, ad__in=ads_visible_to(user))
        .select_related("ad", "ad__category", "ad__neighbourhood")
        .order_by("-last_reply_at", "-id")
    )


def ad_conversations(*, user: User, ad: Ad) -> list[Conversation]:
    """The conversations this user may read on an ad, each with its replies: three queries."""
    return list(
        conversations_visible_to(user=user, ad=ad)
        .select_related("responder")
        # Hidden replies are left out for everyone but their writer and the workers.
        .prefetch_related(
            Prefetch("replies", queryset=replies_visible_to(user=user, ad=ad).select_related("author").order_by("id"))
        )
        .order_by("created_at", "id")
    )


def match_recipient_ids(*, ad: Ad) -> set[int]:
    """Who hears about a new request: residents of its neighbourhood with an open,
    visible offer in its category; never the author or proxy, never someone who lives
    elsewhere now (an old offer does not make them a neighbour)."""
    offers = Ad.objects.filter(
        kind=Ad.Kind.OFFER,
        status=Ad.Status.OPEN,
        moderation=Ad.Moderation.VISIBLE,
        neighbourhood_id=ad.neighbourhood_id,
        category_id=ad.category_id,
        author__neighbourhood_id=ad.neighbourhood_id,
        author__is_active=True,
    )
    return set(offers.values_list("author_id", flat=True)) - {ad.author_id, ad.proxy_id}


def ads_expiring(*, now: datetime, within: timedelta) -> QuerySet[Ad]:
    """Ads still running that end within `within` from now (the renew reminder)."""
    return Ad.objects.filter(
        status__in=[Ad.Status.OPEN, Ad.Status.MATCHED], expires_at__gt=now, expires_at__lte=now + within
    )


def ads_expired_ids(*, now: datetime, limit: int) -> list[int]:
    return list(
        Ad.objects.filter(status__in=[Ad.Status.OPEN, Ad.Status.MATCHED], expires_at__lte=now)
        .order_by("expires_at", "id")
        .values_list("id", flat=True)[:limit]
    )
