"""The tools of bench/ on a small scale, so that they cannot rot: the bulk seeder
(bench.seed) that the benchmarks stand on, and quick runs of the ads list benchmark and
its breakdown."""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Count, F, Max, Min
from django.utils import timezone

from accounts.models import Neighbourhood, User
from ads.models import Ad
from bench import seed
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
ADS = 2_000


def test_seeder_adds_ads_with_search_vectors_spread_over_neighbourhoods():
    inserted = seed.seed(ads=ADS, neighbourhoods=3)

    ads = Ad.objects.filter(neighbourhood__slug__startswith="bench-")
    assert inserted == ads.count() == ADS
    assert Neighbourhood.objects.filter(slug__startswith="bench-").count() == 3
    assert User.objects.filter(email__endswith="@bench.local").count() == 3 * seed.RESIDENTS_PER_NEIGHBOURHOOD + 1
    assert not ads.filter(search_vector__isnull=True).exists()
    assert ads.filter(search_vector=SearchQuery("fiets", config="dutch")).exists()
    per_neighbourhood = list(ads.values("neighbourhood").annotate(n=Count("id")).values_list("n", flat=True))
    assert len(per_neighbourhood) == 3 and max(per_neighbourhood) - min(per_neighbourhood) < ADS * 0.05
    assert not ads.exclude(author__neighbourhood=F("neighbourhood")).exists()
    assert ads.filter(status=Ad.Status.OPEN).count() > ADS * 0.7
    assert ads.filter(moderation=Ad.Moderation.VISIBLE).count() > ADS * 0.9
    span = ads.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["last"] <= timezone.now() < span["first"] + timedelta(days=366)
    assert span["last"] - span["first"] > timedelta(days=300)


def test_search_trigger_works_again_after_seeding():
    seed.seed(ads=10, neighbourhoods=1)

    ad = factories.AdFactory(title="Fietsband plakken")
    ad.refresh_from_db()

    assert ad.search_vector is not None


def test_seeding_twice_adds_ads_but_not_people():
    seed.seed(ads=10, neighbourhoods=2)
    people = User.objects.count()

    seed.seed(ads=10, neighbourhoods=2)

    assert User.objects.count() == people
    assert Ad.objects.filter(neighbourhood__slug__startswith="bench-").count() == 20


def _run_bench_tool(module: str, *args: str) -> str:
    """Run a bench command against the test database (where this test committed its rows)."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=seed.ROOT,
        env={**os.environ, "BENCH_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # committed, for the benchmark's server
def test_the_ads_list_benchmark_runs_and_prints_every_ratio():
    seed.seed(ads=600, neighbourhoods=2)  # about 290 visible in bench-1

    out = _run_bench_tool(
        "bench.ads_list",
        *("--ads", "0", "--rounds", "1", "--duration", "1", "--warmup", "0"),
        *("--depth", "100", "--connections", "2", "--workers", "1", "--q", "hulp"),  # "fiets": too rare here
    )

    for name in ("trivial", "raw", "list", "deep", "search"):
        assert re.search(rf"^{name}\s+[\d,]+\s", out, re.MULTILINE), out
    for label in ("list / trivial", "list / raw", "deep / first", "search / list"):
        assert re.search(rf"{label}\s+\d+\.\d\d \(\d+\.\d\d\) \[\d+\.\d\d\]\s+(throughput|time per request)", out), out


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_ads_list_breakdown_runs():
    seed.seed(ads=100, neighbourhoods=1)

    out = _run_bench_tool("bench.ads_list_breakdown", "--calls", "3")

    assert re.search(r"µs\s+list$", out, re.MULTILINE), out
    assert "RolesTokenAuthentication" in out
