"""Periodic jobs of ads: thin adapters that call one service with the real clock.

Both derive their work from the database and are idempotent: an ad expires once, and
a reminder has a dedupe key per ad and end date.
"""

import logging

from celery import shared_task

from ads import services

logger = logging.getLogger(__name__)


@shared_task(name="ads.expire", ignore_result=True)
def ads_expire() -> None:
    expired = services.ads_expire()
    if expired:
        logger.info("ads: %d expired", expired)


@shared_task(name="ads.expiry_remind", ignore_result=True)
def ads_expiry_remind() -> None:
    reminded = services.ads_expiry_remind()
    if reminded:
        logger.info("ads: %d renew reminders", reminded)
