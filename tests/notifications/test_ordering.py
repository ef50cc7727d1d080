"""One recipient's notifications commit in id order, so "everything after cursor N" never
skips one that commits late (PostgreSQL: a per-recipient lock held until commit)."""

import threading
import time

import pytest
from django.db import connections, transaction

from notifications.models import Notification
from notifications.selectors import notifications_since
from notifications.services import Target, notify
from tests import factories

# serialized_rollback: the flush after each test must not leave the next one without
# the rows that migrations made (content types, categories).
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
TARGET = Target(type="ad", id=7, url="/advertenties/7/")


def test_a_second_notification_for_the_same_recipient_waits_for_the_first_to_commit():
    anna, bram = factories.UserFactory(), factories.UserFactory()
    first_stored, release, done = threading.Event(), threading.Event(), {}

    def slow() -> None:
        try:
            with transaction.atomic():
                done["first"] = notify(recipient_id=anna.pk, kind="x", target=TARGET).pk
                first_stored.set()
                release.wait(5)
        finally:
            connections.close_all()

    def fast(user, name: str) -> None:
        try:
            with transaction.atomic():
                done[name] = notify(recipient_id=user.pk, kind="x", target=TARGET).pk
        finally:
            connections.close_all()

    threads = [threading.Thread(target=slow)]
    threads[0].start()
    assert first_stored.wait(5)
    threads += [
        threading.Thread(target=fast, args=(anna, "second")),
        threading.Thread(target=fast, args=(bram, "other")),
    ]
    for thread in threads[1:]:
        thread.start()
    threads[2].join(5)
    assert "other" in done  # another recipient is not held up
    time.sleep(0.3)
    assert "second" not in done  # Anna's second waits for her first to commit
    seen = notifications_since(recipient_id=anna.pk, since=0)
    assert seen.notifications == []  # nothing committed yet, so no cursor can pass the first
    release.set()
    for thread in threads:
        thread.join(5)
    assert done["first"] < done["second"]
    assert list(Notification.objects.filter(recipient=anna).order_by("id").values_list("id", flat=True)) == [
        done["first"],
        done["second"],
    ]


def test_a_recipient_held_too_long_is_stored_anyway(monkeypatch):
    from notifications import services

    monkeypatch.setattr(services, "LOCK_WAIT", 0.2)
    anna = factories.UserFactory()
    stored, release = threading.Event(), threading.Event()

    def holder() -> None:
        try:
            with transaction.atomic():
                notify(recipient_id=anna.pk, kind="x", target=TARGET)
                stored.set()
                release.wait(5)
        finally:
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert stored.wait(5)
        started = time.monotonic()
        with transaction.atomic():
            assert notify(recipient_id=anna.pk, kind="x", target=TARGET) is not None
        assert 0.2 <= time.monotonic() - started < 2
    finally:
        release.set()
        thread.join(5)
    assert Notification.objects.filter(recipient=anna).count() == 2
