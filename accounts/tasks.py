"""Celery tasks of accounts: thin adapters around one service each."""

import logging

from celery import shared_task

from accounts.gdpr import accounts_purge
from accounts.services_postcodes import postcode_misses_purge

logger = logging.getLogger(__name__)


@shared_task(name="accounts.purge_deleted", ignore_result=True)
def purge_deleted() -> None:
    """Daily: remove accounts deleted more than 30 days ago. Idempotent: a second run finds none."""
    purged = accounts_purge()
    logger.info("purge of deleted accounts: %d removed", purged)


@shared_task(name="accounts.postcode_misses_purge", ignore_result=True)
def purge_postcode_misses() -> None:
    """Daily: forget postcodes of failed sign-ups older than 30 days."""
    logger.info("postcode misses forgotten: %d", postcode_misses_purge())
