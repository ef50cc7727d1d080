"""Celery tasks of the ladder: thin adapters that call one service with the real clock.

Each is idempotent (a second run, or a second beat, changes nothing) and needs no retry:
beat runs it again within a minute, and every run derives its work from the database.
"""

import logging
import os
import time

from celery import shared_task
from django.utils import timezone

from ads.escalation import services, webhooks

logger = logging.getLogger(__name__)


def _test_batch_delay() -> float:
    # Only the fault-injection tests set this: it keeps a scan running long enough to
    # kill its worker between two committed batches. Never set in production.
    return float(os.environ.get("SAMSAM_TEST_SCAN_BATCH_DELAY") or 0)


@shared_task(name="ads.escalation.scan", ignore_result=True)
def escalation_scan() -> None:
    delay = _test_batch_delay()
    total = services.ScanResult()
    for batch in services.escalation_scan_batches(now=timezone.now()):
        total.add(batch)
        if delay:
            time.sleep(delay)
    logger.info(
        "escalation scan: %d looked at, %d nudged, %d passed on, %d escalations created",
        total.candidates,
        total.nudged,
        total.escalated,
        total.created,
    )


@shared_task(name="ads.escalation.raise_unclaimed", ignore_result=True)
def escalations_raise_unclaimed() -> None:
    raised = services.escalations_raise_unclaimed(now=timezone.now())
    if raised:
        logger.info("raised %d unclaimed escalations", raised)


@shared_task(name="ads.escalation.heartbeat", ignore_result=True)
def heartbeat() -> None:
    services.heartbeat_record(name="celery", now=timezone.now())


@shared_task(bind=True, name=webhooks.TASK_NAME, ignore_result=True, max_retries=webhooks.MAX_ATTEMPTS)
def webhook_deliver(self, delivery_id: int) -> None:
    """One attempt; on failure, retry after the backoff. The delivery row counts the
    attempts and decides when to give up, so a re-queued task cannot exceed them."""
    attempt = webhooks.webhook_attempt(delivery_id=delivery_id, now=timezone.now())
    if attempt.retry_in is not None:
        raise self.retry(countdown=attempt.retry_in)


@shared_task(name="ads.escalation.webhooks_sweep", ignore_result=True)
def webhooks_sweep() -> None:
    queued = webhooks.deliveries_requeue(now=timezone.now())
    if queued:
        logger.info("re-queued %d webhook deliveries", queued)
