"""A coordinator switches a category off for their municipality: nobody posts in it
there (page and API), ads already posted stay, other municipalities are not touched."""

import pytest
from django.urls import reverse

from ads.models import Ad, CategoryOff
from tests import factories
from tests.conftest import api_as, client_for

AD = {"kind": "request", "category": "vervoer", "title": "Rit naar de dokter", "description": "Dinsdag om 10 uur."}


@pytest.fixture
def transport_off(cast):
    return CategoryOff.objects.create(category=factories.category("vervoer"), municipality=cast.noord.municipality)


def test_the_api_refuses_a_switched_off_category_and_stores_nothing(cast, transport_off):
    before = Ad.objects.count()
    response = api_as(cast.author).post("/api/v1/ads/", AD, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["category"] == ["This category is not used in your municipality. Choose another one."]
    assert Ad.objects.count() == before
    assert api_as(cast.author).post("/api/v1/ads/", {**AD, "category": "boodschappen"}).status_code == 201


def test_the_post_page_does_not_offer_it(cast, transport_off):
    page = client_for(cast.author).get(reverse("ads:create"))
    assert page.status_code == 200
    assert 'value="boodschappen"' in page.text and 'value="vervoer"' not in page.text
    response = client_for(cast.author).post(reverse("ads:create"), AD)
    assert response.status_code == 400
    assert response.context["form"]["title"].value() == "Rit naar de dokter"  # shown again as typed
    assert not Ad.objects.filter(title="Rit naar de dokter").exists()


def test_another_municipality_still_uses_it(cast, transport_off):
    debilt = factories.MunicipalityFactory(slug="de-bilt", name="De Bilt")
    dirk = factories.UserFactory(neighbourhood=factories.NeighbourhoodFactory(slug="bilthoven", municipality=debilt))
    assert api_as(dirk).post("/api/v1/ads/", AD, format="json").status_code == 201


def test_ads_already_posted_stay_but_cannot_move_into_it(cast, transport_off):
    old = factories.AdFactory(author=cast.author, category=factories.category("vervoer"))
    assert client_for(cast.author).get(reverse("ads:detail", args=[old.pk])).status_code == 200
    assert api_as(cast.author).patch(f"/api/v1/ads/{old.pk}/", {"title": "Rit naar het ziekenhuis"}).status_code == 200
    response = api_as(cast.author).patch(f"/api/v1/ads/{cast.ad.pk}/", {"category": "vervoer"})
    assert response.status_code == 400
    cast.ad.refresh_from_db()
    assert cast.ad.category.slug == "boodschappen"
