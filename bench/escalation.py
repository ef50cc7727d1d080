"""Benchmark of the escalation ladder's scan: it must cost what is due, not what is stored.

    .venv/bin/python bench/escalation.py            # about two minutes

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default samsam_bench_escalation on
127.0.0.1), dropped and rebuilt on every run. Prints, from one run:
  1. one scan's time at the same number of due requests among 100,000 and 1,000,000 ads,
     as a ratio (aim: at most 1.5);
  2. one scan's time and queries at 100, 1,000 and 10,000 due requests (linear, with a
     constant number of queries per batch);
  3. the plan of the due query, asserting that the partial index ad_ladder_due_idx serves it.
Each timing is the median of several scans, each rolled back so the next sees the same rows.
"""

import os
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/samsam_bench_escalation")
os.environ.update(DATABASE_URL=URL, DJANGO_SETTINGS_MODULE="samsam.settings", LOG_LEVEL="WARNING")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

REPEATS = 5
BATCH = 500
SMALL, LARGE = 100_000, 1_000_000
DUE_FOR_RATIO = 1_000
DUE_STEPS = (100, 1_000, 10_000)
NEIGHBOURHOODS = 20
# What the stored, not-due ads are, per 100 (a mature site: most requests are long closed).
BACKGROUND = [
    # (share, kind, status, answered, escalated, age in hours)
    (60, "request", "done", True, False, 24 * 40),
    (8, "request", "withdrawn", False, False, 24 * 20),
    (6, "request", "expired", False, False, 24 * 60),
    (8, "request", "matched", True, False, 24 * 3),
    (4, "request", "open", True, False, 24 * 2),  # answered: off the ladder
    (4, "request", "open", False, True, 24 * 5),  # passed on already: off the ladder
    (10, "offer", "open", False, False, 24 * 4),
]


def _recreate_database() -> None:
    import psycopg

    name = urlsplit(URL).path.lstrip("/")
    admin = URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


_recreate_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from ads.escalation.selectors import due_requests  # noqa: E402
from ads.escalation.services import escalation_scan_batches  # noqa: E402

NOW = timezone.now()


def sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def setup_world() -> None:
    call_command("migrate", verbosity=0)
    sql(
        "INSERT INTO accounts_neighbourhood (name, slug, municipality, created_at) "
        "SELECT 'Buurt ' || n, 'buurt-' || n, 'Utrecht', now() FROM generate_series(1, %s) n",
        [NEIGHBOURHOODS],
    )
    sql(
        "INSERT INTO accounts_user (email, display_name, phone, street, postcode, neighbourhood_id, language, "
        "is_coordinator, is_staff, is_active, is_superuser, password, date_joined) "
        "SELECT 'bewoner' || n || '@bench.local', 'Bewoner ' || n, '', '', '', "
        "(SELECT min(id) FROM accounts_neighbourhood) + n %% %s, 'nl', false, false, true, false, '!', now() "
        "FROM generate_series(0, 999) n",
        [NEIGHBOURHOODS],
    )
    # Two partners covering every neighbourhood for groceries, each with one staff member.
    for i in (1, 2):
        sql(
            "INSERT INTO accounts_partner (name, slug, kind, ack_window_minutes, webhook_url, webhook_secret) "
            "VALUES (%s, %s, 'care', 1440, '', '')",
            [f"Partner {i}", f"partner-{i}"],
        )
    sql(
        "INSERT INTO accounts_partner_neighbourhoods (partner_id, neighbourhood_id) "
        "SELECT p.id, n.id FROM accounts_partner p, accounts_neighbourhood n"
    )
    sql(
        "INSERT INTO ads_category_partners (category_id, partner_id) "
        "SELECT c.id, p.id FROM ads_category c, accounts_partner p WHERE c.slug = 'boodschappen'"
    )
    sql(
        "INSERT INTO accounts_user (email, display_name, phone, street, postcode, partner_id, language, "
        "is_coordinator, is_staff, is_active, is_superuser, password, date_joined) "
        "SELECT 'staf' || id || '@bench.local', 'Staf ' || id, '', '', '', id, 'nl', false, false, true, false, "
        "'!', now() FROM accounts_partner"
    )


