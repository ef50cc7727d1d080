"""Email: one per notification for "instant" however often its task runs, one digest a
day for "daily", none for "off"; each in the recipient's language."""

from datetime import date, datetime, timedelta
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import formats, timezone, translation

from notifications import emails, tasks
from notifications.messages import message
from notifications.models import DigestRun, Notification, Preference
from notifications.services import Target, notify
from tests import factories


def note_for(user, kind="reply.created", key=None, **params) -> Notification:
    params.setdefault("title", "Boodschappen op dinsdag")
    target = Target(type="ad", id=7, url="/advertenties/7/")
    return notify(recipient_id=user.pk, kind=kind, target=target, params=params, dedupe_key=key)


def prefer(user, email: str) -> None:
    Preference.objects.update_or_create(user=user, defaults={"email": email})


@pytest.fixture
def resident(db):
    return factories.UserFactory(language="en")


def test_instant_sends_one_email_even_when_the_task_runs_twice(resident):
    note = note_for(resident)
    tasks.email_instant([note.pk])
    tasks.email_instant([note.pk])  # a retry, or the message delivered twice
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resident.email]
    assert "/advertenties/7/" in mail.outbox[0].body
    assert Notification.objects.get(pk=note.pk).emailed_at is not None


def test_instant_is_the_default_and_each_notification_gets_its_own_email(resident):
    first, second = note_for(resident, key="a"), note_for(resident, key="b")
    tasks.email_instant([first.pk, second.pk])
    tasks.email_instant([second.pk, first.pk])
    assert len(mail.outbox) == 2


def test_a_failed_send_gives_the_claim_back_so_the_retry_sends_once(resident, settings):
    note = note_for(resident)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1  # nothing listens
    with pytest.raises(OSError):
        emails.email_instant_send(notification_id=note.pk)
    assert Notification.objects.get(pk=note.pk).emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert emails.email_instant_send(notification_id=note.pk) is True
    assert emails.email_instant_send(notification_id=note.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("choice", [Preference.Email.OFF, Preference.Email.DAILY])
def test_no_instant_email_for_off_or_daily(resident, choice):
    prefer(resident, choice)
    note = note_for(resident)
    tasks.email_instant([note.pk])
    assert mail.outbox == []
    assert Notification.objects.get(pk=note.pk).emailed_at is None


def test_no_email_without_an_address_or_for_a_deactivated_account(db):
    nobody = factories.UserFactory(email=None)
    gone = factories.UserFactory(is_active=False)
    present = factories.UserFactory()
    tasks.email_instant([note_for(nobody).pk, note_for(gone).pk, note_for(present).pk])
    assert [message.to for message in mail.outbox] == [[present.email]]


def test_a_deleted_notification_is_skipped_quietly(resident):
    note, kept = note_for(resident), note_for(resident)
    Notification.objects.filter(pk=note.pk).delete()
    tasks.email_instant([note.pk, kept.pk])
    assert [message.to for message in mail.outbox] == [[resident.email]]  # only the one that exists


def test_the_email_speaks_the_recipients_language(db):
    dutch, english = factories.UserFactory(language="nl"), factories.UserFactory(language="en")
    notes = {user.language: note_for(user) for user in (dutch, english)}
    tasks.email_instant([notes["nl"].pk, notes["en"].pk])
    sent = {m.to[0]: m for m in mail.outbox}
    for user in (dutch, english):
        note = notes[user.language]
        with translation.override(user.language):
            subject = "SamSam: " + message(note.kind, note.params)
            weekday = formats.date_format(timezone.localtime(note.created_at), "l")
        assert sent[user.email].subject == subject
        assert weekday in sent[user.email].body  # the date is written in their language
    with translation.override("nl"):
        dutch_day = formats.date_format(timezone.localtime(notes["nl"].created_at), "l")
    with translation.override("en"):
        assert dutch_day != formats.date_format(timezone.localtime(notes["nl"].created_at), "l")


# ---- daily digest ----


def at(hour: int, day: date | None = None) -> datetime:
    day = day or timezone.localdate()
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=hour)


def test_one_digest_a_day_groups_the_days_notifications_and_is_not_sent_twice(resident, settings):
    settings.NOTIFICATIONS_DIGEST_HOUR = 17
    prefer(resident, Preference.Email.DAILY)
    day = timezone.localdate()
    first = note_for(resident, key="a", title="Boodschappen")
    second = note_for(resident, key="b", kind="ad.helper_chosen", title="Tuin")
    Notification.objects.update(created_at=at(0, day) + timedelta(seconds=1))  # early this morning
    assert emails.digest_recipient_ids(now=at(16, day)) == []  # before the digest hour
    assert emails.digest_recipient_ids(now=at(18, day)) == [resident.pk]
    tasks.digest_send(resident.pk, day.isoformat())
    tasks.digest_send(resident.pk, day.isoformat())  # a second run, or a second beat
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    with translation.override("en"):
        assert message(first.kind, first.params) in body
        assert message(second.kind, second.params) in body
    assert "2" in mail.outbox[0].subject
    assert DigestRun.objects.get(recipient=resident, day=day).sent_at is not None
    assert not Notification.objects.filter(digested_at__isnull=True).exists()
    # A notification later that day waits for tomorrow's digest.
    note_for(resident, key="c")
    assert emails.digest_recipient_ids(now=at(20, day)) == []
    assert emails.digest_send(recipient_id=resident.pk, day=day) is False
    tomorrow = day + timedelta(days=1)
    assert emails.digest_recipient_ids(now=at(18, tomorrow)) == [resident.pk]
    assert emails.digest_send(recipient_id=resident.pk, day=tomorrow, now=at(18, tomorrow)) is True
    assert len(mail.outbox) == 2


