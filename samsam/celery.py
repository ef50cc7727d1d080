import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsam.settings")

app = Celery("samsam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_soft_time_limit=60,
    task_time_limit=90,
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    # Beat wakes at least this often, so a changed schedule or a missed tick costs seconds.
    beat_max_loop_interval=5,
)
app.autodiscover_tasks()
app.autodiscover_tasks(["ads.escalation", "ads.moderation"])


@app.on_after_configure.connect
def _beat_schedule(sender: Celery, **kwargs) -> None:
    """The periodic jobs, in code. Each is idempotent and derives its work from the
    database, so a second beat started by mistake duplicates messages, never rows. A
    message older than its interval is dropped unread: the next run covers it."""
    from django.conf import settings

    every = float(settings.ESCALATION_SCAN_SECONDS)
    sender.conf.beat_schedule = {
        "escalation-scan": {"task": "ads.escalation.scan", "schedule": every, "options": {"expires": every}},
        "escalation-raise-unclaimed": {
            "task": "ads.escalation.raise_unclaimed",
            "schedule": every,
            "options": {"expires": every},
        },
        "heartbeat": {"task": "ads.escalation.heartbeat", "schedule": 60.0, "options": {"expires": 60.0}},
        "webhooks-sweep": {"task": "ads.escalation.webhooks_sweep", "schedule": every, "options": {"expires": every}},
    }
    # Notifications: expiry of old ads with the reminder to renew, the daily digests (sent
    # from NOTIFICATIONS_DIGEST_HOUR on, once a day per person) and the sweep of instant
    # emails whose task was lost. Hourly rather than daily: a missed tick costs an hour.
    hourly = float(settings.NOTIFICATIONS_JOB_SECONDS)
    for name, task in [
        ("ads-expire", "ads.expire"),
        ("ads-expiry-remind", "ads.expiry_remind"),
        ("notifications-digests", "notifications.digests"),
        ("notifications-email-sweep", "notifications.email_sweep"),
    ]:
        sender.conf.beat_schedule[name] = {"task": task, "schedule": hourly, "options": {"expires": hourly}}
    # Moderation: suspended accounts are let back in when their period is over.
    sender.conf.beat_schedule["moderation-suspensions-end"] = {
        "task": "ads.moderation.suspensions_end",
        "schedule": 300.0,
        "options": {"expires": 300.0},
    }
    # GDPR: accounts deleted more than 30 days ago are removed for good, once a day; so
    # are the postcodes of sign-ups that found no neighbourhood.
    daily = 24 * 60 * 60.0
    sender.conf.beat_schedule["accounts-postcode-misses-purge"] = {
        "task": "accounts.postcode_misses_purge",
        "schedule": daily,
        "options": {"expires": daily},
    }
    sender.conf.beat_schedule["accounts-purge-deleted"] = {
        "task": "accounts.purge_deleted",
        "schedule": daily,
        "options": {"expires": daily},
    }
