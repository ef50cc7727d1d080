"""What partner staff and workers do with an escalation, and the raise after the window."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ads.escalation import services
from ads.escalation.exceptions import EscalationAlreadyClaimed, EscalationClosed, EscalationNotClaimed
from ads.escalation.models import Escalation, EscalationStep
from ads.escalation.services import escalation_scan, escalations_raise_unclaimed
from tests import factories
from tests.escalation.conftest import HOUR, MINUTE, NOW, kinds_for, ladder_of, partner_covering


@pytest.fixture
def escalated(ladder):
    ad = ladder.request(age=48 * HOUR)
    escalation_scan(now=NOW)
    return Escalation.objects.get(ad=ad, partner=ladder.care)


def test_claim_records_who_and_when(ladder, escalated):
    pia = ladder.care_staff[0]
    services.escalation_claim(escalation=escalated, staff=pia, now=NOW + HOUR)
    escalated.refresh_from_db()
    assert (escalated.state, escalated.claimed_by, escalated.claimed_at) == ("claimed", pia, NOW + HOUR)
    step = EscalationStep.objects.filter(escalation=escalated).last()
    assert (step.action, step.actor, step.created_at) == ("claimed", pia, NOW + HOUR)


def test_a_second_claim_gets_the_conflict(ladder, escalated):
    pia, piet = ladder.care_staff
    services.escalation_claim(escalation=escalated, staff=pia, now=NOW)
    with pytest.raises(EscalationAlreadyClaimed):
        services.escalation_claim(escalation=escalated, staff=piet, now=NOW)


def test_staff_of_another_partner_or_a_resident_may_not_claim(ladder, escalated):
    outsider_staff = factories.UserFactory(neighbourhood=None, partner=ladder.housing)
    for user in (outsider_staff, ladder.author, ladder.worker):
        with pytest.raises(PermissionDenied):
            services.escalation_claim(escalation=escalated, staff=user, now=NOW)
    escalated.refresh_from_db()
    assert escalated.state == "open"


def test_claiming_one_cancels_the_other_partners_waiting_escalations(ladder):
    social = partner_covering(ladder.noord, ladder.groceries, name="Sociaal Team")
    social_staff = factories.UserFactory(neighbourhood=None, partner=social)
    ad = ladder.request(age=48 * HOUR)
    escalation_scan(now=NOW)
    services.escalation_claim(escalation=Escalation.objects.get(ad=ad, partner=social), staff=social_staff, now=NOW)
    assert ladder_of(ad) == [("Sociaal Team", 1, "claimed"), ("Thuiszorg Noord", 1, "cancelled")]
    with pytest.raises(EscalationClosed):
        services.escalation_claim(
            escalation=Escalation.objects.get(ad=ad, partner=ladder.care), staff=ladder.care_staff[0], now=NOW
        )


def test_resolve_with_an_outcome_after_claiming(ladder, escalated):
    pia = ladder.care_staff[0]
    with pytest.raises(EscalationNotClaimed):
        services.escalation_resolve(escalation=escalated, staff=pia, outcome="helped")
    services.escalation_claim(escalation=escalated, staff=pia, now=NOW)
    with pytest.raises(ValidationError):
        services.escalation_resolve(escalation=escalated, staff=pia, outcome="magic")
    services.escalation_resolve(escalation=escalated, staff=pia, outcome="referred", note="Wmo-loket", now=NOW + HOUR)
    escalated.refresh_from_db()
    assert (escalated.state, escalated.outcome, escalated.closed_at) == ("resolved", "referred", NOW + HOUR)
    assert EscalationStep.objects.filter(escalation=escalated).last().note == "Wmo-loket"
    with pytest.raises(EscalationClosed):
        services.escalation_resolve(escalation=escalated, staff=pia, outcome="helped")


def test_notes_are_kept_in_the_history(ladder, escalated):
    services.escalation_note_add(escalation=escalated, staff=ladder.care_staff[1], note="Gebeld, geen gehoor.")
    assert EscalationStep.objects.filter(escalation=escalated, action="note").get().actor == ladder.care_staff[1]


def test_decline_needs_a_reason(ladder, escalated):
    with pytest.raises(ValidationError):
        services.escalation_decline(escalation=escalated, staff=ladder.care_staff[0], reason="  ")


def test_decline_routes_to_the_next_covering_partner(ladder, escalated):
    later = partner_covering(ladder.noord, ladder.groceries, name="Buurtzorg")  # joined after step 1
    later_staff = factories.UserFactory(neighbourhood=None, partner=later)
    services.escalation_decline(escalation=escalated, staff=ladder.care_staff[0], reason="Vol.", now=NOW + HOUR)
    assert ladder_of(escalated.ad) == [("Thuiszorg Noord", 1, "declined"), ("Buurtzorg", 2, "open")]
    assert kinds_for(later_staff) == ["escalation.created"]
    routed = Escalation.objects.get(partner=later)
    step = EscalationStep.objects.get(escalation=routed)
    assert (step.action, step.actor, routed.created_at) == ("routed", ladder.care_staff[0], NOW + HOUR)


def test_decline_by_the_last_partner_goes_to_the_workers(ladder, escalated):
    services.escalation_decline(escalation=escalated, staff=ladder.care_staff[0], reason="Niet ons werk.")
    assert ladder_of(escalated.ad) == [("Thuiszorg Noord", 1, "declined"), (None, 2, "open")]
    assert kinds_for(ladder.worker) == ["escalation.created"]


def test_decline_while_another_partner_holds_it_adds_nothing(ladder):
    partner_covering(ladder.noord, ladder.groceries, name="Sociaal Team")
    ad = ladder.request(age=48 * HOUR)
    escalation_scan(now=NOW)
    care = Escalation.objects.get(ad=ad, partner=ladder.care)
    services.escalation_decline(escalation=care, staff=ladder.care_staff[0], reason="Vol.")
    assert ladder_of(ad) == [("Sociaal Team", 1, "open"), ("Thuiszorg Noord", 1, "declined")]


def test_a_partner_that_declined_is_not_asked_again_but_one_cancelled_by_a_claim_is(ladder):
    social = partner_covering(ladder.noord, ladder.groceries, name="Sociaal Team")
    social_staff = factories.UserFactory(neighbourhood=None, partner=social)
    ad = ladder.request(age=48 * HOUR)
    escalation_scan(now=NOW)
    claimed = Escalation.objects.get(ad=ad, partner=social)
    services.escalation_claim(escalation=claimed, staff=social_staff, now=NOW)
    services.escalation_decline(escalation=claimed, staff=social_staff, reason="Toch niet.", now=NOW)
    assert ladder_of(ad) == [
        ("Sociaal Team", 1, "declined"),
        ("Thuiszorg Noord", 1, "cancelled"),
        ("Thuiszorg Noord", 2, "open"),
    ]


def test_hand_back_returns_it_to_the_workers(ladder, escalated):
    pia = ladder.care_staff[0]
    with pytest.raises(EscalationNotClaimed):
        services.escalation_hand_back(escalation=escalated, staff=pia)
    services.escalation_claim(escalation=escalated, staff=pia, now=NOW)
    services.escalation_hand_back(escalation=escalated, staff=pia, note="Meer dan wij kunnen.", now=NOW)
    assert ladder_of(escalated.ad) == [("Thuiszorg Noord", 1, "handed_back"), (None, 2, "open")]


def test_workers_escalations_cannot_be_declined(ladder):
    ad = ladder.request(age=48 * HOUR, consent=False)
    escalation_scan(now=NOW)
    to_workers = Escalation.objects.get(ad=ad)
    with pytest.raises(ValidationError):
        services.escalation_decline(escalation=to_workers, staff=ladder.worker, reason="Nee.")
    services.escalation_claim(escalation=to_workers, staff=ladder.worker, now=NOW)
    services.escalation_resolve(escalation=to_workers, staff=ladder.worker, outcome="helped", now=NOW)
    assert ladder_of(ad) == [(None, 1, "resolved")]


def test_no_routing_once_a_neighbour_replied(ladder, escalated):
    from ads import services as ad_services

    pia = ladder.care_staff[0]
    services.escalation_claim(escalation=escalated, staff=pia, now=NOW)
    ad_services.reply_post(ad=escalated.ad, author=ladder.offerer, body="Ik kom morgen.")
    services.escalation_decline(escalation=escalated, staff=pia, reason="Een buur helpt al.")
    assert ladder_of(escalated.ad) == [("Thuiszorg Noord", 1, "declined")]


def test_withdrawing_closes_a_claimed_escalation_and_tells_the_claimant(ladder, escalated):
    from ads import services as ad_services

    pia = ladder.care_staff[0]
    services.escalation_claim(escalation=escalated, staff=pia, now=NOW)
    ad_services.ad_withdraw(ad=escalated.ad, withdrawer=ladder.author)
    assert ladder_of(escalated.ad) == [("Thuiszorg Noord", 1, "cancelled")]
    assert kinds_for(pia) == ["escalation.cancelled", "escalation.created"]


def test_unclaimed_within_the_partners_window_is_raised(ladder, escalated):
    # Thuiszorg Noord acknowledges within 120 minutes.
    assert escalations_raise_unclaimed(now=NOW + 119 * MINUTE) == 0
    assert escalations_raise_unclaimed(now=NOW + 120 * MINUTE) == 1
    escalated.refresh_from_db()
    assert (escalated.state, escalated.raised_at) == ("raised", NOW + 120 * MINUTE)
    assert kinds_for(ladder.coordinator) == ["escalation.raised"]
    assert kinds_for(ladder.worker) == ["escalation.raised"]
    assert escalations_raise_unclaimed(now=NOW + 5 * HOUR) == 0
    assert kinds_for(ladder.coordinator) == ["escalation.raised"]
    # Raising is an alarm, not an end: the partner can still pick it up.
    services.escalation_claim(escalation=escalated, staff=ladder.care_staff[0], now=NOW + 5 * HOUR)


def test_claimed_in_time_is_not_raised(ladder, escalated):
    services.escalation_claim(escalation=escalated, staff=ladder.care_staff[0], now=NOW + HOUR)
    assert escalations_raise_unclaimed(now=NOW + 10 * HOUR) == 0


def test_workers_escalations_are_raised_after_the_default_window(ladder):
    ad = ladder.request(age=48 * HOUR, consent=False)
    escalation_scan(now=NOW)
    assert escalations_raise_unclaimed(now=NOW + 24 * HOUR - MINUTE) == 0
    assert escalations_raise_unclaimed(now=NOW + 24 * HOUR) == 1
    assert ladder_of(ad) == [(None, 1, "raised")]


def test_raise_by_hand(ladder, escalated):
    services.escalation_raise(escalation=escalated, now=NOW, actor=ladder.worker, note="Dringend.")
    assert ladder_of(escalated.ad) == [("Thuiszorg Noord", 1, "raised")]
    with pytest.raises(EscalationNotClaimed):
        services.escalation_raise(escalation=escalated, now=NOW)
