"""Consent before hand-off: asked on the post form, or recorded by a worker on the phone."""

import pytest
from django.test import Client
from django.urls import reverse

from ads.escalation.models import Escalation
from ads.escalation.services import escalation_scan
from ads.models import Ad
from tests import factories
from tests.conftest import api_as
from tests.escalation.conftest import HOUR, NOW, ladder_of


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _post_form(**extra) -> dict:
    return {"kind": "request", "category": "boodschappen", "title": "Boodschappen", "description": "Melk", **extra}


def test_the_post_form_asks_in_plain_words(ladder):
    page = client_for(ladder.author).get(reverse("ads:create"), headers={"accept-language": "en"})
    assert b'name="escalation_consent"' in page.content


@pytest.mark.parametrize(
    ("sent", "kind", "stored"), [("on", "request", True), (None, "request", False), ("on", "offer", False)]
)
def test_the_post_form_stores_the_answer_for_requests_only(ladder, sent, kind, stored):
    data = _post_form(kind=kind, **({"escalation_consent": sent} if sent else {}))
    response = client_for(ladder.author).post(reverse("ads:create"), data)
    assert response.status_code == 302
    ad = Ad.objects.get(title="Boodschappen")
    assert ad.escalation_consent is stored
    assert ad.consent_recorded_by is None


def test_without_consent_the_ladder_stops_at_the_workers(ladder):
    ad = ladder.request(age=48 * HOUR, consent=False)
    escalation_scan(now=NOW)
    assert ladder_of(ad) == [(None, 1, "open")]


def test_a_worker_records_consent_given_on_the_phone_and_it_goes_on_to_the_partner(ladder):
    ad = ladder.request(age=48 * HOUR, consent=False)
    escalation_scan(now=NOW)
    response = client_for(ladder.worker).post(reverse("escalations:consent", args=[ad.pk]), {"consent-consent": "yes"})
    assert response.status_code == 302
    ad.refresh_from_db()
    assert (ad.escalation_consent, ad.consent_recorded_by) == (True, ladder.worker)
    assert ladder_of(ad) == [(None, 1, "cancelled"), ("Thuiszorg Noord", 2, "open")]


def test_consent_withdrawn_takes_it_back_from_the_partner(ladder):
    ad = ladder.request(age=48 * HOUR)
    escalation_scan(now=NOW)
    response = api_as(ladder.worker).post(f"/api/v1/ads/{ad.pk}/consent/", {"consent": False}, format="json")
    assert response.status_code == 200
    assert response.json() == {"id": ad.pk, "escalation_consent": False, "consent_recorded_by_name": "Wout"}
    assert ladder_of(ad) == [("Thuiszorg Noord", 1, "cancelled"), (None, 2, "open")]


def test_before_the_ladder_ran_consent_only_changes_the_request(ladder):
    ad = ladder.request(age=HOUR, consent=False)
    assert (
        api_as(ladder.worker).post(f"/api/v1/ads/{ad.pk}/consent/", {"consent": True}, format="json").status_code
        == 200
    )
    assert not Escalation.objects.filter(ad=ad).exists()
    escalation_scan(now=NOW + 48 * HOUR)
    assert ladder_of(ad) == [("Thuiszorg Noord", 1, "open")]


def test_only_a_worker_of_the_neighbourhood_records_consent(ladder):
    ad = ladder.request(age=HOUR, consent=False)
    zuid_worker = factories.WorkerAssignmentFactory(neighbourhood=ladder.zuid).user
    outsider = factories.UserFactory(neighbourhood=ladder.zuid)
    url = f"/api/v1/ads/{ad.pk}/consent/"
    assert api_as(zuid_worker).post(url, {"consent": True}, format="json").status_code == 404
    assert api_as(outsider).post(url, {"consent": True}, format="json").status_code == 404
    assert api_as(ladder.author).post(url, {"consent": True}, format="json").status_code == 403
    assert api_as(ladder.care_staff[0]).post(url, {"consent": True}, format="json").status_code == 404
    assert api_as(ladder.worker).post(url, {"consent": "maybe"}, format="json").status_code == 400
    page = client_for(zuid_worker).post(reverse("escalations:consent", args=[ad.pk]), {"consent-consent": "yes"})
    assert page.status_code == 404
    ad.refresh_from_db()
    assert ad.escalation_consent is False


def test_consent_on_an_offer_or_a_closed_request_is_refused(ladder):
    offer = factories.AdFactory(author=ladder.author, kind=Ad.Kind.OFFER)
    closed = ladder.request(age=HOUR, consent=False, status=Ad.Status.DONE)
    for ad in (offer, closed):
        response = api_as(ladder.worker).post(f"/api/v1/ads/{ad.pk}/consent/", {"consent": True}, format="json")
        assert response.status_code == 400
        ad.refresh_from_db()
        assert ad.escalation_consent is False


def test_the_consent_form_is_on_the_request_page_for_workers_only(ladder):
    ad = ladder.request(age=HOUR, consent=False)
    assert b'name="consent-consent"' in client_for(ladder.worker).get(reverse("ads:detail", args=[ad.pk])).content
    assert b'name="consent-consent"' not in client_for(ladder.author).get(reverse("ads:detail", args=[ad.pk])).content


def test_an_empty_consent_form_changes_nothing_and_says_why(ladder):
    ad = ladder.request(age=HOUR, consent=False)
    client = client_for(ladder.worker)
    response = client.post(reverse("escalations:consent", args=[ad.pk]), {}, follow=True)
    assert response.status_code == 200
    assert "Choose yes or no." in response.content.decode()
    ad.refresh_from_db()
    assert ad.consent_recorded_by is None


def test_the_author_withdrawing_consent_takes_it_back_from_the_partner(ladder):
    ad = ladder.request(age=48 * HOUR, consent_recorded_by=ladder.worker)
    escalation_scan(now=NOW)
    assert ladder_of(ad) == [("Thuiszorg Noord", 1, "open")]
    response = api_as(ladder.author).patch(f"/api/v1/ads/{ad.pk}/", {"escalation_consent": False}, format="json")
    assert response.status_code == 200
    assert ladder_of(ad) == [("Thuiszorg Noord", 1, "cancelled"), (None, 2, "open")]
    ad.refresh_from_db()
    assert ad.consent_recorded_by is None  # no longer the answer the worker noted


def test_the_author_giving_consent_later_passes_it_on_to_the_partner(ladder):
    ad = ladder.request(age=48 * HOUR, consent=False)
    escalation_scan(now=NOW)
    assert ladder_of(ad) == [(None, 1, "open")]
    response = api_as(ladder.author).patch(f"/api/v1/ads/{ad.pk}/", {"escalation_consent": True}, format="json")
    assert response.status_code == 200
    assert ladder_of(ad) == [(None, 1, "cancelled"), ("Thuiszorg Noord", 2, "open")]
