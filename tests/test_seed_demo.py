"""seed_demo: the fixed demo cast of the brief, idempotent, with ads in every state."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Min
from django.test import Client
from django.utils import timezone

from accounts.models import (
    AuditEntry,
    CoordinatorRole,
    Municipality,
    Neighbourhood,
    Partner,
    Postcode,
    Region,
    User,
    WorkerAssignment,
)
from accounts.permissions import coordinator_scope, worker_neighbourhood_ids
from ads.models import Ad, AdEvent, Conversation, Coverage, Escalation, EscalationRule, Reply

pytestmark = pytest.mark.django_db

PASSWORD = "buurthulp-demo"
CAST = [
    "anna@noord.demo",
    "bram@noord.demo",
    "cor@zuid.demo",
    "wout@noord.demo",
    "pia@partner.demo",
    "coco@coordinator.demo",
    "dirk@debilt.demo",
    "wil@debilt.demo",
    "gijs@utrecht.demo",
    "ruud@woningcorp.demo",
]


def _seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def _snapshot() -> dict:
    """Every row the seed touches, as plain values: equal snapshots mean nothing changed."""
    return {
        "users": list(User.objects.order_by("pk").values()),
        "neighbourhoods": list(Neighbourhood.objects.order_by("pk").values()),
        "postcodes": list(Postcode.objects.order_by("pk").values()),
        "regions": list(Region.objects.order_by("pk").values()),
        "municipalities": list(Municipality.objects.order_by("pk").values()),
        "partners": list(Partner.objects.order_by("pk").values()),
        "coverage": list(Coverage.objects.order_by("pk").values()),
        "assignments": list(WorkerAssignment.objects.order_by("pk").values()),
        "coordinator_roles": list(CoordinatorRole.objects.order_by("pk").values()),
        "groups": list(User.groups.through.objects.order_by("pk").values()),
        "permissions": list(User.user_permissions.through.objects.order_by("pk").values()),
        "rules": list(EscalationRule.objects.order_by("pk").values()),
        "escalations": list(Escalation.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
        "ads": list(Ad.objects.order_by("pk").values()),
        "conversations": list(Conversation.objects.order_by("pk").values()),
        "replies": list(Reply.objects.order_by("pk").values()),
        "events": list(AdEvent.objects.order_by("pk").values()),
    }


@pytest.fixture
def seeded() -> None:
    _seed()


def test_seeding_twice_changes_nothing_and_duplicates_nothing():
    _seed()
    first = _snapshot()
    _seed()
    assert _snapshot() == first
    assert len(first["users"]) >= 12
    assert 45 <= len(first["ads"]) <= 55


def test_seed_repairs_a_cast_member_whose_role_drifted(seeded):
    User.objects.filter(email="pia@partner.demo").update(partner=None)
    WorkerAssignment.objects.filter(user__email="wout@noord.demo").delete()
    _seed()
    assert User.objects.get(email="pia@partner.demo").partner.name == "Thuiszorg De Buurt"
    assert WorkerAssignment.objects.filter(user__email="wout@noord.demo", neighbourhood__slug="noord").exists()


@pytest.mark.parametrize("email", CAST)
def test_every_cast_member_logs_in_with_the_demo_password(seeded, email):
    user = User.objects.get(email=email)
    assert user.email_confirmed
    assert Client().login(email=email, password=PASSWORD)


def test_residents_live_in_their_neighbourhoods(seeded):
    homes = dict(User.objects.filter(email__in=CAST).values_list("email", "neighbourhood__slug"))
    assert homes["anna@noord.demo"] == homes["bram@noord.demo"] == "noord"
    assert homes["cor@zuid.demo"] == "zuid"
    assert homes["dirk@debilt.demo"] == "bilthoven"
    places = dict(Neighbourhood.objects.values_list("slug", "municipality__name"))
    assert places == {"noord": "Utrecht", "zuid": "Utrecht", "centrum": "Utrecht", "bilthoven": "De Bilt"}
    municipalities = Municipality.objects.values_list("name", "cbs_code", "region__name")
    assert set(municipalities) == {("Utrecht", "GM0344", "Regio Utrecht"), ("De Bilt", "GM0310", "Regio Utrecht")}
    noord_postcodes = set(Postcode.objects.filter(neighbourhood__slug="noord").values_list("digits", flat=True))
    assert "3551" in noord_postcodes


def test_wout_is_the_worker_of_noord_only(seeded):
    wout = User.objects.get(email="wout@noord.demo")
    assignment = WorkerAssignment.objects.get(user=wout)
    assert assignment.organisation == "Welzijn Utrecht"
    assert worker_neighbourhood_ids(wout) == {Neighbourhood.objects.get(slug="noord").pk}


def _pairs(partner: Partner) -> set[tuple[str, str]]:
    return set(Coverage.objects.filter(partner=partner).values_list("neighbourhood__slug", "category__slug"))


def test_pia_is_staff_of_a_care_partner_covering_noord_and_centrum_for_three_categories(seeded):
    partner = User.objects.get(email="pia@partner.demo").partner
    assert partner.name == "Thuiszorg De Buurt"
    assert partner.kind == Partner.Kind.CARE
    assert partner.municipality.name == "Utrecht"
    categories = ("boodschappen", "gezelschap", "administratie")
    assert _pairs(partner) == {(n, c) for n in ("noord", "centrum") for c in categories}


def test_ruud_is_staff_of_a_housing_corporation_of_the_region(seeded):
    partner = User.objects.get(email="ruud@woningcorp.demo").partner
    assert partner.kind == Partner.Kind.HOUSING and partner.municipality is None
    assert _pairs(partner) == {(n, c) for n in ("noord", "bilthoven") for c in ("klusjes", "tuin")}


def test_every_kind_of_chain_partner_is_in_the_demo(seeded):
    kinds = set(Partner.objects.values_list("kind", flat=True))
    assert kinds == set(Partner.Kind.values) - {Partner.Kind.OTHER}


def test_coordinators_hold_the_region_or_one_municipality(seeded):
    coco = User.objects.get(email="coco@coordinator.demo")
    gijs = User.objects.get(email="gijs@utrecht.demo")
    assert coordinator_scope(coco).region_ids == {Region.objects.get().pk}
    assert coordinator_scope(gijs).municipality_ids == {Municipality.objects.get(slug="utrecht").pk}
    assert not coordinator_scope(gijs).region_ids


def test_coordinators_admin_rights_come_from_the_group(seeded):
    for email in ("coco@coordinator.demo", "gijs@utrecht.demo"):
        person = User.objects.get(email=email)
        assert person.is_staff and not person.is_superuser
        assert not person.user_permissions.exists()  # nothing granted by hand
        assert list(person.groups.values_list("name", flat=True)) == ["Coordinators"]
        for model in ("neighbourhood", "postcode", "partner", "workerassignment", "user"):
            assert person.has_perm(f"accounts.change_{model}"), model
        assert person.has_perm("ads.add_category")
        assert not person.has_perm("ads.delete_ad")


def test_wil_works_in_bilthoven(seeded):
    wil = User.objects.get(email="wil@debilt.demo")
    assert worker_neighbourhood_ids(wil) == {Neighbourhood.objects.get(slug="bilthoven").pk}


def test_pias_inbox_shows_escalations_in_every_state(seeded):
    partner = Partner.objects.get(slug="thuiszorg-de-buurt")
    states = set(Escalation.objects.filter(partner=partner).values_list("state", flat=True))
    assert states == set(Escalation.State.values)
    assert Escalation.objects.filter(partner__slug="woonstichting-thuis", ad__neighbourhood__slug="bilthoven").exists()


def test_a_rule_of_de_bilt_shows_in_the_history(seeded):
    escalation = Escalation.objects.get(ad__title="Heg snoeien voor de winter")
    assert (escalation.threshold_minutes, escalation.rule_level, escalation.rule_area) == (
        24 * 60,
        "municipality",
        "De Bilt",
    )


def test_ads_exist_in_every_status_across_all_neighbourhoods(seeded):
    ads = Ad.objects.all()
    assert set(ads.values_list("status", flat=True)) == set(Ad.Status.values)
    assert set(ads.values_list("neighbourhood__slug", flat=True)) == {"noord", "zuid", "centrum", "bilthoven"}
    assert set(ads.values_list("kind", flat=True)) == {Ad.Kind.REQUEST, Ad.Kind.OFFER}


def test_ads_cover_every_state_of_a_conversation(seeded):
    ads = Ad.objects.annotate(conversations_count=Count("conversations"))
    assert ads.filter(status=Ad.Status.OPEN, conversations_count=0).exists()
    assert ads.filter(status=Ad.Status.OPEN, conversations_count__gt=0).exists()
    assert ads.filter(status=Ad.Status.OPEN, urgency=Ad.Urgency.TODAY).exists()
    assert ads.filter(status=Ad.Status.WITHDRAWN).exists()
    matched = ads.filter(status=Ad.Status.MATCHED)
    assert matched.exists() and not matched.filter(helper__isnull=True).exists()
    done = ads.filter(status=Ad.Status.DONE)
    assert done.exists() and not done.filter(helper__isnull=True).exists() and not done.filter(thanks="").exists()


def test_ads_are_spread_over_past_weeks_and_consistent_in_time(seeded):
    now = timezone.now()
    span = Ad.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["last"] <= now and now - span["first"] > timedelta(weeks=3)
    assert not Ad.objects.filter(status__in=["open", "matched"], expires_at__lte=now).exists()
    assert not Ad.objects.filter(status="expired", expires_at__gt=now).exists()
    closed = Ad.objects.filter(status__in=["done", "withdrawn", "expired"])
    assert not closed.filter(closed_at__isnull=True).exists()
    assert not Ad.objects.filter(status__in=["open", "matched"], closed_at__isnull=False).exists()
    assert not closed.filter(closed_at__lt=F("created_at")).exists() and not closed.filter(closed_at__gt=now).exists()
    answered = Ad.objects.filter(conversations__isnull=False).distinct()
    assert answered.exists() and not answered.filter(first_response_at__isnull=True).exists()
    for reply in Reply.objects.select_related("conversation__ad"):
        assert reply.conversation.ad.created_at < reply.created_at <= now
    assert not Ad.objects.filter(author__neighbourhood__isnull=True).exists()
    for ad in Ad.objects.select_related("author"):
        assert ad.neighbourhood_id == ad.author.neighbourhood_id
