"""Celery task of moderation: a thin adapter over one service, with the real clock."""

import logging

from celery import shared_task
from django.utils import timezone

from ads.moderation import services

logger = logging.getLogger(__name__)


@shared_task(name="ads.moderation.suspensions_end", ignore_result=True)
def suspensions_end() -> None:
    """Idempotent: a second run finds nothing due. Beat runs it again within minutes."""
    ended = services.suspensions_end(now=timezone.now())
    if ended:
        logger.info("moderation: %d suspensions ended", ended)
