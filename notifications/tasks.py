"""Celery tasks for notifications: thin adapters that take ids and call one service.

Each is idempotent: an email task that runs twice sends once, and the periodic jobs
derive their work from the database.
"""

import logging
from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from notifications import emails

logger = logging.getLogger(__name__)


@shared_task(
    name=emails.EMAIL_INSTANT_TASK,
    ignore_result=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=6,
)
def email_instant(notification_ids: list[int]) -> None:
    """One email per notification; a retry skips the ones already sent (each is claimed)."""
    for notification_id in notification_ids:
        emails.email_instant_send(notification_id=notification_id)


@shared_task(name="notifications.digests", ignore_result=True)
def digests_queue() -> None:
    """Hourly: from the digest hour on, one digest task per "daily" recipient with news."""
    now = timezone.now()
    day = timezone.localdate(now).isoformat()
    recipients = emails.digest_recipient_ids(now=now)
    for recipient_id in recipients:
        digest_send.delay(recipient_id, day)
    if recipients:
        logger.info("notifications: %d digests queued for %s", len(recipients), day)


@shared_task(
    name="notifications.digest_send",
    ignore_result=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    max_retries=6,
)
def digest_send(recipient_id: int, day: str) -> None:
    emails.digest_send(recipient_id=recipient_id, day=date.fromisoformat(day))


@shared_task(name="notifications.email_sweep", ignore_result=True)
def email_sweep() -> None:
    """Hourly: queue again the instant emails whose task never ran (Redis lost it)."""
    ids = emails.instant_unsent_ids(now=timezone.now())
    emails.email_instant_queue(ids)
    if ids:
        logger.info("notifications: %d unsent instant emails queued again", len(ids))
