"""The region: a coordinator sees and changes only their scope, in the pages, the API and
the admin. Outside it, an object answers 404 with the same body as one that does not
exist; a coordinator of the whole region sees everything in it."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import services_roles
from accounts.models import CoordinatorRole, Municipality, Neighbourhood, User, WorkerAssignment
from ads.escalation.models import Escalation, EscalationRule
from tests import factories
from tests.conftest import api_as, client_for

NONEXISTENT = 987654321
PER_RESPONSE = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"')


@pytest.fixture
def region(cast) -> SimpleNamespace:
    """Utrecht (Noord, Zuid) and De Bilt (Bilthoven), each with a partner, a rule, a
    worker and an escalation; a coordinator for Utrecht only and one for the region."""
    utrecht, debilt = cast.noord.municipality, Municipality.objects.get(slug="de-bilt")
    bilthoven = factories.NeighbourhoodFactory(slug="bilthoven", name="Bilthoven", municipality=debilt)
    dirk = factories.UserFactory(neighbourhood=bilthoven, display_name="Dirk")
    wil = factories.WorkerAssignmentFactory(neighbourhood=bilthoven, user__display_name="Wil")
    debilt_partner = factories.PartnerFactory(name="Welzijn De Bilt", municipality=debilt)
    utrecht_partner = factories.PartnerFactory(name="Thuiszorg Utrecht", municipality=utrecht)
    debilt_ad = factories.AdFactory(author=dirk, title="Heg snoeien")
    return SimpleNamespace(
        utrecht=utrecht,
        debilt=debilt,
        bilthoven=bilthoven,
        dirk=dirk,
        wil_assignment=wil,
        debilt_partner=debilt_partner,
        utrecht_partner=utrecht_partner,
        debilt_ad=debilt_ad,
        debilt_escalation=Escalation.objects.create(ad=debilt_ad, partner=debilt_partner, step=1),
        noord_escalation=Escalation.objects.create(ad=cast.ad, partner=utrecht_partner, step=1),
        debilt_rule=EscalationRule.objects.create(municipality=debilt, threshold_minutes=60),
        noord_rule=EscalationRule.objects.create(neighbourhood=cast.noord, threshold_minutes=90),
        utrecht_coordinator=factories.coordinator(municipality=utrecht, display_name="Gijs"),
        region_coordinator=cast.coordinator,
    )


def _body(response, object_id: int) -> str:
    text = PER_RESPONSE.sub(r'\1=""', response.content.decode())
    return re.sub(rf"/{object_id}/", "/<id>/", text)


# (name, how to build the URL for an id) of every place a coordinator reaches De Bilt's objects.
PAGES = {
    "escalation page": lambda pk: reverse("escalations:detail", args=[pk]),
    "escalation API": lambda pk: f"/api/v1/escalations/{pk}/",
    "rule API": lambda pk: f"/api/v1/escalation-rules/{pk}/",
    "rule admin": lambda pk: reverse("admin:ads_escalationrule_change", args=[pk]),
    "escalation admin": lambda pk: reverse("admin:ads_escalation_change", args=[pk]),
    "partner admin": lambda pk: reverse("admin:accounts_partner_change", args=[pk]),
    "neighbourhood admin": lambda pk: reverse("admin:accounts_neighbourhood_change", args=[pk]),
    "municipality admin": lambda pk: reverse("admin:accounts_municipality_change", args=[pk]),
    "ad admin": lambda pk: reverse("admin:ads_ad_change", args=[pk]),
    "worker admin": lambda pk: reverse("admin:accounts_workerassignment_change", args=[pk]),
    "person admin": lambda pk: reverse("admin:accounts_user_change", args=[pk]),
    "rule admin delete": lambda pk: reverse("admin:ads_escalationrule_delete", args=[pk]),
    "partner admin history": lambda pk: reverse("admin:accounts_partner_history", args=[pk]),
}


def _targets(region, side: str) -> dict[str, int]:
    """The ids of one municipality's objects, per page."""
    if side == "debilt":
        objects = {
            "escalation": region.debilt_escalation,
            "rule": region.debilt_rule,
            "partner": region.debilt_partner,
            "neighbourhood": region.bilthoven,
            "municipality": region.debilt,
            "ad": region.debilt_ad,
            "worker": region.wil_assignment,
            "person": region.dirk,
        }
    else:
        objects = {
            "escalation": region.noord_escalation,
            "rule": region.noord_rule,
            "partner": region.utrecht_partner,
            "neighbourhood": Neighbourhood.objects.get(slug="noord"),
            "municipality": region.utrecht,
            "ad": region.noord_escalation.ad,
            "worker": WorkerAssignment.objects.filter(neighbourhood__slug="noord").first(),
            "person": region.noord_escalation.ad.author,
        }
    ids = {}
    for page in PAGES:
        kind = page.split()[0]
        ids[page] = objects[kind].pk
    return ids


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_coordinator_of_utrecht_gets_404_on_de_bilts_objects_like_a_missing_one(region, page):
    client = client_for(region.utrecht_coordinator)
    real_id = _targets(region, "debilt")[page]
    real = client.get(PAGES[page](real_id))
    missing = client.get(PAGES[page](NONEXISTENT))
    assert real.status_code == 404
    assert (real.status_code, _body(real, real_id)) == (missing.status_code, _body(missing, NONEXISTENT))


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_coordinator_of_utrecht_reaches_utrechts_objects(region, page):
    client = client_for(region.utrecht_coordinator)
    response = client.get(PAGES[page](_targets(region, "utrecht")[page]))
    assert response.status_code == 200, page


