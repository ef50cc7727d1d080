"""GET/POST /api/v1/escalation-rules/: coordinators only, within their scope."""

import pytest

from ads.escalation.models import EscalationRule
from tests import factories
from tests.conftest import api_as

URL = "/api/v1/escalation-rules/"


@pytest.fixture
def noord(db):
    return factories.NeighbourhoodFactory(slug="noord")


@pytest.fixture
def coordinator(noord):
    return factories.coordinator()  # of the region Noord lies in


def test_coordinator_adds_and_lists_rules(coordinator, noord):
    response = api_as(coordinator).post(
        URL, {"neighbourhood": "noord", "category": "boodschappen", "urgency": "today", "threshold_minutes": 90}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["neighbourhood"] == "noord"
    api_as(coordinator).post(URL, {"region": "regio-utrecht", "threshold_minutes": 24 * 60}, format="json")
    rules = api_as(coordinator).get(URL).json()["results"]
    assert {(r["neighbourhood"], r["region"], r["category"], r["urgency"], r["threshold_minutes"]) for r in rules} == {
        ("noord", None, "boodschappen", "today", 90),
        (None, "regio-utrecht", None, "", 24 * 60),
    }


def test_a_second_rule_at_the_same_level_is_refused(coordinator, noord):
    assert api_as(coordinator).post(URL, {"neighbourhood": "noord", "threshold_minutes": 60}).status_code == 201
    response = api_as(coordinator).post(URL, {"neighbourhood": "noord", "threshold_minutes": 30})
    assert response.status_code == 400
    region = {"region": "regio-utrecht"}
    assert api_as(coordinator).post(URL, {**region, "threshold_minutes": 30}, format="json").status_code == 201
    assert api_as(coordinator).post(URL, {**region, "threshold_minutes": 40}, format="json").status_code == 400
    assert EscalationRule.objects.count() == 2


@pytest.mark.parametrize(
    "body",
    [
        {"threshold_minutes": 0},
        {"threshold_minutes": "soon"},
        {},
        {"neighbourhood": "nergens", "threshold_minutes": 60},
        {"category": "nothing", "threshold_minutes": 60},
        {"urgency": "yesterday", "threshold_minutes": 60},
        {"threshold_minutes": 60, "neighbourhod": "noord"},  # a typo is refused, not ignored
    ],
)
def test_bad_input_is_a_400_and_stores_nothing(coordinator, noord, body):
    assert api_as(coordinator).post(URL, body, format="json").status_code == 400
    assert not EscalationRule.objects.exists()


def test_others_are_refused(db):
    noord = factories.NeighbourhoodFactory(slug="noord")
    resident = factories.UserFactory(neighbourhood=noord)
    worker = factories.WorkerAssignmentFactory(neighbourhood=noord).user
    staff = factories.UserFactory(neighbourhood=None, partner=factories.PartnerFactory())
    for user in (resident, worker, staff):
        assert api_as(user).get(URL).status_code == 403
        assert api_as(user).post(URL, {"threshold_minutes": 60}).status_code == 403
    assert api_as(None).get(URL).status_code in (401, 403)
    assert api_as(None).post(URL, {"threshold_minutes": 60}).status_code in (401, 403)
    assert not EscalationRule.objects.exists()


def test_coordinators_manage_rules_in_the_admin(db):
    from django.contrib import admin
    from django.test import Client, RequestFactory

    coordinator = factories.coordinator()
    region = coordinator.coordinator_roles.get().region
    clerk = factories.UserFactory(neighbourhood=None, is_staff=True)
    client = Client()
    client.force_login(coordinator)
    url = "/admin/ads/escalationrule/add/"
    assert client.post(url, {"region": region.pk, "urgency": "", "threshold_minutes": 600}).status_code == 302
    response = client.post(url, {"region": region.pk, "urgency": "", "threshold_minutes": 700})
    assert response.status_code == 200  # the form again, with the duplicate refused
    assert EscalationRule.objects.get().threshold_minutes == 600
    rule_admin = admin.site._registry[EscalationRule]
    for user, allowed in ((coordinator, True), (clerk, False)):
        request = RequestFactory().get("/admin/")
        request.user = user
        assert rule_admin.has_module_permission(request) is allowed
        assert rule_admin.has_add_permission(request) is allowed
