"""Real processes for the fault tests: scans, Celery workers, beat and a private Redis,
all pointed at the test database."""

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from celery import Celery
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from redis import Redis

from accounts.models import Neighbourhood, Partner
from ads.escalation.models import Escalation, EscalationStep
from ads.models import Ad, Category
from notifications.models import Notification
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CELERY = str(ROOT / ".venv" / "bin" / "celery")


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samsam.settings", "DATABASE_URL": database_url()}
    env.update(REDIS_URL="", DATABASE_CONN_MAX_AGE="0", PYTHONUNBUFFERED="1", LOG_LEVEL="INFO")
    env.update(extra)
    return env


def shared_redis_db9() -> str:
    """The machine's Redis (REDIS_URL), database 9: the broker for the worker tests."""
    parts = urlsplit(settings.REDIS_URL)
    return urlunsplit((parts.scheme, parts.netloc, "/9", "", ""))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # A session of its own, so that killpg reaches the process and its children.
    with log.open("ab") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the process and everything it started; no clean shutdown."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def kill_pid(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    return [int(line) for line in out.split()]


def wait_until(condition: Callable[[], bool], *, timeout: float, step: float = 0.05) -> float:
    """Seconds it took for `condition` to hold; fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(step)
    return time.monotonic() - started


def wait_for_log(log: Path, text: str, *, timeout: float) -> None:
    try:
        wait_until(lambda: text in log.read_text(errors="replace"), timeout=timeout, step=0.1)
    except AssertionError:
        raise AssertionError(f"{text!r} not in {log}:\n{log.read_text(errors='replace')[-3000:]}") from None


def worker(queue: str, env: dict[str, str], log: Path, *, pool: str = "solo") -> subprocess.Popen:
    args = [CELERY, "-A", "samsam", "worker", "-Q", queue, "-n", f"{queue}@%h", "-l", "info"]
    args += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    args += ["--pool=solo"] if pool == "solo" else ["--pool=prefork", "--concurrency=1"]
    process = start(args, env, log)
    wait_for_log(log, " ready.", timeout=25)
    return process


def beat(env: dict[str, str], tmp: Path) -> subprocess.Popen:
    args = [
        CELERY,
        "-A",
        "samsam",
        "beat",
        "-l",
        "info",
        "-s",
        str(tmp / "schedule"),
        "--pidfile",
        str(tmp / "beat.pid"),
    ]
    return start(args, env, tmp / "beat.log")


def send_scan(broker: str, queue: str = "celery") -> None:
    """What beat does every interval: one message asking for a scan."""
    sender = Celery("sender", broker=broker, set_as_current=False)
    try:
        sender.send_task("ads.escalation.scan", queue=queue)
    finally:
        sender.close()


def forget_queue(broker: str, queue: str) -> None:
    """Remove what a killed worker left of a test queue in the shared Redis (its
    unacknowledged message would otherwise come back in an hour, to nobody)."""
    client = Redis.from_url(broker)
    try:
        for tag, raw in client.hgetall("unacked").items():
            if json.loads(raw)[-1] == queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
        client.delete(queue, f"_kombu.binding.{queue}")
    finally:
        client.close()


def redis_server(port: int, tmp: Path) -> subprocess.Popen:
    """A private Redis without persistence: killed, it comes back empty."""
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = start([*args, "--dir", str(tmp)], os.environ.copy(), tmp / f"redis-{port}.log")
    wait_for_log(tmp / f"redis-{port}.log", "Ready to accept connections", timeout=10)
    return process


# Data ------------------------------------------------------------------------------------


def partners_covering(neighbourhood: Neighbourhood, category: Category, count: int) -> list[Partner]:
    partners = []
    for _ in range(count):
        partner = factories.PartnerFactory()
        factories.cover(partner, [neighbourhood], [category])
        factories.UserFactory(neighbourhood=None, partner=partner)
        partners.append(partner)
    return partners


def due_requests(neighbourhood: Neighbourhood, category: Category, count: int, *, due_in: timedelta) -> list[Ad]:
    """`count` consenting requests that reach the 48-hour threshold `due_in` from now."""
    author = factories.UserFactory(neighbourhood=neighbourhood)
    created = timezone.now() - timedelta(hours=48) + due_in
    ads = [
        Ad(
            kind=Ad.Kind.REQUEST,
            category=category,
            title=f"Hulp {i}",
            description="Boodschappen",
            neighbourhood=neighbourhood,
            author=author,
            escalation_consent=True,
            created_at=created,
        )
        for i in range(count)
    ]
    return Ad.objects.bulk_create(ads)


def assert_each_once(ads: list[Ad], partners: list[Partner]) -> None:
    """Every (request, partner) escalated exactly once, with one history step and one
    notification per staff member: nothing missing, nothing twice."""
    expected = {(ad.pk, partner.pk) for ad in ads for partner in partners}
    rows = Escalation.objects.filter(ad__in=ads)
    assert set(rows.values_list("ad_id", "partner_id")) == expected
    assert rows.count() == len(expected)
    assert not rows.values("ad", "partner").annotate(n=Count("id")).filter(n__gt=1).exists()
    steps = EscalationStep.objects.filter(escalation__in=rows, action="created")
    assert steps.count() == len(expected)
    notes = Notification.objects.filter(kind="escalation.created", target_id__in=rows.values("id"))
    assert notes.count() == len(expected)  # each partner has one staff member
    assert Ad.objects.filter(pk__in=[ad.pk for ad in ads], escalated_at__isnull=True).count() == 0