@pytest.mark.parametrize("side", ["utrecht", "debilt"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_regions_coordinator_reaches_both_municipalities(region, page, side):
    response = client_for(region.region_coordinator).get(PAGES[page](_targets(region, side)[page]))
    assert response.status_code == 200, (page, side)


def test_admin_lists_show_only_the_scope(region):
    client = client_for(region.utrecht_coordinator)
    partners = client.get(reverse("admin:accounts_partner_changelist"))
    assert partners.status_code == 200
    assert "Thuiszorg Utrecht" in partners.text and "Welzijn De Bilt" not in partners.text
    neighbourhoods = client.get(reverse("admin:accounts_neighbourhood_changelist")).text
    assert "Noord" in neighbourhoods and "Bilthoven" not in neighbourhoods
    people = client.get(reverse("admin:accounts_user_changelist")).text
    assert "Anna" in people and "Dirk" not in people
    everyone = client_for(region.region_coordinator).get(reverse("admin:accounts_user_changelist")).text
    assert "Anna" in everyone and "Dirk" in everyone


def test_admin_forms_offer_only_places_in_scope_and_refuse_others(region):
    client = client_for(region.utrecht_coordinator)
    form = client.get(reverse("admin:accounts_neighbourhood_add"))
    assert form.status_code == 200
    assert f'value="{region.utrecht.pk}"' in form.text and f'value="{region.debilt.pk}"' not in form.text
    data = {
        "name": "Maartensdijk",
        "slug": "maartensdijk",
        "municipality": region.debilt.pk,
        "postcodes-TOTAL_FORMS": "0",
        "postcodes-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:accounts_neighbourhood_add"), data)
    assert response.status_code == 200
    assert "municipality" in response.context["adminform"].form.errors
    assert not Neighbourhood.objects.filter(slug="maartensdijk").exists()
    response = client.post(reverse("admin:accounts_neighbourhood_add"), {**data, "municipality": region.utrecht.pk})
    assert response.status_code == 302
    assert Neighbourhood.objects.get(slug="maartensdijk").municipality == region.utrecht


def test_only_a_region_coordinator_adds_municipalities(region):
    url = reverse("admin:accounts_municipality_add")
    assert client_for(region.utrecht_coordinator).get(url).status_code == 403
    client = client_for(region.region_coordinator)
    assert client.get(url).status_code == 200
    data = {"name": "Zeist", "slug": "zeist", "cbs_code": "GM0355", "region": region.debilt.region_id}
    assert client.post(url, data).status_code == 302
    assert Municipality.objects.get(slug="zeist").region == region.debilt.region


def test_a_coordinator_changes_rules_in_scope_only(region):
    client = api_as(region.utrecht_coordinator)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    listed = {rule["id"] for rule in client.get("/api/v1/escalation-rules/").json()["results"]}
    assert region.noord_rule.pk in listed and region.debilt_rule.pk not in listed
    refused = client.post("/api/v1/escalation-rules/", {"municipality": "de-bilt", "threshold_minutes": 30})
    unknown = client.post("/api/v1/escalation-rules/", {"municipality": "nergens", "threshold_minutes": 30})
    assert refused.status_code == unknown.status_code == 400
    assert refused.json()["municipality"] == [
        message.replace("nergens", "de-bilt") for message in unknown.json()["municipality"]
    ]
    created = client.post("/api/v1/escalation-rules/", {"municipality": "utrecht", "threshold_minutes": 30})
    assert created.status_code == 201 and created.json()["applies"] == "rule of municipality Utrecht"
    assert (
        client.patch(f"/api/v1/escalation-rules/{region.debilt_rule.pk}/", {"threshold_minutes": 5}).status_code == 404
    )
    assert client.delete(f"/api/v1/escalation-rules/{region.debilt_rule.pk}/").status_code == 404
    region.debilt_rule.refresh_from_db()
    assert region.debilt_rule.threshold_minutes == 60
    moved = client.patch(f"/api/v1/escalation-rules/{region.noord_rule.pk}/", {"municipality": "utrecht"})
    assert moved.status_code == 400  # Utrecht has a rule of its own now
    changed = client.patch(f"/api/v1/escalation-rules/{region.noord_rule.pk}/", {"threshold_minutes": 120})
    assert changed.status_code == 200 and changed.json()["threshold_minutes"] == 120
    assert client.delete(f"/api/v1/escalation-rules/{region.noord_rule.pk}/").status_code == 204
    assert not EscalationRule.objects.filter(pk=region.noord_rule.pk).exists()


def test_a_rule_for_everywhere_is_the_operators(region):
    client = api_as(region.region_coordinator)
    response = client.post("/api/v1/escalation-rules/", {"threshold_minutes": 30}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "neighbourhood, a municipality or a region" in str(response.json())
    root = factories.UserFactory(neighbourhood=None, is_superuser=True, is_staff=True)
    assert api_as(root).post("/api/v1/escalation-rules/", {"threshold_minutes": 30}).status_code == 201


def test_the_inbox_of_a_coordinator_holds_their_scope(region):
    rows = api_as(region.utrecht_coordinator).get("/api/v1/escalations/").json()["results"]
    assert [row["id"] for row in rows] == [region.noord_escalation.pk]
    rows = api_as(region.region_coordinator).get("/api/v1/escalations/").json()["results"]
    assert {row["id"] for row in rows} == {region.noord_escalation.pk, region.debilt_escalation.pk}


def test_municipalities_api_lists_what_the_caller_may_see(region, cast):
    def slugs(user) -> list[str]:
        response = api_as(user).get("/api/v1/municipalities/")
        assert response.status_code == 200
        assert response.json()["next"] is None
        return [row["slug"] for row in response.json()["results"]]

    assert slugs(region.utrecht_coordinator) == ["utrecht"]
    assert slugs(region.region_coordinator) == ["de-bilt", "utrecht"]
    assert slugs(cast.author) == ["utrecht"]
    assert slugs(region.dirk) == ["de-bilt"]
    assert slugs(region.wil_assignment.user) == ["de-bilt"]
    staff = factories.UserFactory(neighbourhood=None, partner=region.debilt_partner)
    assert slugs(staff) == ["de-bilt"]
    assert slugs(cast.partner_staff) == ["de-bilt", "utrecht"]  # a partner of the whole region
    row = api_as(region.utrecht_coordinator).get("/api/v1/municipalities/").json()["results"][0]
    assert row == {
        "id": region.utrecht.pk,
        "slug": "utrecht",
        "name": "Utrecht",
        "cbs_code": "GM0344",
        "region": "regio-utrecht",
        "region_name": "Regio Utrecht",
        "coordinated": True,
    }
    assert api_as(None).get("/api/v1/municipalities/").status_code in (401, 403)


def test_the_coordinator_role_brings_the_groups_admin_rights_and_takes_them_away(region, cast):
    person = factories.UserFactory(neighbourhood=None)
    role = services_roles.coordinator_grant(user=person, municipality=region.debilt, actor=cast.coordinator)
    person = User.objects.get(pk=person.pk)
    assert person.is_staff and person.groups.filter(name=services_roles.COORDINATORS_GROUP).exists()
    assert person.has_perm("accounts.change_partner") and not person.user_permissions.exists()
    assert not person.has_perm("ads.delete_ad")
    group = Group.objects.get(name=services_roles.COORDINATORS_GROUP)
    assert group.permissions.filter(codename="change_escalationrule").exists()  # from the data migration
    services_roles.coordinator_revoke(role=role, actor=cast.coordinator)
    person = User.objects.get(pk=person.pk)
    assert not person.is_staff and not person.groups.exists()
    assert not CoordinatorRole.objects.filter(user=person).exists()


def test_a_coordinator_role_in_the_admin_is_given_through_the_service(region, cast):
    person = factories.UserFactory(neighbourhood=None, display_name="Nieuwe collega")
    client = client_for(region.region_coordinator)
    data = {"user": person.pk, "municipality": region.debilt.pk, "region": ""}
    response = client.post(reverse("admin:accounts_coordinatorrole_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = User.objects.get(pk=person.pk)
    assert person.is_staff and person.coordinator_roles.get().municipality == region.debilt
    utrecht_only = client_for(region.utrecht_coordinator)
    other = factories.UserFactory(neighbourhood=None)
    response = utrecht_only.post(reverse("admin:accounts_coordinatorrole_add"), {**data, "user": other.pk})
    assert response.status_code == 200 and not other.coordinator_roles.exists()  # De Bilt is not a choice
