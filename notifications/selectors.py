"""Reads for notifications: always scoped to one recipient."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from notifications.messages import message
from notifications.models import Notification, Preference

API_BATCH = 100


def notifications_of(*, recipient_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=recipient_id)


def unread_count(*, recipient_id: int) -> int:
    return notifications_of(recipient_id=recipient_id).filter(read_at__isnull=True).count()


def notification_page(*, recipient_id: int, page: str | int | None, per_page: int = 20) -> Page:
    """Newest first, for the notifications page (an invalid page number shows the last or first)."""
    paginator = Paginator(notifications_of(recipient_id=recipient_id).order_by("-id"), per_page)
    return paginator.get_page(page)


@dataclass(frozen=True)
class Since:
    notifications: list[Notification]
    cursor: int  # the newest id returned, or `since` when there is nothing new
    more: bool
    unread: int


def notifications_since(*, recipient_id: int, since: int, limit: int | None = None) -> Since:
    """What a live client missed: the recipient's notifications after `since`, oldest
    first, at most `limit`; ids only grow, so "after the last one seen" misses none."""
    limit = limit or API_BATCH
    rows = list(notifications_of(recipient_id=recipient_id).filter(pk__gt=since).order_by("id")[: limit + 1])
    more, rows = len(rows) > limit, rows[:limit]
    cursor = rows[-1].pk if rows else since
    return Since(rows, cursor, more, unread_count(recipient_id=recipient_id))


def notification_text(note: Notification) -> str:
    return message(note.kind, note.params)


def instant_recipient_ids(*, recipient_ids: set[int]) -> set[int]:
    """Who of these wants an email right away: active, with an address, and "instant"
    (the default when no preference was saved)."""
    users = (
        get_user_model()
        .objects.filter(pk__in=recipient_ids, is_active=True, email__isnull=False)
        .exclude(email="")
        .exclude(notification_preference__email__in=[Preference.Email.DAILY, Preference.Email.OFF])
    )
    return set(users.values_list("pk", flat=True))


def email_preference(*, user_id: int) -> str:
    value = Preference.objects.filter(user_id=user_id).values_list("email", flat=True).first()
    return value or Preference.Email.INSTANT
