"""A real Celery worker process against Redis sends one email per notification, even
when the same task message arrives again (a retry, a redelivery after a crash)."""

from email import message_from_bytes
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import transaction

from notifications.models import Notification
from notifications.services import Target, notify
from tests import factories
from tests.escalation import processes as p

# serialized_rollback: the flush after each test must not leave the next one without
# the rows that migrations made (content types, categories).
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sent_mail(folder: Path) -> list:
    messages = []
    for path in folder.glob("*.log"):
        # The file backend writes each message followed by a line of dashes.
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                messages.append(message_from_bytes(chunk.strip()))
    return messages


def succeeded(log: Path) -> int:
    lines = log.read_text(errors="replace").splitlines()
    return sum("notifications.email_instant[" in line and " succeeded in " in line for line in lines)


def test_a_real_worker_sends_one_email_even_when_the_task_runs_twice(tmp_path):
    # The default queue of this test run's own Redis database: the one notify() queues on.
    broker, queue = settings.CELERY_BROKER_URL, "celery"
    assert broker.startswith("redis://")
    p.forget_queue(broker, queue)  # what earlier tests queued and nobody ran
    mail_dir = tmp_path / "mail"
    env = p.child_env(
        CELERY_BROKER_URL=broker,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )
    log = tmp_path / "worker.log"
    worker = p.worker(queue, env, log)
    sender = Celery("sender", broker=broker, set_as_current=False)
    try:
        user = factories.UserFactory(language="en")
        with transaction.atomic():  # committed for real: the worker is another process
            note = notify(recipient_id=user.pk, kind="ad.match", target=Target("ad", 7, "/advertenties/7/"), params={})
        p.wait_until(lambda: succeeded(log) >= 1, timeout=20)  # the task notify() queued on commit
        for _ in range(2):  # the same task again, as if retried or delivered again after a crash
            sender.send_task("notifications.email_instant", args=[[note.pk]], queue=queue)
        p.wait_until(lambda: succeeded(log) >= 3, timeout=20)
    finally:
        p.kill(worker)
        sender.close()
        p.forget_queue(broker, queue)
    messages = sent_mail(mail_dir)
    assert len(messages) == 1
    assert messages[0]["To"] == user.email
    assert Notification.objects.get(pk=note.pk).emailed_at is not None
