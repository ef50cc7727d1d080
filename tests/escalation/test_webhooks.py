"""Partner webhooks against a real local receiver (http.server in a thread): signed,
idempotent, cut off at the timeout, retried with backoff, then marked failed."""

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery import Celery
from django.test import Client
from django.urls import reverse

from ads.escalation import webhooks
from ads.escalation.models import Escalation, WebhookDelivery
from ads.escalation.services import escalation_consent_record, escalation_scan
from ads.services import reply_post
from tests.escalation import processes as p
from tests.escalation.conftest import HOUR, MINUTE, NOW

SECRET = "s3cret-of-the-partner"


class Receiver(ThreadingHTTPServer):
    """A partner's system: answers `fail_first` POSTs with 500 (or hangs on them), then
    accepts, recording each idempotency key it accepted."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.fail_first = 0
        self.hang_first = 0
        self.hang_seconds = 0.0
        self.calls: list[dict] = []
        self.accepted: dict[str, int] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:  # the http.server API names it so
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server = self.server
        server.calls.append({"body": body, "headers": dict(self.headers)})
        number = len(server.calls)
        if number <= server.hang_first:
            time.sleep(server.hang_seconds)
        elif number <= server.hang_first + server.fail_first:
            self.send_response(500)
            self.end_headers()
            return
        else:
            key = self.headers["Idempotency-Key"]
            server.accepted[key] = server.accepted.get(key, 0) + 1
        try:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the sender gave up waiting

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def hooked(ladder, receiver, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    settings.WEBHOOK_BACKOFF_SECONDS = 30
    ladder.care.webhook_url, ladder.care.webhook_secret = receiver.url, SECRET
    ladder.care.save()
    ad = ladder.request(age=48 * HOUR, title="Boodschappen halen")
    with django_capture_on_commit_callbacks() as callbacks:
        escalation_scan(now=NOW)
    escalation = Escalation.objects.get(ad=ad, partner=ladder.care)
    return WebhookDelivery.objects.get(escalation=escalation), callbacks


def attempt(delivery: WebhookDelivery, at) -> webhooks.Attempt:
    return webhooks.webhook_attempt(delivery_id=delivery.pk, now=at)


def test_a_new_escalation_of_a_partner_with_a_webhook_gets_one_delivery(ladder, hooked):
    delivery, callbacks = hooked
    assert (delivery.event, delivery.status, delivery.attempts) == ("escalation.created", "pending", 0)
    assert delivery.idempotency_key == f"escalation.created:{delivery.escalation_id}"
    ours = [c for c in callbacks if "deliveries_queue" in getattr(c, "__qualname__", "")]
    assert len(ours) == 1  # the task is queued after commit
    escalation_scan(now=NOW + MINUTE)  # a second scan adds nothing
    assert WebhookDelivery.objects.count() == 1
    # Another partner without a webhook, and the workers, get none.
    ad = ladder.request(age=48 * HOUR, category=ladder.company)
    escalation_scan(now=NOW)
    assert not WebhookDelivery.objects.filter(escalation__ad=ad).exists()


def test_the_signature_verifies_with_the_partners_secret(ladder, hooked, receiver):
    delivery, _ = hooked
    assert attempt(delivery, NOW) == webhooks.Attempt()
    [call] = receiver.calls
    body, headers = call["body"], call["headers"]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Samsam-Signature"], expected)
    wrong = "sha256=" + hmac.new(b"another secret", body, hashlib.sha256).hexdigest()
    assert headers["X-Samsam-Signature"] != wrong
    assert headers["Idempotency-Key"] == delivery.idempotency_key
    assert headers["Content-Type"] == "application/json"
    payload = json.loads(body)
    assert payload["escalation"]["id"] == delivery.escalation_id
    assert payload["request"]["title"] == "Boodschappen halen"
    assert "phone" not in body.decode() and ladder.author.email not in body.decode()  # no contact details
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)


def test_a_receiver_that_fails_three_times_then_succeeds_accepts_exactly_once(hooked, receiver):
    delivery, _ = hooked
    receiver.fail_first = 3
    moment, waits = NOW, []
    for _ in range(webhooks.MAX_ATTEMPTS):
        result = attempt(delivery, moment)
        if result.retry_in is None:
            break
        waits.append(result.retry_in)
        assert attempt(delivery, moment).retry_in is None  # a second task before the backoff does nothing
        moment += webhooks.backoff(len(waits))
    assert waits == [30, 60, 120]  # exponential backoff
    assert len(receiver.calls) == 4
    assert receiver.accepted == {delivery.idempotency_key: 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 4, "")
    assert attempt(delivery, moment + HOUR) == webhooks.Attempt()  # delivered: never again
    assert len(receiver.calls) == 4


def test_a_receiver_that_hangs_is_cut_off_at_the_timeout_and_retried(hooked, receiver):
    delivery, _ = hooked
    receiver.hang_first, receiver.hang_seconds = 1, 3.0
    started = time.monotonic()
    result = attempt(delivery, NOW)
    took = time.monotonic() - started
    assert 0.9 <= took < 2.5, took  # WEBHOOK_TIMEOUT_SECONDS = 1
    assert result.retry_in == 30
    delivery.refresh_from_db()
    assert delivery.status == "pending" and "timed out" in delivery.last_error.lower()
    assert attempt(delivery, NOW + webhooks.backoff(1)) == webhooks.Attempt()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert receiver.accepted == {delivery.idempotency_key: 1}


def test_after_five_failures_it_is_marked_failed_and_shown_to_the_workers(ladder, hooked, receiver):
    delivery, _ = hooked
    receiver.fail_first = 100
    moment = NOW
    for number in range(1, webhooks.MAX_ATTEMPTS + 1):
        result = attempt(delivery, moment)
        if number < webhooks.MAX_ATTEMPTS:
            moment += webhooks.backoff(number)
    assert result == webhooks.Attempt()
    assert len(receiver.calls) == webhooks.MAX_ATTEMPTS
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 5, "HTTP 500")
    assert attempt(delivery, moment + HOUR) == webhooks.Attempt()
    assert len(receiver.calls) == webhooks.MAX_ATTEMPTS  # no sixth attempt
    worker = Client(HTTP_ACCEPT_LANGUAGE="en")
    worker.force_login(ladder.worker)
    ad_page = worker.get(reverse("ads:detail", args=[delivery.escalation.ad_id])).content.decode()
    assert "Thuiszorg Noord: Failed after 5 attempts." in ad_page
    inbox = worker.get(reverse("escalations:inbox")).content.decode()
    assert "could not be delivered" in inbox and "failed after 5 attempts" in inbox


@pytest.mark.parametrize("stop", ["consent_withdrawn", "neighbour_replied"])
def test_a_delivery_waiting_for_a_retry_is_not_sent_once_its_escalation_is_cancelled(ladder, hooked, receiver, stop):
    delivery, _ = hooked
    receiver.fail_first = 1
    assert attempt(delivery, NOW).retry_in == 30  # the partner's system was down
    ad = delivery.escalation.ad
    if stop == "consent_withdrawn":
        escalation_consent_record(ad=ad, worker=ladder.worker, consent=False, now=NOW + MINUTE)
    else:
        reply_post(ad=ad, author=ladder.offerer, body="Ik help graag.", now=NOW + MINUTE)
    assert Escalation.objects.get(pk=delivery.escalation_id).state == "cancelled"
    assert attempt(delivery, NOW + HOUR) == webhooks.Attempt()
    assert len(receiver.calls) == 1  # the retry did not send the request to the partner
    delivery.refresh_from_db()
    assert delivery.status == "cancelled"
    assert webhooks.deliveries_lost(now=NOW + 2 * HOUR) == []  # and the sweep leaves it alone


def test_a_delivery_whose_task_was_lost_is_found_again(hooked):
    delivery, _ = hooked
    grace = timedelta(minutes=2)
    assert webhooks.deliveries_lost(now=delivery.created_at + MINUTE, grace=grace) == []  # its task may still come
    assert webhooks.deliveries_lost(now=delivery.created_at + 3 * MINUTE, grace=grace) == [delivery.pk]
    attempt(delivery, delivery.created_at + 3 * MINUTE)
    assert webhooks.deliveries_lost(now=delivery.created_at + HOUR, grace=grace) == []  # delivered


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_celery_worker_retries_with_backoff_until_accepted(ladder, receiver, tmp_path):
    """The real thing: a worker process, the shared Redis as broker, Celery's own retry."""
    ladder.care.webhook_url, ladder.care.webhook_secret = receiver.url, SECRET
    ladder.care.save()
    ad = ladder.request(age=48 * HOUR)
    escalation_scan(now=NOW)
    delivery = WebhookDelivery.objects.get(escalation__ad=ad)
    receiver.fail_first = 3
    broker, queue = p.shared_redis_db9(), f"webhooks-{uuid.uuid4().hex[:10]}"
    env = p.child_env(CELERY_BROKER_URL=broker, WEBHOOK_BACKOFF_SECONDS="1", WEBHOOK_TIMEOUT_SECONDS="2")
    worker = p.worker(queue, env, tmp_path / "worker.log")
    try:
        sender = Celery("sender", broker=broker, set_as_current=False)
        sender.send_task(webhooks.TASK_NAME, args=[delivery.pk], queue=queue)
        sender.close()
        took = p.wait_until(
            lambda: WebhookDelivery.objects.filter(pk=delivery.pk, status="delivered").exists(), timeout=30
        )
    finally:
        p.kill(worker)
        p.forget_queue(broker, queue)
    assert took >= 1 + 2 + 4 - 0.5  # the backoff: 1 s, 2 s, 4 s
    assert receiver.accepted == {delivery.idempotency_key: 1}
    assert len(receiver.calls) == 4
    delivery.refresh_from_db()
    assert delivery.attempts == 4