def insert_ads(count: int, *, kind: str, status: str, answered: bool, escalated: bool, age: timedelta) -> None:
    """`count` ads in one INSERT … SELECT; the search trigger is skipped (the scan never reads it)."""
    created = NOW - age
    closed = status in ("done", "withdrawn", "expired")
    sql("SET session_replication_role = replica")
    sql(
        "INSERT INTO ads_ad (kind, category_id, title, description, neighbourhood_id, author_id, urgency, status, "
        "moderation, thanks, escalation_consent, first_response_at, escalated_at, created_at, updated_at, "
        "expires_at, closed_at) "
        "SELECT %(kind)s, c.id, 'Hulp ' || n, 'Bench', u.neighbourhood_id, u.id, 'normal', %(status)s, 'visible', '', "
        "%(consent)s, %(answered)s, %(escalated)s, %(created)s - n * interval '1 millisecond', %(created)s, "
        "%(created)s + interval '30 days', %(closed)s "
        "FROM generate_series(1, %(count)s) n "
        "JOIN (SELECT id, neighbourhood_id, row_number() OVER (ORDER BY id) - 1 AS i FROM accounts_user "
        "      WHERE neighbourhood_id IS NOT NULL) u ON u.i = n %% 1000 "
        "CROSS JOIN (SELECT id FROM ads_category WHERE slug = 'boodschappen') c",
        {
            "kind": kind,
            "status": status,
            "consent": kind == "request",
            "answered": created if answered else None,
            "escalated": created + timedelta(hours=48) if escalated else None,
            "created": created,
            "count": count,
            "closed": created + timedelta(days=2) if closed else None,
        },
    )
    sql("SET session_replication_role = DEFAULT")


def add_background(count: int) -> None:
    for share, kind, status, answered, escalated, hours in BACKGROUND:
        insert_ads(
            count * share // 100,
            kind=kind,
            status=status,
            answered=answered,
            escalated=escalated,
            age=timedelta(hours=hours),
        )
    sql("ANALYZE ads_ad")


def add_due(count: int) -> None:
    """Open, unanswered, consenting requests just past the 48-hour threshold."""
    insert_ads(count, kind="request", status="open", answered=False, escalated=False, age=timedelta(hours=49))
    sql("ANALYZE ads_ad")


class Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def scan_once() -> tuple[float, list[int], int]:
    """(seconds, queries per batch, escalations created) of one scan, rolled back."""
    per_batch, created = [], 0
    with rolled_back():
        started = time.perf_counter()
        batches = escalation_scan_batches(now=NOW, batch_size=BATCH)
        while True:
            with CaptureQueriesContext(connection) as queries:
                batch = next(batches, None)
            if batch is None:
                break
            per_batch.append(len(queries))
            created += batch.created
        seconds = time.perf_counter() - started
    return seconds, per_batch, created


def timed_scan() -> tuple[float, list[int], int]:
    scan_once()  # warm the caches
    runs = [scan_once() for _ in range(REPEATS)]
    return statistics.median(r[0] for r in runs), runs[0][1], runs[0][2]


def stored() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ads_ad")
        return cursor.fetchone()[0]


def due_plan() -> str:
    """The scan's own query (cutoff at half the shortest threshold, locked, one batch)."""
    cutoff = NOW - timedelta(hours=2)
    with rolled_back():
        query = due_requests(cutoff=cutoff).select_for_update(skip_locked=True, of=("self",))[:BATCH]
        plan = query.explain(analyze=True, buffers=True)
    return plan


def main() -> None:
    print("setting up …", flush=True)
    setup_world()
    add_background(SMALL - DUE_FOR_RATIO)
    add_due(DUE_FOR_RATIO)
    small_ms, small_batches, created = timed_scan()
    assert created == 2 * DUE_FOR_RATIO, created
    small_total = stored()
    add_background(LARGE - small_total)
    large_ms, large_batches, _ = timed_scan()
    large_total = stored()
    print(f"\n1. one scan, {DUE_FOR_RATIO:,} due requests ({2 * DUE_FOR_RATIO:,} escalations), median of {REPEATS}")
    print(f"   among {small_total:>9,} ads: {small_ms * 1000:8.1f} ms  queries per batch {small_batches}")
    print(f"   among {large_total:>9,} ads: {large_ms * 1000:8.1f} ms  queries per batch {large_batches}")
    print(f"   ratio 1,000,000 / 100,000: {large_ms / small_ms:.2f}  (aim <= 1.5)")

    print(f"\n2. one scan by number of due requests (among ~{large_total:,} ads, batches of {BATCH})")
    sql(
        "UPDATE ads_ad SET escalated_at = %s WHERE escalated_at IS NULL AND kind = 'request' AND status = 'open' "
        "AND first_response_at IS NULL",
        [NOW],
    )
    due_now, base = 0, None
    for due in DUE_STEPS:
        add_due(due - due_now)
        due_now = due
        seconds, per_batch, created = timed_scan()
        assert created == 2 * due, (created, due)
        per_request = seconds / due * 1e6
        base = base or per_request
        print(
            f"   {due:>6,} due: {seconds * 1000:8.1f} ms  {per_request:6.1f} µs/request "
            f"(x{per_request / base:.2f})  batches {len(per_batch)}  queries per batch {sorted(set(per_batch))}"
        )

    plan = due_plan()
    print("\n3. the due query's plan (EXPLAIN ANALYZE, batch of 500):")
    print("   " + plan.replace("\n", "\n   "))
    assert "ad_ladder_due_idx" in plan, "the partial index does not serve the due query"
    print("   -> served by the partial index ad_ladder_due_idx")


if __name__ == "__main__":
    main()
