"""Reads for notifications: always scoped to one recipient."""

from dataclasses import dataclass

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


def email_preference(*, user_id: int) -> str:
    value = Preference.objects.filter(user_id=user_id).values_list("email", flat=True).first()
    return value or Preference.Email.INSTANT
