"""The partner inbox API: each organisation sees and acts on its own escalations only."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import translation
from rest_framework.test import APIClient

from ads.escalation import selectors
from ads.escalation.exceptions import EscalationAlreadyClaimed, EscalationClosed
from ads.escalation.models import Escalation, EscalationStep
from ads.escalation.services import escalation_scan
from ads.models import Ad
from tests import factories
from tests.conftest import api_as
from tests.escalation.conftest import HOUR, NOW, ladder_of, partner_covering

ACTIONS = [
    ("claim", {}),
    ("resolve", {"outcome": "helped"}),
    ("decline", {"reason": "Niet ons gebied"}),
    ("hand-back", {}),
    ("notes", {"note": "Gebeld"}),
]


def url(escalation: Escalation, action: str = "") -> str:
    return f"/api/v1/escalations/{escalation.pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def escalated(ladder):
    ladder.author.phone, ladder.author.street, ladder.author.postcode = "06-12345678", "Kerkstraat 1", "3511 AB"
    ladder.author.save()
    ad = ladder.request(age=48 * HOUR, title="Boodschappen halen")
    escalation_scan(now=NOW)
    return Escalation.objects.get(ad=ad, partner=ladder.care)


@pytest.fixture
def stranger(ladder):
    """Staff of a partner that covers Zuid only."""
    other = partner_covering(ladder.zuid, ladder.groceries, name="Zuidzorg")
    return factories.UserFactory(neighbourhood=None, partner=other, display_name="Sam")


def test_list_shows_the_organisations_escalations_open_first_with_their_age(ladder, escalated):
    older = ladder.request(age=60 * HOUR, title="Ouder verzoek")
    escalation_scan(now=NOW)
    done = Escalation.objects.get(ad=older, partner=ladder.care)
    pia = ladder.care_staff[0]
    api_as(pia).post(url(done, "claim"))
    body = api_as(pia).get("/api/v1/escalations/").json()
    assert body["next"] is None and set(body) == {"results", "next"}
    assert [row["id"] for row in body["results"]] == [escalated.pk, done.pk]  # waiting first
    first = body["results"][0]
    assert first["state"] == "open" and first["partner"] == ladder.care.slug
    assert first["age_minutes"] > 0 and first["request"]["title"] == "Boodschappen halen"
    assert first["can_act"] is True
    assert [row["id"] for row in api_as(pia).get("/api/v1/escalations/?state=claimed").json()["results"]] == [done.pk]


def test_the_list_comes_in_pages_that_follow_next(ladder, escalated, monkeypatch):
    monkeypatch.setattr("ads.escalation.api_inbox.PAGE_SIZE", 2)
    for hours in (50, 55, 60, 65):
        ladder.request(age=hours * HOUR, title=f"Verzoek {hours}")
    escalation_scan(now=NOW)
    pia = ladder.care_staff[0]
    api_as(pia).post(url(Escalation.objects.filter(partner=ladder.care).order_by("created_at").first(), "claim"))
    expected = list(selectors.escalation_inbox(user=pia).values_list("id", flat=True))
    client, seen, link = api_as(pia), [], "/api/v1/escalations/"
    while link:
        body = client.get(link).json()
        assert len(body["results"]) <= 2
        seen += [row["id"] for row in body["results"]]
        link = body["next"]
    assert len(expected) == 5 and seen == expected  # the claimed one last, none twice
    assert client.get("/api/v1/escalations/", {"cursor": "7.bm9wZQ"}).status_code == 400


def test_list_of_another_partner_is_empty_and_a_resident_has_none(ladder, escalated, stranger):
    assert api_as(stranger).get("/api/v1/escalations/").json() == {"results": [], "next": None}
    refused = api_as(ladder.author).get("/api/v1/escalations/")
    assert refused.status_code == 403 and refused.json()["detail"]
    assert len(api_as(ladder.worker).get("/api/v1/escalations/").json()["results"]) == 1  # the whole history
    assert len(api_as(ladder.coordinator).get("/api/v1/escalations/").json()["results"]) == 1


def test_a_bad_filter_is_a_400(ladder, escalated):
    response = api_as(ladder.care_staff[0]).get("/api/v1/escalations/?state=magic")
    assert response.status_code == 400 and "state" in response.json()


def test_anonymous_gets_401():
    assert APIClient().get("/api/v1/escalations/").status_code in (401, 403)


def test_another_partner_gets_404_for_every_action(ladder, escalated, stranger):
    client = api_as(stranger)
    assert client.get(url(escalated)).status_code == 404
    for action, data in ACTIONS:
        response = client.post(url(escalated, action), data, format="json")
        assert response.status_code == 404, action
        assert response.json() == {"detail": "Not found."} or "detail" in response.json()
    missing = Escalation(pk=escalated.pk + 1000)
    assert client.get(url(missing)).json() == client.get(url(escalated)).json()  # the same answer
    escalated.refresh_from_db()
    assert escalated.state == "open"
    assert not EscalationStep.objects.filter(escalation=escalated).exclude(action="created").exists()


def test_a_resident_gets_404_for_every_action(ladder, escalated):
    for action, data in ACTIONS:
        assert api_as(ladder.author).post(url(escalated, action), data, format="json").status_code == 404


def test_detail_shows_contact_details_because_consent_was_given(ladder, escalated):
    body = api_as(ladder.care_staff[0]).get(url(escalated)).json()
    assert body["contact"] == {
        "name": "Anna",
        "phone": "06-12345678",
        "street": "Kerkstraat 1",
        "postcode": "3511 AB",
        "email": ladder.author.email,
    }
    assert [step["action"] for step in body["steps"]] == ["created"]


def test_no_contact_details_without_consent(ladder):
    ladder.author.phone = "06-12345678"
    ladder.author.save()
    ad = ladder.request(age=48 * HOUR, consent=False)
    escalation_scan(now=NOW)
    escalation = Escalation.objects.get(ad=ad)
    assert escalation.partner is None  # without consent the ladder stops at the workers
    body = api_as(ladder.worker).get(url(escalation)).json()
    assert body["contact"] is None and body["can_act"] is True


def test_no_contact_details_for_a_worker_reading_a_partners_escalation(ladder, escalated):
    body = api_as(ladder.worker).get(url(escalated)).json()
    assert body["contact"] is None and body["can_act"] is False
    response = api_as(ladder.worker).post(url(escalated, "claim"))
    assert response.status_code == 403


def test_claim_then_a_colleague_gets_a_clear_409(ladder, escalated):
    pia, piet = ladder.care_staff
    response = api_as(pia).post(url(escalated, "claim"))
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["claimed_by_name"]) == ("claimed", "Pia")
    conflict = api_as(piet).post(url(escalated, "claim"))
    assert conflict.status_code == 409
    with translation.override("nl"):  # the site's default language
        assert conflict.json() == {"detail": EscalationAlreadyClaimed().message}


def test_resolve_needs_a_claim_and_a_valid_outcome(ladder, escalated):
    pia = api_as(ladder.care_staff[0])
    assert pia.post(url(escalated, "resolve"), {"outcome": "helped"}, format="json").status_code == 409
    pia.post(url(escalated, "claim"))
    bad = pia.post(url(escalated, "resolve"), {"outcome": "magic"}, format="json")
    assert bad.status_code == 400 and "outcome" in bad.json()
    unknown = pia.post(url(escalated, "resolve"), {"outcome": "helped", "state": "x"}, format="json")
    assert unknown.status_code == 400 and "state" in unknown.json()
    escalated.refresh_from_db()
    assert escalated.state == "claimed"
    done = pia.post(url(escalated, "resolve"), {"outcome": "referred", "note": "Wmo-loket"}, format="json")
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["outcome"]) == ("resolved", "referred")
    assert done.json()["contact"] is None  # closed: the phone number is no longer shown
    again = pia.post(url(escalated, "resolve"), {"outcome": "helped"}, format="json")
    with translation.override("nl"):
        assert again.status_code == 409 and again.json()["detail"] == EscalationClosed().message


def test_decline_needs_a_reason_and_routes_to_the_next_partner(ladder, escalated):
    social = partner_covering(ladder.noord, ladder.groceries, name="Zorg Zuidelijk")  # sorts after Thuiszorg
    pia = api_as(ladder.care_staff[0])
    assert pia.post(url(escalated, "decline"), {}, format="json").status_code == 400
    assert pia.post(url(escalated, "decline"), {"reason": "  "}, format="json").status_code == 400
    response = pia.post(url(escalated, "decline"), {"reason": "Geen plek"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "declined"
    assert ladder_of(escalated.ad) == [("Thuiszorg Noord", 1, "declined"), (social.name, 2, "open")]


def test_hand_back_goes_to_the_workers(ladder, escalated):
    pia = api_as(ladder.care_staff[0])
    assert pia.post(url(escalated, "hand-back"), {}, format="json").status_code == 409  # not claimed yet
    pia.post(url(escalated, "claim"))
    response = pia.post(url(escalated, "hand-back"), {"note": "Graag via de buurtwerker"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "handed_back"
    assert ladder_of(escalated.ad) == [("Thuiszorg Noord", 1, "handed_back"), (None, 2, "open")]


def test_notes_are_added_to_the_history(ladder, escalated):
    piet = api_as(ladder.care_staff[1])
    assert piet.post(url(escalated, "notes"), {"note": ""}, format="json").status_code == 400
    assert piet.post(url(escalated, "notes"), {"note": 12}, format="json").status_code == 400
    response = piet.post(url(escalated, "notes"), {"note": "Gebeld, geen gehoor."}, format="json")
    assert response.status_code == 201
    assert (response.json()["action"], response.json()["actor_name"]) == ("note", "Piet")
    steps = api_as(ladder.care_staff[0]).get(url(escalated)).json()["steps"]
    assert [(s["action"], s["note"]) for s in steps][-1] == ("note", "Gebeld, geen gehoor.")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_claiming_at_once_over_the_api_one_gets_409(ladder, escalated):
    statuses: list[int] = []

    def claim(staff) -> None:
        try:
            statuses.append(api_as(staff).post(url(escalated, "claim")).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(staff,)) for staff in ladder.care_staff]
    # Hold the request's lock so both claims, each on its own connection, wait at the same moment.
    with transaction.atomic():
        Ad.objects.select_for_update().get(pk=escalated.ad_id)
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        assert not statuses  # both blocked
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(statuses) == [200, 409]
    escalated.refresh_from_db()
    assert escalated.state == "claimed" and escalated.claimed_by in ladder.care_staff
    assert EscalationStep.objects.filter(escalation=escalated, action="claimed").count() == 1
