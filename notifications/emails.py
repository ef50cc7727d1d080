"""Notification emails: one per notification ("instant") or one digest a day ("daily").

Both are safe to run twice, and both claim before they send (and give the claim back
when sending fails): an instant email claims its row (UPDATE ... WHERE emailed_at IS
NULL), so of two runs only one sends; a digest marks its DigestRun row for the
recipient and day under a row lock, so a second run finds it sent.
"""

import logging
from datetime import date, datetime, time, timedelta
from smtplib import SMTPRecipientsRefused

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from notifications.messages import message
from notifications.models import DigestRun, Notification, Preference
from notifications.selectors import email_preference, instant_recipient_ids

logger = logging.getLogger(__name__)
User = get_user_model()
# Queued by name (tasks import this module, not the other way round).
EMAIL_INSTANT_TASK = "notifications.email_instant"
# Emails per task message: at about a second per email at worst, well within the time limit.
EMAIL_BATCH = 20


def _absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else f"{settings.SITE_URL}{path}"


def _email_preference(user: User) -> str:
    if not user.is_active or not user.email:
        return Preference.Email.OFF
    return email_preference(user_id=user.pk)


def _render(user: User, name: str, context: dict) -> tuple[str, str]:
    context = {"user": user, "preferences_link": _absolute(reverse("notifications:list")), **context}
    subject = render_to_string(f"notifications/email/{name}_subject.txt", context)
    body = render_to_string(f"notifications/email/{name}_body.txt", context)
    return " ".join(subject.split()), body


def email_instant_queue(ids: list[int]) -> None:
    """Queue the emails of these notifications, a few per message: a periodic job may
    notify hundreds at once, and one message must finish within the task time limit.
    No publish retries: with the broker away the sweep queues them again later."""
    for start in range(0, len(ids), EMAIL_BATCH):
        current_app.send_task(EMAIL_INSTANT_TASK, args=[ids[start : start + EMAIL_BATCH]], retry=False)


def instant_email_render(note: Notification) -> tuple[str, str]:
    """Subject and body of the email for one notification, in the recipient's language."""
    user = note.recipient
    with translation.override(user.language):
        context = {"message": message(note.kind, note.params), "link": _absolute(note.target_url)}
        return _render(user, "instant", {**context, "created": note.created_at})


def email_instant_send(*, notification_id: int) -> bool:
    """Email one notification if its recipient wants that right away; True if sent now."""
    note = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if note is None:
        logger.info("notifications: %s is gone, no email", notification_id)
        return False
    if _email_preference(note.recipient) != Preference.Email.INSTANT:
        return False  # "off", or "daily": the digest picks it up
    now = timezone.now()
    claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True, digested_at__isnull=True)
    if not claimed.update(emailed_at=now):
        return False  # another run sent it already
    subject, body = instant_email_render(note)
    try:
        send_mail(subject, body, None, [note.recipient.email])
    except SMTPRecipientsRefused:
        # The address itself is refused: trying again will not help. The claim stays.
        logger.warning("notifications: address of user %s refused, email %s dropped", note.recipient_id, note.pk)
        return False
    except OSError:
        # Not sent: give the row back, so that the retry can claim it again.
        Notification.objects.filter(pk=note.pk, emailed_at=now).update(emailed_at=None)
        raise
    return True


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _pending(recipient_id: int, before: datetime):
    return Notification.objects.filter(
        recipient_id=recipient_id, emailed_at__isnull=True, digested_at__isnull=True, created_at__lt=before
    ).order_by("id")


def digest_recipient_ids(*, now: datetime) -> list[int]:
    """Who gets a digest today: "daily" people with pending notifications, once the
    digest hour has come (local time) and no digest was sent for them today."""
    local = timezone.localtime(now)
    if local.hour < settings.NOTIFICATIONS_DIGEST_HOUR:
        return []
    pending = Notification.objects.filter(
        emailed_at__isnull=True, digested_at__isnull=True, created_at__lt=now, read_at__isnull=True
    )
    users = User.objects.filter(
        notification_preference__email=Preference.Email.DAILY,
        is_active=True,
        email__isnull=False,
        pk__in=pending.values("recipient_id"),
    ).exclude(pk__in=DigestRun.objects.filter(day=local.date(), sent_at__isnull=False).values("recipient_id"))
    return list(users.exclude(email="").values_list("pk", flat=True))


def digest_email_render(user: User, notes: list[Notification], day: date) -> tuple[str, str]:
    with translation.override(user.language):
        items = [{"message": message(n.kind, n.params), "link": _absolute(n.target_url)} for n in notes]
        return _render(user, "digest", {"notes": items, "day": day})


def digest_send(*, recipient_id: int, day: date, now: datetime | None = None) -> bool:
    """Send the recipient's digest for `day` (their pending notifications up to then)
    unless it was sent already; True if sent now."""
    now = now or timezone.now()
    user = User.objects.filter(pk=recipient_id).first()
    if user is None or _email_preference(user) != Preference.Email.DAILY:
        return False
    notes = _digest_claim(recipient_id, day, now)
    if not notes:
        return False
    subject, body = digest_email_render(user, notes, day)
    try:
        send_mail(subject, body, None, [user.email])
    except SMTPRecipientsRefused:
        # The address itself is refused: trying again will not help. The claim stays.
        logger.warning("notifications: address of user %s refused, digest of %s dropped", recipient_id, day)
        return False
    except OSError:
        _digest_give_back(recipient_id, day, now, notes)
        raise
    return True


def _digest_claim(recipient_id: int, day: date, now: datetime) -> list[Notification]:
    """Mark the day's digest sent and its notifications digested, committed before the
    email goes out: the row lock makes a second run wait and then find it sent, and no
    lock is held while the mail server answers."""
    with transaction.atomic():
        DigestRun.objects.get_or_create(recipient_id=recipient_id, day=day)
        run = DigestRun.objects.select_for_update().get(recipient_id=recipient_id, day=day)
        if run.sent_at is not None:
            return []
        notes = list(_pending(recipient_id, min(now, _day_end(day))).filter(read_at__isnull=True))
        if notes:
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(digested_at=now)
            run.sent_at = now
            run.save(update_fields=["sent_at"])
    return notes


def _digest_give_back(recipient_id: int, day: date, now: datetime, notes: list[Notification]) -> None:
    # Not sent: give the claim back, so that the retry can make it again.
    with transaction.atomic():
        Notification.objects.filter(pk__in=[n.pk for n in notes], digested_at=now).update(digested_at=None)
        DigestRun.objects.filter(recipient_id=recipient_id, day=day, sent_at=now).update(sent_at=None)


SWEEP_AFTER = timedelta(minutes=10)
SWEEP_WINDOW = timedelta(days=2)


def instant_unsent_ids(*, now: datetime) -> list[int]:
    """Notifications of "instant" recipients still unemailed a while after they were made
    (their task was lost, e.g. with the broker): the sweep queues them again."""
    unsent = Notification.objects.filter(
        emailed_at__isnull=True,
        digested_at__isnull=True,
        created_at__gte=now - SWEEP_WINDOW,
        created_at__lt=now - SWEEP_AFTER,
    )
    rows = list(unsent.order_by("id").values_list("pk", "recipient_id"))
    wanted = instant_recipient_ids(recipient_ids={r for _pk, r in rows})
    return [pk for pk, recipient_id in rows if recipient_id in wanted]
