"""The coordinator's admin for neighbourhoods, partners, people and roles."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Neighbourhood, Partner, User, WorkerAssignment
from ads.models import Coverage
from tests import factories
from tests.conftest import client_for


def cast_municipality() -> int:
    return factories.MunicipalityFactory().pk


MODELS = ["neighbourhood", "partner", "user", "workerassignment"]


@pytest.fixture
def admin_client_(cast) -> Client:
    root = User.objects.create_superuser("root@example.org", factories.PASSWORD, display_name="Root")
    return client_for(root)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("page", ["changelist", "add"])
def test_admin_pages_render(admin_client_, model, page):
    response = admin_client_.get(reverse(f"admin:accounts_{model}_{page}"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("model", "obj"),
    [
        ("neighbourhood", lambda cast: cast.noord),
        ("partner", lambda cast: cast.partner_staff.partner),
        ("user", lambda cast: cast.worker),
        ("workerassignment", lambda cast: WorkerAssignment.objects.get(user=cast.worker)),
    ],
)
def test_admin_change_pages_render(admin_client_, cast, model, obj):
    response = admin_client_.get(reverse(f"admin:accounts_{model}_change", args=[obj(cast).pk]))
    assert response.status_code == 200


def test_user_change_page_shows_roles_and_worker_assignments(admin_client_, cast):
    text = admin_client_.get(reverse("admin:accounts_user_change", args=[cast.worker.pk])).text
    assert 'name="coordinator_roles-TOTAL_FORMS"' in text and 'name="partner"' in text
    assert 'name="worker_assignments-0-neighbourhood"' in text


def _partner_data(partner, **extra) -> dict:
    data = {
        "name": partner.name,
        "slug": partner.slug,
        "kind": partner.kind,
        "region": partner.region_id,
        "municipality": partner.municipality_id or "",
        "ack_window_minutes": 60,
        "webhook_url": "",
        "webhook_secret": "",
        "coverage-TOTAL_FORMS": "0",
        "coverage-INITIAL_FORMS": "0",
    }
    return {**data, **extra}


def test_partner_admin_adds_neighbourhoods_times_categories_at_once(admin_client_, cast):
    partner = cast.partner_staff.partner
    url = reverse("admin:accounts_partner_change", args=[partner.pk])
    assert 'name="add_categories"' in admin_client_.get(url).text
    groceries, company = factories.category("boodschappen"), factories.category("gezelschap")
    data = _partner_data(
        partner, add_neighbourhoods=[cast.noord.pk, cast.zuid.pk], add_categories=[groceries.pk, company.pk]
    )
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    pairs = set(Coverage.objects.filter(partner=partner).values_list("neighbourhood__slug", "category__slug"))
    assert pairs == {(n, c) for n in ("noord", "zuid") for c in ("boodschappen", "gezelschap")}
    response = admin_client_.post(url, _partner_data(partner, remove_pairs=[f"{cast.zuid.pk}:{company.pk}"]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Coverage.objects.filter(partner=partner).count() == 3


def test_partner_admin_adds_a_whole_municipality(admin_client_, cast):
    partner = cast.partner_staff.partner
    url = reverse("admin:accounts_partner_change", args=[partner.pk])
    paperwork = factories.category("administratie")
    data = _partner_data(partner, add_municipalities=[cast.noord.municipality_id], add_categories=[paperwork.pk])
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    covered = set(Coverage.objects.filter(partner=partner).values_list("neighbourhood__slug", flat=True))
    assert covered == {"noord", "zuid"}


def test_partner_of_one_municipality_cannot_cover_another(admin_client_, cast):
    partner = cast.partner_staff.partner
    partner.municipality = cast.noord.municipality
    partner.save()
    elsewhere = factories.NeighbourhoodFactory(
        slug="bilthoven", municipality=factories.MunicipalityFactory(slug="de-bilt", name="De Bilt")
    )
    url = reverse("admin:accounts_partner_change", args=[partner.pk])
    groceries = factories.category("boodschappen")
    data = _partner_data(partner, add_neighbourhoods=[elsewhere.pk], add_categories=[groceries.pk])
    response = admin_client_.post(url, data)
    assert response.status_code == 200
    assert "does not work in" in str(response.context["adminform"].form.errors)
    assert response.context["adminform"].form["add_categories"].value() == [str(groceries.pk)]  # kept as typed
    assert not Coverage.objects.filter(partner=partner).exists()


def test_neighbourhood_admin_adds_postcodes_inline(admin_client_):
    data = {
        "name": "Oost",
        "slug": "oost",
        "municipality": cast_municipality(),
        "first_post_approval": "on",
        "postcodes-TOTAL_FORMS": "1",
        "postcodes-INITIAL_FORMS": "0",
        "postcodes-0-digits": "3581",
        "postcodes-0-letters": "",
    }
    response = admin_client_.post(reverse("admin:accounts_neighbourhood_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Neighbourhood.objects.get(slug="oost").postcodes.values_list("digits", flat=True)) == ["3581"]


def test_admin_creates_an_account_without_email_for_someone_offline(admin_client_, cast):
    data = {
        "email": "",
        "display_name": "Mevrouw Jansen",
        "usable_password": "false",
        "worker_assignments-TOTAL_FORMS": "0",
        "worker_assignments-INITIAL_FORMS": "0",
        "coordinator_roles-TOTAL_FORMS": "0",
        "coordinator_roles-INITIAL_FORMS": "0",
    }
    response = admin_client_.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(display_name="Mevrouw Jansen")
    assert user.email is None and not user.has_usable_password()


@pytest.fixture
def coordinator_client(cast) -> Client:
    client = Client()
    client.force_login(cast.coordinator)  # admin rights from the Coordinators group
    return client


def test_a_coordinator_cannot_grant_superuser_rights(cast, coordinator_client):
    text = coordinator_client.get(reverse("admin:accounts_user_change", args=[cast.author.pk])).text
    assert 'name="coordinator_roles-TOTAL_FORMS"' in text and 'name="partner"' in text
    assert 'name="is_superuser"' not in text
    assert 'name="user_permissions"' not in text


def test_a_coordinator_cannot_touch_a_superuser(cast, coordinator_client):
    root = User.objects.create_superuser("root@example.org", factories.PASSWORD, display_name="Root")
    for name in ["accounts_user_change", "auth_user_password_change"]:
        response = coordinator_client.get(reverse(f"admin:{name}", args=[root.pk]))
        assert response.status_code == 404
    listed = coordinator_client.get(reverse("admin:accounts_user_changelist")).text
    assert "root@example.org" not in listed and cast.author.email in listed


def test_partner_list_is_not_open_to_residents(cast):
    client = Client()
    client.force_login(cast.author)
    response = client.get(reverse("admin:accounts_partner_changelist"))
    assert response.status_code == 302
    assert Partner.objects.exists()
