"""The bulk seeder of bench/ (bench.seed) on a small scale: what the benchmarks stand on."""

from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchQuery
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
