"""Exactly once under faults, with real processes against the test database: two scans
at once, a worker killed mid-scan, Redis lost with its data, two staff claiming at once."""

import json
import subprocess
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection, transaction

from ads.escalation import services
from ads.escalation.exceptions import EscalationAlreadyClaimed
from ads.escalation.models import Escalation
from ads.models import Ad
from tests import factories
from tests.escalation import processes as p

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCAN_SCRIPT = """
import json, os, sys, time
import django
django.setup()
from ads.escalation.services import escalation_scan
print("ready", flush=True)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.002)
print(json.dumps(escalation_scan().__dict__), flush=True)
"""


@pytest.fixture
def area():
    noord = factories.NeighbourhoodFactory(slug="noord")
    return noord, factories.category("boodschappen")


def test_two_scan_processes_at_once_create_each_escalation_once(area, tmp_path):
    partners = p.partners_covering(*area, count=2)
    ads = p.due_requests(*area, count=600, due_in=timedelta(0))
    env = p.child_env(ESCALATION_SCAN_BATCH_SIZE="20")
    go = tmp_path / "go"
    scans = [
        subprocess.Popen(
            [p.PYTHON, "-c", SCAN_SCRIPT, str(go)], cwd=p.ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    try:
        for scan in scans:
            assert scan.stdout.readline().strip() == "ready"
        go.touch()  # both start together
        results = [json.loads(scan.communicate(timeout=25)[0].splitlines()[-1]) for scan in scans]
    finally:
        for scan in scans:
            scan.kill() if scan.poll() is None else None
    assert sum(r["created"] for r in results) == 1200
    assert all(r["escalated"] > 0 for r in results)  # they really ran side by side
    p.assert_each_once(ads, partners)


@pytest.mark.redis
def test_worker_killed_mid_scan_then_restarted_creates_each_escalation_once(area, tmp_path):
    partners = p.partners_covering(*area, count=2)
    ads = p.due_requests(*area, count=300, due_in=timedelta(0))
    broker, queue = p.shared_redis_db9(), f"ladder-{uuid.uuid4().hex[:10]}"
    env = p.child_env(CELERY_BROKER_URL=broker, ESCALATION_SCAN_BATCH_SIZE="10")
    count = Escalation.objects.filter(ad__in=ads).count
    slow = p.worker(queue, {**env, "SAMSAM_TEST_SCAN_BATCH_DELAY": "0.15"}, tmp_path / "worker1.log")
    try:
        p.send_scan(broker, queue)
        p.wait_until(lambda: count() >= 60, timeout=20)
    finally:
        p.kill(slow)  # SIGKILL in the middle of the scan
    partial = count()
    assert 0 < partial < 600
    time.sleep(0.3)
    assert count() == partial  # the batch in flight was rolled back, nothing half-done

    restarted = p.worker(queue, env, tmp_path / "worker2.log")
    try:
        p.send_scan(broker, queue)  # beat's next tick
        p.wait_until(lambda: count() == 600, timeout=20)
        p.send_scan(broker, queue)  # and one more: changes nothing
        time.sleep(1)
    finally:
        p.kill(restarted)
        p.forget_queue(broker, queue)
    p.assert_each_once(ads, partners)


@pytest.mark.redis
def test_pool_process_killed_mid_scan_is_redelivered_and_finishes_once(area, tmp_path):
    partners = p.partners_covering(*area, count=2)
    ads = p.due_requests(*area, count=200, due_in=timedelta(0))
    broker, queue = p.shared_redis_db9(), f"ladder-{uuid.uuid4().hex[:10]}"
    env = p.child_env(CELERY_BROKER_URL=broker, ESCALATION_SCAN_BATCH_SIZE="10", SAMSAM_TEST_SCAN_BATCH_DELAY="0.1")
    count = Escalation.objects.filter(ad__in=ads).count
    worker = p.worker(queue, env, tmp_path / "worker.log", pool="prefork")
    try:
        p.send_scan(broker, queue)
        p.wait_until(lambda: count() >= 40, timeout=20)
        [child] = p.children(worker.pid)
        p.kill_pid(child)  # acks_late + reject_on_worker_lost: the message goes back on the queue
        assert count() < 400
        # No new message is sent: the redelivered one finishes the scan in a new pool process.
        p.wait_until(lambda: count() == 400, timeout=20)
    finally:
        p.kill(worker)
        p.forget_queue(broker, queue)
    assert "WorkerLostError" in (tmp_path / "worker.log").read_text()
    p.assert_each_once(ads, partners)


@pytest.mark.redis
def test_redis_lost_with_its_data_every_due_escalation_exists_within_two_scan_intervals(area, tmp_path):
    interval = 3
    partners = p.partners_covering(*area, count=1)
    port = p.free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    env = p.child_env(CELERY_BROKER_URL=broker, REDIS_URL=broker, ESCALATION_SCAN_SECONDS=str(interval))
    redis = p.redis_server(port, tmp_path)
    running = [redis]
    try:
        running += [p.worker("celery", env, tmp_path / "worker.log"), p.beat(env, tmp_path)]
        before = p.due_requests(*area, count=20, due_in=timedelta(0))
        p.wait_until(lambda: Escalation.objects.filter(ad__in=before).count() == 20, timeout=20)

        p.kill(redis)  # gone, with every queued message
        already_due = p.due_requests(*area, count=20, due_in=timedelta(0))
        falling_due = p.due_requests(*area, count=20, due_in=timedelta(seconds=2))
        time.sleep(3)
        assert not Escalation.objects.filter(ad__in=falling_due).exists()

        running.append(p.redis_server(port, tmp_path))  # back, empty
        later = already_due + falling_due
        took = p.wait_until(lambda: Escalation.objects.filter(ad__in=later).count() == 40, timeout=20)
        time.sleep(interval)  # another tick or two: nothing twice
    finally:
        for process in running:
            p.kill(process)
    print(f"due escalations complete {took:.2f} s after Redis returned (scan interval {interval} s)")
    assert took <= 2 * interval, f"took {took:.1f} s after Redis returned"
    p.assert_each_once(before + later, partners)


def test_two_staff_claiming_at_once_exactly_one_wins():
    noord = factories.NeighbourhoodFactory(slug="noord")
    partner = p.partners_covering(noord, factories.category("boodschappen"), count=1)[0]
    piet = partner.staff.get()
    pia = factories.UserFactory(neighbourhood=None, partner=partner)
    ad = p.due_requests(noord, factories.category("boodschappen"), count=1, due_in=timedelta(0))[0]
    services.escalation_scan()
    escalation = Escalation.objects.get(ad=ad)
    outcomes: dict[str, str] = {}

    def claim(staff) -> None:
        try:
            services.escalation_claim(escalation=escalation, staff=staff)
            outcomes[staff.display_name] = "won"
        except EscalationAlreadyClaimed:
            outcomes[staff.display_name] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(staff,)) for staff in (pia, piet)]
    # Hold the request's lock so both claims are waiting on it at the same moment.
    with transaction.atomic():
        Ad.objects.select_for_update().get(pk=ad.pk)
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        assert not outcomes  # both blocked
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(outcomes.values()) == ["conflict", "won"]
    escalation.refresh_from_db()
    assert escalation.state == "claimed"
    assert escalation.claimed_by.display_name == next(name for name, result in outcomes.items() if result == "won")
