"""Writes for notifications: store first, then deliver once the transaction commits.

Producers (other apps' notify modules) call `notify` for one recipient or
`notify_many` for a batch; both store the rows in the caller's transaction, so a
notification exists exactly when the change it tells about does. After commit each
recipient gets one live push (ids and event type only), and the new notifications of
recipients who want email "right away" go to one email task (one email each).
"""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import KombuError

from notifications import emails
from notifications.live import publish
from notifications.live_events import NotificationLiveEvent, user_group
from notifications.models import Notification, Preference
from notifications.selectors import instant_recipient_ids

logger = logging.getLogger(__name__)
# The advisory locks that order each recipient's notifications: key (7301 << 40) + user id.
LOCK_NAMESPACE = 7301
LOCK_WAIT = 1.0


@dataclass(frozen=True)
class Target:
    """What a notification is about, by reference, and the page that shows it."""

    type: str
    id: int
    url: str


def notification_build(
    *, recipient_id: int, kind: str, target: Target, params: dict | None = None, dedupe_key: str | None = None
) -> Notification:
    """An unsaved notification for `notify_many`."""
    return Notification(
        recipient_id=recipient_id,
        kind=kind,
        target_type=target.type,
        target_id=target.id,
        target_url=target.url,
        params=params or {},
        dedupe_key=dedupe_key,
    )


def notify(
    *, recipient_id: int, kind: str, target: Target, params: dict | None = None, dedupe_key: str | None = None
) -> Notification | None:
    """Store one notification and deliver it after commit. None when `dedupe_key` was
    already used for this recipient (the event was seen before)."""
    note = notification_build(
        recipient_id=recipient_id, kind=kind, target=target, params=params, dedupe_key=dedupe_key
    )
    created = notify_many([note])
    return created[0] if created else None


def notify_many(notes: Iterable[Notification]) -> list[Notification]:
    """Store a batch (a constant number of queries) and deliver the new ones after commit.

    Notifications whose (recipient, dedupe_key) exists already are skipped."""
    notes = list(notes)
    if not notes:
        return []
    with transaction.atomic():
        _lock_recipients({n.recipient_id for n in notes})
        created = _insert(_unknown(notes))
    _deliver_on_commit(created)
    return created


def _lock_recipients(recipient_ids: set[int]) -> None:
    """Hold each recipient's lock until commit, so one recipient's notifications commit in
    id order and a client reading "after cursor N" never skips one that commits late.

    Try-locks in a short loop rather than a blocking wait: a transaction that notifies twice
    (say the claimer, then the helper) could otherwise deadlock with one doing the reverse.
    After LOCK_WAIT seconds it goes on without the lock: a rare late commit then costs a
    client one missed push (the page and the unread count still show it), never an error."""
    if connection.vendor != "postgresql":
        return  # SQLite runs one writer at a time anyway
    pending, deadline = sorted(recipient_ids), time.monotonic() + LOCK_WAIT
    with connection.cursor() as cursor:
        while pending:
            cursor.execute(
                "SELECT id FROM unnest(%s::bigint[]) AS id WHERE NOT pg_try_advisory_xact_lock(%s::bigint + id)",
                [pending, LOCK_NAMESPACE << 40],
            )
            pending = [row[0] for row in cursor.fetchall()]
            if pending and time.monotonic() > deadline:
                logger.warning("notifications: recipients %s busy, storing without their lock", pending)
                return
            if pending:
                time.sleep(0.005)


def _insert(notes: list[Notification]) -> list[Notification]:
    if not notes:
        return []
    plain = [n for n in notes if not n.dedupe_key]
    keyed = [n for n in notes if n.dedupe_key]
    created = Notification.objects.bulk_create(plain) if plain else []
    if keyed:
        # A concurrent producer may have stored the same key since _unknown looked:
        # the constraint decides, and we read back whichever row won (delivery of a
        # row twice is harmless: the push is a hint and the email claims its row).
        Notification.objects.bulk_create(keyed, ignore_conflicts=True)
        created += _read_back(keyed)
    return created


def _unknown(notes: list[Notification]) -> list[Notification]:
    """Drop notes whose dedupe key this recipient already has, or that repeat in the batch."""
    keys = {(n.recipient_id, n.dedupe_key) for n in notes if n.dedupe_key}
    known = set()
    if keys:
        rows = Notification.objects.filter(
            recipient_id__in={r for r, _ in keys}, dedupe_key__in={k for _, k in keys}
        ).values_list("recipient_id", "dedupe_key")
        known = set(rows) & keys
    fresh = []
    for note in notes:
        key = (note.recipient_id, note.dedupe_key)
        if note.dedupe_key and key in known:
            continue
        if note.dedupe_key:
            known.add(key)
        fresh.append(note)
    return fresh


def _read_back(keyed: list[Notification]) -> list[Notification]:
    keys = {(n.recipient_id, n.dedupe_key) for n in keyed}
    rows = Notification.objects.filter(recipient_id__in={r for r, _ in keys}, dedupe_key__in={k for _, k in keys})
    return [row for row in rows if (row.recipient_id, row.dedupe_key) in keys]


def _deliver_on_commit(created: list[Notification]) -> None:
    if not created:
        return
    cursors: dict[int, int] = {}
    for note in created:
        cursors[note.recipient_id] = max(note.pk, cursors.get(note.recipient_id, 0))
    for recipient_id, cursor in cursors.items():
        event: NotificationLiveEvent = {"type": "notification.created", "cursor": cursor}
        publish(user_group(recipient_id), event)
    wants_now = instant_recipient_ids(recipient_ids=set(cursors))
    ids = [note.pk for note in created if note.recipient_id in wants_now]
    if ids:
        transaction.on_commit(lambda: _queue_instant_emails(sorted(ids)))


def _queue_instant_emails(ids: list[int]) -> None:
    try:
        emails.email_instant_queue(ids)
    except (KombuError, OSError) as error:
        # The broker is away: the rows stay unemailed and the hourly sweep queues them again.
        logger.warning("notifications: %d emails not queued (%s)", len(ids), error)


def notification_params_erase(*, target_type: str, target_ids: Iterable[int], key: str, value: str) -> None:
    """Put `value` in place of one parameter (say, a title the person wrote) in every
    notification about these targets, whoever received it: for erasing an account."""
    notes = Notification._base_manager.filter(target_type=target_type, target_id__in=list(target_ids))
    changed = [note for note in notes if key in note.params]
    for note in changed:
        note.params = {**note.params, key: value}
    Notification._base_manager.bulk_update(changed, ["params"], batch_size=500)


# Reading state -----------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, now: datetime | None = None) -> Notification:
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, recipient_id: int, now: datetime | None = None) -> int:
    """Mark every unread notification of the recipient read; how many changed."""
    unread = Notification.objects.filter(recipient_id=recipient_id, read_at__isnull=True)
    return unread.update(read_at=now or timezone.now())


def preference_set(*, user_id: int, email: str) -> Preference:
    """Save how the user wants email: instant, daily or off."""
    if email not in Preference.Email.values:
        raise ValidationError({"email": _("Choose one of the options.")})
    preference, _created = Preference.objects.update_or_create(user_id=user_id, defaults={"email": email})
    return preference
