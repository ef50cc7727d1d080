"""Celery tasks of accounts: thin adapters around one service each."""

import logging

from celery import shared_task

from accounts.gdpr import accounts_purge

logger = logging.getLogger(__name__)


@shared_task(name="accounts.purge_deleted", ignore_result=True)
def purge_deleted() -> None:
    """Daily: remove accounts deleted more than 30 days ago. Idempotent: a second run finds none."""
    purged = accounts_purge()
    logger.info("purge of deleted accounts: %d removed", purged)