def test_no_digest_for_instant_off_or_without_news(db):
    users = {choice: factories.UserFactory() for choice in Preference.Email.values}
    for choice, user in users.items():
        prefer(user, choice)
        if choice != Preference.Email.DAILY:
            note_for(user)
    now = at(23)
    assert emails.digest_recipient_ids(now=now) == []
    for user in users.values():
        assert emails.digest_send(recipient_id=user.pk, day=now.date(), now=now) is False
    assert mail.outbox == []


def test_an_instant_email_already_sent_is_not_in_the_digest_after_a_switch_to_daily(resident):
    sent = note_for(resident, key="a")
    tasks.email_instant([sent.pk])
    prefer(resident, Preference.Email.DAILY)
    waiting = note_for(resident, key="b", title="Nieuw")
    now = at(23)
    assert emails.digest_send(recipient_id=resident.pk, day=now.date(), now=now) is True
    assert len(mail.outbox) == 2
    digest = mail.outbox[1].body
    with translation.override("en"):
        assert message(waiting.kind, waiting.params) in digest
        assert message(sent.kind, sent.params) not in digest


def test_the_digest_speaks_the_recipients_language(db):
    now = at(23)
    for language in ("nl", "en"):
        user = factories.UserFactory(language=language)
        prefer(user, Preference.Email.DAILY)
        note_for(user)
        emails.digest_send(recipient_id=user.pk, day=now.date(), now=now)
        with translation.override(language):
            weekday = formats.date_format(now.date(), "l")
        assert weekday in mail.outbox[-1].subject


# ---- the sweep: instant emails whose task was lost (the broker was down) ----


def test_the_sweep_finds_instant_notifications_left_unemailed(db):
    instant, off = factories.UserFactory(), factories.UserFactory()
    prefer(off, Preference.Email.OFF)
    lost, recent, sent = (note_for(instant, key=k) for k in "abc")
    not_wanted = note_for(off)
    now = timezone.now()
    Notification.objects.filter(pk__in=[lost.pk, sent.pk, not_wanted.pk]).update(created_at=now - timedelta(hours=1))
    tasks.email_instant([sent.pk])
    assert emails.instant_unsent_ids(now=now) == [lost.pk]  # `recent` may still be on its way
    Notification.objects.filter(pk=lost.pk).update(created_at=now - timedelta(days=3))
    assert emails.instant_unsent_ids(now=now) == []  # too old to send now
    assert emails.instant_unsent_ids(now=now + timedelta(minutes=15)) == [recent.pk]


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses the address (550): sending again will not help."""

    def send_messages(self, messages) -> int:
        raise SMTPRecipientsRefused({m.to[0]: (550, b"no such user") for m in messages})


def test_a_refused_address_is_not_retried_forever(resident, settings):
    note = note_for(resident)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    tasks.email_instant([note.pk])  # no exception: nothing to retry
    assert Notification.objects.get(pk=note.pk).emailed_at is not None
    assert emails.instant_unsent_ids(now=timezone.now() + timedelta(minutes=15)) == []


def test_a_refused_address_gets_no_digest_retries(resident, settings):
    prefer(resident, Preference.Email.DAILY)
    note = note_for(resident)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    day = timezone.localdate()
    assert emails.digest_send(recipient_id=resident.pk, day=day) is False  # no exception: nothing to retry
    assert DigestRun.objects.get(recipient=resident, day=day).sent_at is not None
    assert Notification.objects.get(pk=note.pk).digested_at is not None


def test_a_failed_digest_gives_the_claim_back_so_the_retry_sends_once(resident, settings):
    prefer(resident, Preference.Email.DAILY)
    note = note_for(resident)
    day = timezone.localdate()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1  # nothing listens
    with pytest.raises(OSError):
        emails.digest_send(recipient_id=resident.pk, day=day)
    assert Notification.objects.get(pk=note.pk).digested_at is None
    assert DigestRun.objects.get(recipient=resident, day=day).sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert emails.digest_send(recipient_id=resident.pk, day=day) is True
    assert emails.digest_send(recipient_id=resident.pk, day=day) is False
    assert len(mail.outbox) == 1


class TransactionNotingBackend(BaseEmailBackend):
    """Notes whether a database transaction is open while the mail server is talked to."""

    in_transaction: list[bool] = []

    def send_messages(self, messages) -> int:
        TransactionNotingBackend.in_transaction.append(transaction.get_connection().in_atomic_block)
        return len(messages)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_digest_is_sent_after_its_claim_is_committed(settings):
    # A slow mail server must not hold the DigestRun lock (or any transaction) open.
    user = factories.UserFactory()
    prefer(user, Preference.Email.DAILY)
    note_for(user)
    settings.EMAIL_BACKEND = f"{__name__}.TransactionNotingBackend"
    TransactionNotingBackend.in_transaction = []
    assert emails.digest_send(recipient_id=user.pk, day=timezone.localdate()) is True
    assert TransactionNotingBackend.in_transaction == [False]
