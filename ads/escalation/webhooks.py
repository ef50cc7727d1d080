"""Webhooks to partner organisations: a signed JSON POST for each new escalation.

A delivery row is stored in the transaction that creates the escalation, so it exists
exactly when the escalation does; the POST happens in a Celery task after commit. The
body is signed with HMAC-SHA256 and the partner's secret
(`X-SamSam-Signature: sha256=<hex>`); `Idempotency-Key` is the same on every attempt,
so a partner that saw a delivery already can ignore a repeat. An attempt that fails or
takes longer than WEBHOOK_TIMEOUT_SECONDS is retried with exponential backoff; after
MAX_ATTEMPTS the delivery is marked failed and shown to the neighbourhood's workers.
A periodic sweep re-queues deliveries whose task was lost (the broker is not the record).
A delivery whose escalation closed before it went out (consent withdrawn, a neighbour
replied) is cancelled, never sent.
"""

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.client import HTTPException

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Partner
from ads.escalation import notify
from ads.escalation.models import Escalation, WebhookDelivery
from ads.escalation.selectors import LIVE_STATES

logger = logging.getLogger(__name__)

EVENT_CREATED = "escalation.created"
MAX_ATTEMPTS = 5
TASK_NAME = "ads.escalation.webhook_deliver"
Status = WebhookDelivery.Status


class WebhookError(Exception):
    """One attempt failed: no answer in time, no connection, or not a 2xx status."""


@dataclass(frozen=True)
class Attempt:
    retry_in: float | None = None  # seconds until the next try; None when there is none to make


def signature(secret: str, body: bytes) -> str:
    """What a partner recomputes to check that a body came from us, unchanged."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: base, twice that, four times, ..."""
    return timedelta(seconds=settings.WEBHOOK_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


# Queuing ---------------------------------------------------------------------------------


def deliveries_queue(created: list[notify.Created]) -> None:
    """In the caller's transaction: a delivery for each new escalation of a partner with
    a webhook; their tasks are queued once it has committed. A second call for the same
    escalation adds nothing (the idempotency key is unique)."""
    partner_ids = {c.partner_id for c in created if c.partner_id}
    if not partner_ids:
        return
    hooked = set(Partner.objects.filter(pk__in=partner_ids).exclude(webhook_url="").values_list("pk", flat=True))
    keys = {f"{EVENT_CREATED}:{c.id}": c.id for c in created if c.partner_id in hooked}
    if not keys:
        return
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(escalation_id=pk, event=EVENT_CREATED, idempotency_key=key) for key, pk in keys.items()],
        ignore_conflicts=True,
    )
    ids = list(
        WebhookDelivery.objects.filter(idempotency_key__in=keys, status=Status.PENDING).values_list("pk", flat=True)
    )
    # robust: a broker that is down must not fail the request; the sweep queues them later.
    transaction.on_commit(lambda: _send_tasks(ids), robust=True)


def _send_tasks(ids: list[int]) -> None:
    for pk in ids:
        current_app.send_task(TASK_NAME, args=[pk])


def deliveries_lost(*, now: datetime | None = None, grace: timedelta | None = None) -> list[int]:
    """Pending deliveries that are due and have waited `grace` beyond that: their task
    was lost with the broker, or never sent."""
    now = now or timezone.now()
    grace = grace if grace is not None else timedelta(seconds=2 * settings.ESCALATION_SCAN_SECONDS)
    due = WebhookDelivery.objects.filter(status=Status.PENDING).filter(
        Q(next_attempt_at__lte=now - grace) | Q(next_attempt_at__isnull=True, created_at__lte=now - grace)
    )
    return list(due.order_by("id").values_list("pk", flat=True)[:1000])


def deliveries_requeue(*, now: datetime | None = None) -> int:
    """Queue a task again for each lost delivery; the lease keeps a duplicate harmless."""
    ids = deliveries_lost(now=now)
    _send_tasks(ids)
    return len(ids)


# One attempt -----------------------------------------------------------------------------


def webhook_attempt(*, delivery_id: int, now: datetime | None = None) -> Attempt:
    """Make one attempt at a delivery, if it is due and nobody else is making one."""
    now = now or timezone.now()
    delivery = _lease(delivery_id, now)
    if delivery is None:
        return Attempt()
    try:
        _post(delivery)
    except WebhookError as error:
        return _record_failure(delivery, str(error), now=now)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=Status.DELIVERED, delivered_at=timezone.now(), last_error="", next_attempt_at=None
    )
    return Attempt()


def _lease(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    """Count the attempt and hold the delivery until it can have timed out, so a second
    task (a retry and the sweep at once) does not post it at the same time."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("escalation__partner", "escalation__ad__category", "escalation__ad__neighbourhood")
            .filter(pk=delivery_id, status=Status.PENDING)
            .first()
        )
        if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > now):
            return None
        if delivery.escalation.state not in LIVE_STATES:
            # Cancelled (consent withdrawn, a neighbour replied, the request ended) or
            # closed while a retry waited: the partner must not get the request now.
            delivery.status, delivery.next_attempt_at = Status.CANCELLED, None
            delivery.save(update_fields=["status", "next_attempt_at"])
            return None
        if delivery.attempts >= MAX_ATTEMPTS or not delivery.escalation.partner.webhook_url:
            delivery.status = Status.FAILED
            delivery.save(update_fields=["status"])
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


def _record_failure(delivery: WebhookDelivery, error: str, *, now: datetime) -> Attempt:
    logger.warning("webhook delivery %s, attempt %s failed: %s", delivery.pk, delivery.attempts, error)
    if delivery.attempts >= MAX_ATTEMPTS:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.FAILED, last_error=error[:300], next_attempt_at=None
        )
        return Attempt()
    wait = backoff(delivery.attempts)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(last_error=error[:300], next_attempt_at=now + wait)
    return Attempt(retry_in=wait.total_seconds())


def payload(delivery: WebhookDelivery) -> dict:
    """What the partner's system gets: the request and where to act on it. Contact
    details are not sent; staff read them in the inbox, with the resident's consent."""
    escalation: Escalation = delivery.escalation
    ad = escalation.ad
    return {
        "event": delivery.event,
        "idempotency_key": delivery.idempotency_key,
        "escalation": {
            "id": escalation.pk,
            "step": escalation.step,
            "created_at": escalation.created_at.isoformat(),
            "url": settings.SITE_URL + notify.escalation_url(escalation.pk),
            "api_url": f"{settings.SITE_URL}/api/v1/escalations/{escalation.pk}/",
        },
        "request": {
            "id": ad.pk,
            "title": ad.title,
            "description": ad.description,
            "category": ad.category.slug,
            "neighbourhood": ad.neighbourhood.slug,
            "urgency": ad.urgency,
            "wanted_on": ad.wanted_on.isoformat() if ad.wanted_on else None,
            "created_at": ad.created_at.isoformat(),
        },
    }


def _post(delivery: WebhookDelivery) -> None:
    partner = delivery.escalation.partner
    body = json.dumps(payload(delivery), separators=(",", ":")).encode()
    request = urllib.request.Request(  # noqa: S310 - the coordinator sets an http(s) URL in the admin
        partner.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "SamSam-Webhook/1",
            "X-SamSam-Event": delivery.event,
            "X-SamSam-Signature": signature(partner.webhook_secret, body),
            "Idempotency-Key": delivery.idempotency_key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            response.read(1024)
    except urllib.error.HTTPError as error:  # a non-2xx answer
        raise WebhookError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, HTTPException, OSError) as error:
        raise WebhookError(f"{type(error).__name__}: {getattr(error, 'reason', error)}") from None
