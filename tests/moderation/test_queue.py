"""The workers' queue: reports most-reported first with their age, first posts waiting,
and only the worker's own neighbourhoods."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from ads.models import Ad
from ads.moderation.models import Report
from tests import factories
from tests.conftest import api_as
from tests.moderation.conftest import noord_residents, report_ad, report_reply

QUEUE = reverse("api-moderation-queue")


def _queue(user):
    response = api_as(user).get(QUEUE)
    assert response.status_code == 200
    return response.json()


def test_most_reported_first_then_the_longest_waiting(cast):
    once_old = factories.AdFactory(author=cast.neighbour, title="Een keer, oud")
    once_new = factories.AdFactory(author=cast.neighbour, title="Een keer, nieuw")
    reporters = noord_residents(cast, 2)
    report_ad(reporters[0], cast.ad)
    report_ad(reporters[1], cast.ad)
    report_ad(reporters[0], once_new)
    report_ad(reporters[0], once_old)
    Report.objects.filter(ad=once_old).update(created_at=timezone.now() - timedelta(hours=5))
    reported = _queue(cast.worker)["reported"]
    assert [row["ad"] for row in reported] == [cast.ad.pk, once_old.pk, once_new.pk]
    first = reported[0]
    assert (first["item"], first["reporters"], first["reasons"]) == ("ad", 2, [{"reason": "spam", "count": 2}])
    assert reported[1]["age_seconds"] >= 5 * 3600


def test_reply_reports_are_items_of_their_own(cast):
    reply = cast.conversation.replies.get()
    report_reply(cast.author, reply, "personal_data")
    [row] = _queue(cast.worker)["reported"]
    assert (row["item"], row["ad"], row["reply"], row["author"]["id"]) == (
        "reply",
        cast.ad.pk,
        reply.pk,
        cast.responder.pk,
    )


def test_handled_reports_leave_the_queue(cast):
    report_ad(cast.neighbour, cast.ad)
    assert len(_queue(cast.worker)["reported"]) == 1
    response = api_as(cast.worker).post(
        reverse("api-moderation-ad-decisions", args=[cast.ad.pk]), {"action": "dismiss", "reason": "ok"}, format="json"
    )
    assert response.status_code == 200 and response.json()["moderation"] == "visible"
    assert _queue(cast.worker)["reported"] == []


def test_first_posts_wait_oldest_first(cast):
    newer = factories.AdFactory(author=cast.neighbour, moderation=Ad.Moderation.PENDING)
    older = factories.AdFactory(
        author=cast.responder, moderation=Ad.Moderation.PENDING, created_at=timezone.now() - timedelta(hours=3)
    )
    pending = _queue(cast.worker)["pending"]
    assert [row["ad"] for row in pending] == [older.pk, newer.pk]
    assert pending[0]["age_seconds"] >= 3 * 3600


def test_worker_sees_only_own_neighbourhoods(cast):
    assert report_ad(factories.UserFactory(neighbourhood=cast.zuid), cast.zuid_ad).status_code == 201
    factories.AdFactory(author=cast.outsider, moderation=Ad.Moderation.PENDING)
    assert _queue(cast.worker) == {"reported": [], "pending": []}
    assert [row["ad"] for row in _queue(cast.other_worker)["reported"]] == [cast.zuid_ad.pk]


@pytest.mark.parametrize("persona", ["author", "neighbour", "outsider", "partner_staff", "coordinator"])
def test_queue_is_for_workers_only(cast, persona, client):
    assert api_as(getattr(cast, persona)).get(QUEUE).status_code == 403
    client.force_login(getattr(cast, persona))
    assert client.get(reverse("moderation:queue")).status_code == 403


def test_queue_page_lists_reports_and_first_posts(cast, client):
    report_ad(cast.neighbour, cast.ad)
    pending = factories.AdFactory(author=cast.responder, moderation=Ad.Moderation.PENDING, title="Mijn eerste vraag")
    client.force_login(cast.worker)
    page = client.get(reverse("moderation:queue"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert cast.ad.title in page.text and "Reported by 1 person" in page.text
    assert reverse("moderation:ad", args=[pending.pk]) in page.text


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("moderation:queue"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_the_demo_gives_wout_a_reported_ad_in_his_queue(db):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # again: still one item, two reports
    reported = _queue(User.objects.get(email="wout@noord.demo"))["reported"]
    assert [(row["reporters"], row["author"]["name"]) for row in reported] == [(2, "Bram Jansen")]
