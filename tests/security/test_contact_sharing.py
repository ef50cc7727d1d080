"""Phone and street: never on an ad; shared between author and helper only when both agree."""

import pytest
from django.urls import reverse

from ads.models import Ad
from tests.conftest import api_as, client_for

PHONE = "06 1111 2222"
STREET = "Kastanjelaan 12"
HELPER_PHONE = "06 3333 4444"


@pytest.fixture
def matched(cast):
    cast.author.phone, cast.author.street, cast.author.postcode = PHONE, STREET, "3514 AB"
    cast.author.save()
    cast.responder.phone = HELPER_PHONE
    cast.responder.save()
    Ad.objects.filter(pk=cast.ad.pk).update(helper=cast.responder, status=Ad.Status.MATCHED)
    cast.ad.refresh_from_db()
    return cast


def _page(client, user, ad) -> str:
    client.force_login(user)
    return client.get(reverse("ads:detail", args=[ad.pk])).content.decode()


def test_an_ad_never_shows_the_authors_phone_street_or_postcode(matched, client) -> None:
    for viewer in (matched.neighbour, matched.worker, matched.responder):
        page = _page(client, viewer, matched.ad)
        assert matched.ad.title in page
        assert PHONE not in page and STREET not in page and "3514" not in page
        response = api_as(viewer).get(f"/api/v1/ads/{matched.ad.pk}/")
        assert response.status_code == 200 and response.json()["id"] == matched.ad.pk
        api = response.content.decode()
        assert PHONE not in api and STREET not in api and "3514" not in api
    response = api_as(matched.neighbour).get("/api/v1/ads/?neighbourhood=noord")
    assert response.status_code == 200 and matched.ad.pk in [row["id"] for row in response.json()["results"]]
    board = response.content.decode()
    assert PHONE not in board and STREET not in board


def test_details_are_shared_only_when_both_agree_and_can_be_withdrawn(matched, client) -> None:
    author, helper, ad = matched.author, matched.responder, matched.ad
    client.force_login(author)
    client.post(reverse("ads:contact_share", args=[ad.pk]))
    assert PHONE not in _page(client, helper, ad)  # only the author agreed
    assert HELPER_PHONE not in _page(client, author, ad)
    client.force_login(helper)
    client.post(reverse("ads:contact_share", args=[ad.pk]))
    assert PHONE in _page(client, helper, ad) and STREET in _page(client, helper, ad)
    assert HELPER_PHONE in _page(client, author, ad)
    # Nobody else sees them, not even the neighbourhood's worker.
    assert PHONE not in _page(client, matched.worker, ad)
    client.force_login(author)
    client.post(reverse("ads:contact_withdraw", args=[ad.pk]))
    assert PHONE not in _page(client, helper, ad) and HELPER_PHONE not in _page(client, author, ad)


def test_contact_api_flow(matched) -> None:
    url = f"/api/v1/ads/{matched.ad.pk}/contact/"
    as_author, as_helper = api_as(matched.author), api_as(matched.responder)
    assert as_author.post(url).json()["shared"] is False
    shared = as_helper.post(url).json()
    assert shared["shared"] is True and shared["phone"] == PHONE and shared["street"] == STREET
    assert as_author.get(url).json()["phone"] == HELPER_PHONE
    withdrawn = as_helper.delete(url).json()
    assert withdrawn["shared"] is False and withdrawn["phone"] == ""
    assert as_author.get(url).json()["phone"] == ""


def test_only_the_pair_can_share(matched) -> None:
    url = f"/api/v1/ads/{matched.ad.pk}/contact/"
    assert api_as(matched.neighbour).post(url).status_code == 400
    assert api_as(matched.worker).post(url).status_code == 400
    assert api_as(matched.outsider).get(url).status_code == 404
    assert api_as(matched.outsider).post(url).status_code == 404


def test_a_yes_does_not_carry_over_to_a_new_helper(matched) -> None:
    url = f"/api/v1/ads/{matched.ad.pk}/contact/"
    api_as(matched.author).post(url)
    api_as(matched.responder).post(url)
    Ad.objects.filter(pk=matched.ad.pk).update(helper=matched.neighbour)
    api_as(matched.neighbour).post(url)
    state = api_as(matched.neighbour).get(url).json()
    assert state["shared"] is False and state["phone"] == ""


def test_unknown_ad_is_404(cast) -> None:
    assert api_as(cast.author).get("/api/v1/ads/999999/contact/").status_code == 404


def test_stopping_when_nothing_was_shared_says_so(matched) -> None:
    client = client_for(matched.neighbour)
    page = client.post(reverse("ads:contact_withdraw", args=[matched.ad.pk]), follow=True).content.decode()
    assert "You were not sharing your phone number and street." in page
    assert "You stopped sharing" not in page
