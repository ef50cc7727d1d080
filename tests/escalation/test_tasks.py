"""The Celery tasks as plain calls, the beat schedule, and /healthz's heartbeat."""

from django.test import Client
from django.utils import timezone

from ads.escalation import tasks
from ads.escalation.models import Escalation, Heartbeat
from samsam.celery import app
from tests import factories
from tests.escalation.conftest import HOUR


def test_beat_schedule_runs_the_scan_the_raise_and_the_canary():
    tasks_scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "ads.escalation.scan",
        "ads.escalation.raise_unclaimed",
        "ads.escalation.heartbeat",
        "ads.escalation.webhooks_sweep",
    } <= tasks_scheduled
    assert app.conf.beat_max_loop_interval <= 10
    assert {"ads.escalation.scan", "ads.escalation.heartbeat"} <= set(app.tasks)


def test_scan_task_uses_the_real_clock(ladder):
    ad = factories.AdFactory(author=ladder.author, escalation_consent=True, created_at=timezone.now() - 49 * HOUR)
    tasks.escalation_scan()
    tasks.escalations_raise_unclaimed()
    assert Escalation.objects.filter(ad=ad).count() == 1


def test_healthz_reports_the_heartbeat_age(db):
    assert Client().get("/healthz").json()["heartbeat_age_seconds"] is None
    tasks.heartbeat()
    assert Heartbeat.objects.get(name="celery")
    body = Client().get("/healthz").json()
    assert 0 <= body["heartbeat_age_seconds"] < 5
