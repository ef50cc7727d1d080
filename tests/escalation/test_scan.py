"""The ladder's periodic scan, step by step, with a controllable clock."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ads import services as ad_services
from ads.escalation.models import Escalation, EscalationStep
from ads.escalation.services import escalation_scan, escalation_scan_batches
from ads.models import Ad
from notifications.models import Notification
from tests import factories
from tests.escalation.conftest import HOUR, NOW, kinds_for, ladder_of, partner_covering


def test_halfway_the_author_is_asked_and_matching_offerers_reminded_once(ladder):
    ad = ladder.request(age=24 * HOUR)
    result = escalation_scan(now=NOW)
    assert result.nudged == 1
    ad.refresh_from_db()
    assert ad.nudged_at == NOW
    assert kinds_for(ladder.author) == ["ad.still_needed"]
    assert kinds_for(ladder.offerer) == ["ad.offer_reminder"]
    assert kinds_for(ladder.other_offerer) == []  # offers help with something else
    assert escalation_scan(now=NOW + HOUR).nudged == 0
    assert kinds_for(ladder.author) == ["ad.still_needed"]


def test_before_halfway_nothing_happens(ladder):
    ad = ladder.request(age=24 * HOUR - HOUR)
    escalation_scan(now=NOW)
    ad.refresh_from_db()
    assert ad.nudged_at is None
    assert not Notification.objects.exists()


def test_past_the_threshold_with_consent_every_covering_partner_gets_step_one(ladder):
    partner_covering(ladder.noord, ladder.groceries, name="Sociaal Team")
    partner_covering(ladder.zuid, ladder.groceries, name="Zorg Zuid")  # another neighbourhood
    ad = ladder.request(age=48 * HOUR)
    result = escalation_scan(now=NOW)
    assert (result.escalated, result.created) == (1, 2)
    assert ladder_of(ad) == [("Sociaal Team", 1, "open"), ("Thuiszorg Noord", 1, "open")]
    ad.refresh_from_db()
    assert ad.escalated_at == NOW
    for staff in ladder.care_staff:
        assert kinds_for(staff) == ["escalation.created"]
    assert kinds_for(ladder.worker) == []
    assert set(EscalationStep.objects.values_list("action", "actor")) == {("created", None)}


def test_no_covering_partner_goes_to_the_neighbourhoods_workers(ladder):
    ad = ladder.request(age=48 * HOUR, category=factories.category("tuin"))
    escalation_scan(now=NOW)
    assert ladder_of(ad) == [(None, 1, "open")]
    assert kinds_for(ladder.worker) == ["escalation.created"]


def test_without_consent_only_the_workers(ladder):
    ad = ladder.request(age=48 * HOUR, consent=False)
    escalation_scan(now=NOW)
    assert ladder_of(ad) == [(None, 1, "open")]
    assert kinds_for(ladder.worker) == ["escalation.created"]
    assert all(kinds_for(staff) == [] for staff in ladder.care_staff)


def test_a_neighbourhood_without_workers_tells_the_coordinators(ladder):
    elsewhere = factories.NeighbourhoodFactory(slug="centrum")
    ad = ladder.request(age=48 * HOUR, consent=False, neighbourhood=elsewhere)
    escalation_scan(now=NOW)
    assert ladder_of(ad) == [(None, 1, "open")]
    assert kinds_for(ladder.coordinator) == ["escalation.created"]


def test_the_scan_twice_changes_nothing(ladder):
    for age in (24, 30, 48, 60):
        ladder.request(age=age * HOUR)
    ladder.request(age=50 * HOUR, consent=False)
    first = escalation_scan(now=NOW)
    assert (first.nudged, first.escalated, first.created) == (2, 3, 3)
    snapshot = (
        list(Escalation.objects.values_list("id", "ad", "partner", "step", "state").order_by("id")),
        EscalationStep.objects.count(),
        Notification.objects.count(),
        list(Ad.objects.values_list("id", "nudged_at", "escalated_at").order_by("id")),
    )
    second = escalation_scan(now=NOW)
    assert (second.nudged, second.escalated, second.created) == (0, 0, 0)
    assert snapshot == (
        list(Escalation.objects.values_list("id", "ad", "partner", "step", "state").order_by("id")),
        EscalationStep.objects.count(),
        Notification.objects.count(),
        list(Ad.objects.values_list("id", "nudged_at", "escalated_at").order_by("id")),
    )


def test_a_request_escalated_when_it_exists_already_is_not_notified_again(ladder):
    ad = ladder.request(age=48 * HOUR)
    Escalation.objects.create(ad=ad, partner=ladder.care, step=1, created_at=NOW)
    result = escalation_scan(now=NOW)
    assert (result.escalated, result.created) == (1, 0)
    assert Escalation.objects.filter(ad=ad).count() == 1
    assert not Notification.objects.filter(kind="escalation.created").exists()


def test_a_neighbours_reply_before_the_threshold_stops_the_ladder(ladder):
    ad = ladder.request(age=47 * HOUR)
    unanswered = ladder.request(age=47 * HOUR)
    ad_services.reply_post(ad=ad, author=ladder.offerer, body="Ik kan helpen.")
    escalation_scan(now=NOW + 2 * HOUR)
    assert ladder_of(ad) == []
    assert ladder_of(unanswered) == [("Thuiszorg Noord", 1, "open")]  # the scan did run past the threshold


def test_a_reply_after_escalation_closes_the_open_escalations_with_that_reason(ladder):
    ad = ladder.request(age=48 * HOUR)
    escalation_scan(now=NOW)
    ad_services.reply_post(ad=ad, author=ladder.offerer, body="Ik kan helpen.")
    assert ladder_of(ad) == [("Thuiszorg Noord", 1, "cancelled")]
    step = EscalationStep.objects.filter(escalation__ad=ad).last()
    assert (step.action, step.note, step.actor) == ("cancelled", "reply", ladder.offerer)


def test_the_authors_own_reply_does_not_stop_the_ladder(ladder):
    ad = ladder.request(age=48 * HOUR)
    conversation = factories.ConversationFactory(ad=ad, responder=ladder.offerer)
    ad_services.reply_post(ad=ad, author=ladder.author, body="Nog nodig.", conversation=conversation)
    escalation_scan(now=NOW)
    assert ladder_of(ad) == [("Thuiszorg Noord", 1, "open")]


@pytest.mark.parametrize(("finish", "reason"), [("withdraw", "withdrawn"), ("close", "closed")])
def test_withdraw_or_close_stops_the_ladder(ladder, finish, reason):
    ad = ladder.request(age=48 * HOUR)
    waiting = ladder.request(age=30 * HOUR)
    escalation_scan(now=NOW)
    for each in (ad, waiting):
        if finish == "withdraw":
            ad_services.ad_withdraw(ad=each, withdrawer=ladder.author)
        else:
            ad_services.ad_close(ad=each, closer=ladder.author)
    assert ladder_of(ad) == [("Thuiszorg Noord", 1, "cancelled")]
    assert EscalationStep.objects.filter(escalation__ad=ad).last().note == reason
    escalation_scan(now=NOW + 24 * HOUR)
    assert ladder_of(waiting) == []


def test_hidden_or_pending_requests_and_offers_stay_off_the_ladder(ladder):
    hidden = ladder.request(age=48 * HOUR, moderation=Ad.Moderation.HIDDEN)
    pending = ladder.request(age=48 * HOUR, moderation=Ad.Moderation.PENDING)
    offer = ladder.request(age=48 * HOUR, kind=Ad.Kind.OFFER, consent=False)
    escalation_scan(now=NOW)
    assert ladder_of(hidden) == ladder_of(pending) == ladder_of(offer) == []


def _queries_per_batch(batch_size: int) -> list[int]:
    counts, batches = [], escalation_scan_batches(now=NOW, batch_size=batch_size)
    while True:
        with CaptureQueriesContext(connection) as queries:
            batch = next(batches, None)
        if batch is None:
            return counts
        counts.append(len(queries))


@pytest.mark.postgres  # SQLite splits big inserts by its parameter limit
def test_each_batch_costs_a_constant_number_of_queries(ladder):
    def add(count: int) -> None:
        for _ in range(count):
            ladder.request(age=48 * HOUR)  # to the partner
            ladder.request(age=50 * HOUR, consent=False)  # to the workers
            ladder.request(age=30 * HOUR)  # halfway

    add(4)
    [small] = _queries_per_batch(batch_size=1000)
    add(40)
    [large] = _queries_per_batch(batch_size=1000)
    assert small == large  # 12 requests or 124: the same queries
    add(40)
    paged = _queries_per_batch(batch_size=10)
    assert len(paged) == 17
    assert max(paged) <= small
