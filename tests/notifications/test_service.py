"""notify(): stored first, deduplicated, then delivered after commit (push and email task)."""

import time

import orjson
import pytest
from django.conf import settings
from django.db import transaction
from redis import Redis

from notifications.models import Notification, Preference
from notifications.services import Target, notification_build, notify, notify_many
from tests import factories

TARGET = Target(type="ad", id=7, url="/advertenties/7/")


def test_notify_stores_the_notification(db):
    user = factories.UserFactory()
    note = notify(recipient_id=user.pk, kind="ad.match", target=TARGET, params={"title": "Tuin"})
    stored = Notification.objects.get(pk=note.pk)
    assert (stored.recipient_id, stored.kind, stored.target_type, stored.target_id) == (user.pk, "ad.match", "ad", 7)
    assert (stored.target_url, stored.params, stored.read_at) == ("/advertenties/7/", {"title": "Tuin"}, None)


def test_a_dedupe_key_stores_an_event_once_per_recipient(db):
    anna, bram = factories.UserFactory(), factories.UserFactory()
    assert notify(recipient_id=anna.pk, kind="ad.match", target=TARGET, dedupe_key="k") is not None
    assert notify(recipient_id=anna.pk, kind="ad.match", target=TARGET, dedupe_key="k") is None
    assert notify(recipient_id=bram.pk, kind="ad.match", target=TARGET, dedupe_key="k") is not None
    assert Notification.objects.count() == 2


def test_notify_many_skips_known_and_repeated_keys_in_a_constant_number_of_queries(db, django_assert_max_num_queries):
    users = [factories.UserFactory() for _ in range(30)]
    notify(recipient_id=users[0].pk, kind="x", target=TARGET, dedupe_key="k")
    notes = [notification_build(recipient_id=u.pk, kind="x", target=TARGET, dedupe_key="k") for u in users]
    notes += [notification_build(recipient_id=users[1].pk, kind="x", target=TARGET, dedupe_key="k")]
    notes += [notification_build(recipient_id=u.pk, kind="y", target=TARGET) for u in users[:5]]
    with django_assert_max_num_queries(8):
        created = notify_many(notes)
    assert len(created) == 29 + 5
    assert all(note.pk for note in created)
    assert Notification.objects.filter(kind="x").count() == 30


def test_email_tasks_are_queued_only_after_commit_and_only_for_instant(db, django_capture_on_commit_callbacks):
    instant, daily, off = (factories.UserFactory() for _ in range(3))
    no_address = factories.UserFactory(email=None)
    Preference.objects.create(user=daily, email="daily")
    Preference.objects.create(user=off, email="off")
    with django_capture_on_commit_callbacks() as callbacks:
        notes = notify_many(
            notification_build(recipient_id=u.pk, kind="x", target=TARGET) for u in (instant, daily, off, no_address)
        )
        assert Notification.objects.count() == 4  # stored first, inside the transaction
    # One push per recipient and one email task for the only "instant" recipient with an address.
    assert len(callbacks) == 4 + 1
    assert [n.recipient_id for n in notes] == [instant.pk, daily.pk, off.pk, no_address.pk]


def test_a_rolled_back_event_leaves_no_notification_and_queues_nothing(db, django_capture_on_commit_callbacks):
    user = factories.UserFactory()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        notify(recipient_id=user.pk, kind="x", target=TARGET)
        raise RuntimeError
    assert callbacks == [] and not Notification.objects.exists()
    with django_capture_on_commit_callbacks() as callbacks:  # committed, the same call stores and delivers
        notify(recipient_id=user.pk, kind="x", target=TARGET)
    assert callbacks and Notification.objects.filter(recipient=user).count() == 1


@pytest.mark.redis
def test_the_push_carries_only_type_and_cursor_and_goes_out_after_commit(db, django_capture_on_commit_callbacks):
    assert settings.LIVE_TRANSPORT == "redis"
    user = factories.UserFactory()
    redis = Redis.from_url(settings.REDIS_URL)
    subscription = redis.pubsub(ignore_subscribe_messages=True)
    subscription.subscribe(settings.LIVE_REDIS_CHANNEL)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            first = notify(recipient_id=user.pk, kind="reply.created", target=TARGET, params={"title": "Geheim"})
            second = notify(recipient_id=user.pk, kind="reply.created", target=TARGET, params={"title": "Geheim"})
        assert _mine(subscription, user.pk, wait=0.3) == []  # nothing before commit
        for callback in callbacks:
            callback()  # the commit
        pushes = _mine(subscription, user.pk, wait=2)
    finally:
        subscription.close()
        redis.close()
    events = [push["event"] for push in pushes]
    assert {"type": "notification.created", "cursor": second.pk} in events
    assert {"type": "notification.created", "cursor": first.pk} in events
    assert all(set(event) == {"type", "cursor"} for event in events)
    assert all(b"Geheim" not in orjson.dumps(push) for push in pushes)


def _mine(subscription, user_id: int, *, wait: float) -> list[dict]:
    found, deadline = [], time.monotonic() + wait
    while time.monotonic() < deadline:
        message = subscription.get_message(timeout=0.05)
        if message is not None:
            envelope = orjson.loads(message["data"])
            if envelope["group"] == f"user.{user_id}":
                found.append(envelope)
    return found
