"""The partner inbox pages, and the ladder on a request's page: what the resident is
told, and the whole history the workers see."""

import pytest
from django.test import Client
from django.urls import reverse

from ads.escalation import services
from ads.escalation.models import Escalation, EscalationStep
from ads.escalation.services import escalation_scan
from tests import factories
from tests.escalation.conftest import HOUR, NOW, ladder_of, partner_covering


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def escalated(ladder):
    ladder.author.phone = "06-12345678"
    ladder.author.save()
    ad = ladder.request(age=48 * HOUR, title="Boodschappen halen")
    escalation_scan(now=NOW)
    return Escalation.objects.get(ad=ad, partner=ladder.care)


def page(escalation: Escalation, action: str = "detail") -> str:
    return reverse(f"escalations:{action}", args=[escalation.pk])


def test_inbox_lists_the_organisations_requests_with_their_wait(ladder, escalated):
    response = client_for(ladder.care_staff[0]).get(reverse("escalations:inbox"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Boodschappen halen" in text and "Waiting for" in text
    assert "Passed-on requests" in text  # the link in the menu


def test_inbox_of_another_partner_does_not_show_it(ladder, escalated):
    other = partner_covering(ladder.zuid, ladder.groceries, name="Zuidzorg")
    sam = factories.UserFactory(neighbourhood=None, partner=other)
    response = client_for(sam).get(reverse("escalations:inbox"))
    assert response.status_code == 200 and "Passed-on requests" in response.content.decode()
    assert "Boodschappen halen" not in response.content.decode()
    # The partner it is addressed to does see it on the same page.
    assert "Boodschappen halen" in client_for(ladder.care_staff[0]).get(reverse("escalations:inbox")).content.decode()


def test_a_resident_has_no_inbox(ladder, escalated):
    response = client_for(ladder.author).get(reverse("escalations:inbox"))
    assert response.status_code == 403
    assert "Passed-on requests" not in response.content.decode()


def test_residents_have_no_menu_link_and_an_empty_inbox(ladder, escalated):
    client = client_for(ladder.offerer)
    mine = client.get(reverse("ads:mine"))
    assert mine.status_code == 200 and "Passed-on requests" not in mine.content.decode()
    inbox = client.get(reverse("escalations:inbox"))
    assert inbox.status_code == 403 and "Only partner staff" in inbox.content.decode()
    assert "Boodschappen halen" not in inbox.content.decode()
    # Partner staff have the menu link.
    assert "Passed-on requests" in client_for(ladder.care_staff[0]).get(reverse("ads:mine")).content.decode()


def test_detail_shows_the_minimum_to_act_with_the_phone_number(ladder, escalated):
    text = client_for(ladder.care_staff[0]).get(page(escalated)).content.decode()
    assert "Boodschappen halen" in text and "06-12345678" in text
    assert "Pick up this request" in text


def test_another_partner_gets_404_on_every_page(ladder, escalated):
    other = partner_covering(ladder.zuid, ladder.groceries, name="Zuidzorg")
    client = client_for(factories.UserFactory(neighbourhood=None, partner=other))
    assert client.get(page(escalated)).status_code == 404
    forms = {"claim": {}, "note": {"note-note": "x"}, "resolve": {"resolve-outcome": "helped"}}
    forms |= {"decline": {"decline-reason": "x"}, "hand_back": {}}
    for action, data in forms.items():
        assert client.post(page(escalated, action), data).status_code == 404, action
    escalated.refresh_from_db()
    assert escalated.state == "open"


def test_claim_then_resolve_through_the_pages(ladder, escalated):
    client = client_for(ladder.care_staff[0])
    response = client.post(page(escalated, "claim"), follow=True)
    assert "You picked up this request." in response.content.decode()
    response = client.post(
        page(escalated, "resolve"), {"resolve-outcome": "helped", "resolve-note": "Boodschappen gedaan"}
    )
    assert response.status_code == 302
    escalated.refresh_from_db()
    assert (escalated.state, escalated.outcome) == ("resolved", "helped")


def test_a_claim_that_lost_the_race_is_a_message_not_an_error(ladder, escalated):
    pia, piet = ladder.care_staff
    services.escalation_claim(escalation=escalated, staff=pia)
    response = client_for(piet).post(page(escalated, "claim"), follow=True)
    assert response.status_code == 200
    assert "Someone else has already picked up this escalation." in response.content.decode()
    escalated.refresh_from_db()
    assert escalated.claimed_by == pia


def test_a_form_with_a_problem_is_shown_again_with_what_was_typed(ladder, escalated):
    client = client_for(ladder.care_staff[0])
    client.post(page(escalated, "claim"))
    response = client.post(page(escalated, "resolve"), {"resolve-note": "Mijn notitie"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose an outcome." in text and "Mijn notitie" in text
    response = client.post(page(escalated, "decline"), {"decline-reason": " "})
    assert response.status_code == 400 and "Write a short explanation." in response.content.decode()
    escalated.refresh_from_db()
    assert escalated.state == "claimed"


def test_notes_decline_and_hand_back_through_the_pages(ladder, escalated):
    social = partner_covering(ladder.noord, ladder.groceries, name="Zorg Zuidelijk")
    client = client_for(ladder.care_staff[0])
    assert client.post(page(escalated, "note"), {"note-note": "Gebeld"}).status_code == 302
    assert EscalationStep.objects.filter(escalation=escalated, action="note", note="Gebeld").exists()
    assert client.post(page(escalated, "decline"), {"decline-reason": "Vol"}).status_code == 302
    assert ladder_of(escalated.ad) == [("Thuiszorg Noord", 1, "declined"), (social.name, 2, "open")]
    social_staff = factories.UserFactory(neighbourhood=None, partner=social)
    nxt = Escalation.objects.get(ad=escalated.ad, partner=social)
    staff = client_for(social_staff)
    staff.post(page(nxt, "claim"))
    assert staff.post(page(nxt, "hand_back"), {"hand_back-note": ""}).status_code == 302
    assert ladder_of(escalated.ad)[-1] == (None, 3, "open")


def test_a_worker_sees_a_partners_escalation_but_cannot_act(ladder, escalated):
    client = client_for(ladder.worker)
    text = client.get(page(escalated)).content.decode()
    assert "Boodschappen halen" in text and "Pick up this request" not in text and "06-12345678" not in text
    assert client.post(page(escalated, "claim")).status_code == 403


def test_the_resident_sees_passed_to_the_partner_and_the_outcome(ladder, escalated):
    client = client_for(ladder.author)
    ad_page = reverse("ads:detail", args=[escalated.ad_id])
    assert "Passed to Thuiszorg Noord on 2 March 2026." in client.get(ad_page).content.decode()
    pia = ladder.care_staff[0]
    services.escalation_claim(escalation=escalated, staff=pia, now=NOW + HOUR)
    assert "Thuiszorg Noord has picked it up and will contact you." in client.get(ad_page).content.decode()
    services.escalation_resolve(escalation=escalated, staff=pia, outcome="helped", note="intern", now=NOW + 2 * HOUR)
    text = client.get(ad_page).content.decode()
    assert "Thuiszorg Noord has helped you." in text
    assert "intern" not in text and "Pia" not in text  # notes and staff names are for the workers


def test_workers_see_the_whole_history_and_neighbours_nothing(ladder, escalated):
    pia = ladder.care_staff[0]
    services.escalation_claim(escalation=escalated, staff=pia, now=NOW + HOUR)
    services.escalation_note_add(escalation=escalated, staff=pia, note="Gebeld met Anna")
    ad_page = reverse("ads:detail", args=[escalated.ad_id])
    text = client_for(ladder.worker).get(ad_page).content.decode()
    assert "Escalation history" in text
    assert "Picked up (Pia)" in text and "Gebeld met Anna" in text and "Passed on (the system)" in text
    neighbour = client_for(ladder.offerer).get(ad_page).content.decode()
    assert "Escalation history" not in neighbour and "Thuiszorg Noord" not in neighbour


def test_coordinator_reads_escalations_in_the_admin(ladder, escalated):
    ladder.coordinator.is_staff = True
    ladder.coordinator.save()
    client = client_for(ladder.coordinator)
    response = client.get(reverse("admin:ads_escalation_change", args=[escalated.pk]))
    assert response.status_code == 200 and "created" in response.content.decode()
    assert client.post(reverse("admin:ads_escalation_delete", args=[escalated.pk]), {"post": "yes"}).status_code == 403
    assert Escalation.objects.filter(pk=escalated.pk).exists()
