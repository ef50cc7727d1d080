"""Coverage as (neighbourhood, category) pairs: routing, declining and raising follow them."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ads.escalation.models import Coverage
from ads.escalation.services import escalation_decline, escalation_raise, escalation_scan
from ads.escalation.services_coverage import coverage_add, coverage_remove
from notifications.models import Notification
from tests import factories
from tests.escalation.conftest import HOUR, NOW, ladder_of


@pytest.fixture
def pairs(ladder):
    """A partner covering Noord for groceries and Centrum for paperwork, nothing else."""
    centrum = factories.NeighbourhoodFactory(slug="centrum", name="Centrum")
    paperwork = factories.category("administratie")
    partner = factories.PartnerFactory(name="Buurtzorg Paren")
    factories.UserFactory(neighbourhood=None, partner=partner, display_name="Paula")
    coverage_add(partner=partner, neighbourhoods=[ladder.noord], categories=[ladder.groceries], actor=None)
    coverage_add(partner=partner, neighbourhoods=[centrum], categories=[paperwork], actor=None)
    return partner, centrum, paperwork


def test_a_partner_gets_only_the_pairs_it_covers(ladder, pairs):
    partner, centrum, paperwork = pairs
    noord_groceries = ladder.request(age=49 * HOUR)
    noord_paperwork = ladder.request(age=49 * HOUR, category=paperwork)
    centrum_author = factories.UserFactory(neighbourhood=centrum)
    centrum_paperwork = ladder.request(age=49 * HOUR, category=paperwork, author=centrum_author)
    escalation_scan(now=NOW)
    assert ladder_of(noord_groceries) == [("Buurtzorg Paren", 1, "open"), ("Thuiszorg Noord", 1, "open")]
    assert ladder_of(noord_paperwork) == [(None, 1, "open")]  # nobody covers it: the workers
    assert ladder_of(centrum_paperwork) == [("Buurtzorg Paren", 1, "open")]


def test_decline_routes_to_the_next_covering_partner_then_to_the_workers(ladder, pairs):
    partner, _centrum, _paperwork = pairs
    ad = ladder.request(age=49 * HOUR, category=ladder.company)  # Noord company: Woonstichting only
    escalation_scan(now=NOW)
    assert ladder_of(ad) == [("Woonstichting", 1, "open")]
    coverage_add(partner=partner, neighbourhoods=[ladder.noord], categories=[ladder.company], actor=None)
    hans = ladder.housing.staff.get()
    escalation_decline(escalation=ad.escalations.get(), staff=hans, reason="Geen tijd", now=NOW)
    assert ladder_of(ad) == [("Woonstichting", 1, "declined"), ("Buurtzorg Paren", 2, "open")]
    paula = partner.staff.get()
    escalation_decline(escalation=ad.escalations.get(step=2), staff=paula, reason="Niet voor ons", now=NOW)
    assert ladder_of(ad) == [("Woonstichting", 1, "declined"), ("Buurtzorg Paren", 2, "declined"), (None, 3, "open")]


def test_a_partner_that_stops_covering_a_pair_gets_no_more_of_it(ladder):
    coverage_remove(partner=ladder.care, pairs=[(ladder.noord.pk, ladder.groceries.pk)], actor=None)
    ad = ladder.request(age=49 * HOUR)
    escalation_scan(now=NOW)
    assert ladder_of(ad) == [(None, 1, "open")]


def test_coverage_stays_inside_the_partners_area(ladder):
    debilt = factories.MunicipalityFactory(slug="de-bilt", name="De Bilt")
    bilthoven = factories.NeighbourhoodFactory(slug="bilthoven", name="Bilthoven", municipality=debilt)
    local = factories.PartnerFactory(name="Welzijn De Bilt", municipality=debilt)  # "… De Bilt does not …"
    with translation.override("en"), pytest.raises(ValidationError, match="De Bilt does not work in: Noord"):
        coverage_add(
            partner=local, neighbourhoods=[ladder.noord, bilthoven], categories=[ladder.groceries], actor=None
        )
    assert not Coverage.objects.filter(partner=local).exists()
    added = coverage_add(partner=local, municipalities=[debilt], categories=[ladder.groceries], actor=None)
    assert added == [(bilthoven.pk, ladder.groceries.pk)]
    assert coverage_add(partner=local, municipalities=[debilt], categories=[ladder.groceries], actor=None) == []


def test_raising_tells_only_the_coordinators_of_the_requests_municipality_and_region(ladder):
    utrecht = ladder.noord.municipality
    debilt = factories.MunicipalityFactory(slug="de-bilt", name="De Bilt")
    of_utrecht = factories.coordinator(municipality=utrecht, display_name="Gijs")
    of_debilt = factories.coordinator(municipality=debilt, display_name="Dieuwke")
    elsewhere = factories.RegionFactory(slug="regio-amersfoort", name="Regio Amersfoort")
    of_other_region = factories.coordinator(region=elsewhere, display_name="Ellen")
    ad = ladder.request(age=49 * HOUR)
    escalation_scan(now=NOW)
    escalation = ad.escalations.get()
    escalation_raise(escalation=escalation, now=NOW)
    told = set(Notification.objects.filter(kind="escalation.raised").values_list("recipient__display_name", flat=True))
    assert told == {"Coco", "Gijs", "Wout"}  # the region's, Utrecht's, and Noord's worker
    assert not {of_debilt.display_name, of_other_region.display_name} & told
    assert of_utrecht.display_name in told
