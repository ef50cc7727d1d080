"""Reports: who may report what, one report per person, and three hide an item."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from ads.models import Ad, Reply
from ads.moderation.models import Report
from notifications.models import Notification
from tests import factories
from tests.conftest import api_as, client_for
from tests.moderation.conftest import hide_by_reports, noord_residents, report_ad, report_reply


def test_resident_reports_an_ad_with_a_reason_and_note(cast):
    response = report_ad(cast.neighbour, cast.ad, "unsafe", note="Vraagt om geld vooraf.")
    assert response.status_code == 201
    body = response.json()
    assert (body["ad"], body["reply"], body["reason"], body["note"]) == (
        cast.ad.pk,
        None,
        "unsafe",
        "Vraagt om geld vooraf.",
    )
    report = Report.objects.get()
    assert (report.reporter, report.ad, report.reply, report.resolved_at) == (cast.neighbour, cast.ad, None, None)


@pytest.mark.parametrize("reason", ["", "rude", None])
def test_unknown_reason_is_400_and_stores_nothing(cast, reason):
    response = report_ad(cast.neighbour, cast.ad, reason)
    assert response.status_code == 400
    assert "reason" in response.json()
    assert not Report.objects.exists()


def test_unknown_field_is_400(cast):
    response = report_ad(cast.neighbour, cast.ad, "spam", count=3)
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_second_report_by_the_same_person_is_refused_and_not_counted(cast):
    assert report_ad(cast.neighbour, cast.ad).status_code == 201
    again = report_ad(cast.neighbour, cast.ad, "other")
    assert again.status_code == 400
    assert "already reported" in again.json()["detail"]
    assert Report.objects.count() == 1
    for reporter in noord_residents(cast, 1):
        report_ad(reporter, cast.ad)
    cast.ad.refresh_from_db()
    assert cast.ad.moderation == Ad.Moderation.VISIBLE  # two people, three reports tried


def test_author_cannot_report_own_ad(cast):
    response = report_ad(cast.author, cast.ad)
    assert response.status_code == 400
    assert not Report.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "other_worker", "partner_staff", "coordinator"])
def test_someone_who_cannot_see_the_ad_gets_404(cast, persona):
    response = report_ad(getattr(cast, persona), cast.ad)
    assert response.status_code == 404
    missing = api_as(cast.neighbour).post(
        reverse("api-ad-reports", args=[999999]), {"reason": "spam"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json() == missing.json()
    assert not Report.objects.exists()


def test_anonymous_gets_401(cast):
    response = api_as(None).post(reverse("api-ad-reports", args=[cast.ad.pk]), {"reason": "spam"}, format="json")
    assert response.status_code in (401, 403)
    assert not Report.objects.exists()


def test_three_different_residents_hide_the_ad_from_residents(cast):
    reporters = noord_residents(cast, 3)
    report_ad(reporters[0], cast.ad)
    report_ad(reporters[1], cast.ad)
    assert api_as(cast.neighbour).get(reverse("api-ad", args=[cast.ad.pk])).status_code == 200
    report_ad(reporters[2], cast.ad)
    cast.ad.refresh_from_db()
    assert cast.ad.moderation == Ad.Moderation.HIDDEN
    # Gone for residents: detail, board, list, conversation; still there for its author and the worker.
    assert api_as(cast.neighbour).get(reverse("api-ad", args=[cast.ad.pk])).status_code == 404
    assert api_as(cast.responder).get(reverse("api-ad-replies", args=[cast.ad.pk])).status_code == 404
    listed = api_as(cast.neighbour).get(reverse("api-ads")).json()["results"]
    assert cast.ad.pk not in [row["id"] for row in listed]
    client = factories_client(cast.neighbour)
    assert cast.ad.title not in client.get(reverse("ads:board", args=["noord"])).text
    assert api_as(cast.author).get(reverse("api-ad", args=[cast.ad.pk])).json()["moderation"] == "hidden"
    assert api_as(cast.worker).get(reverse("api-ad", args=[cast.ad.pk])).status_code == 200
    entry = AuditEntry.objects.get(action="report.auto_hide")
    assert (entry.actor, entry.neighbourhood, entry.target_id) == (None, cast.noord, cast.ad.pk)
    kinds = set(Notification.objects.values_list("recipient_id", "kind"))
    assert (cast.author.pk, "moderation.auto_hidden") in kinds
    assert (cast.worker.pk, "moderation.reported") in kinds
    assert (cast.other_worker.pk, "moderation.reported") not in kinds


def factories_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_fourth_report_does_not_hide_twice(cast):
    hide_by_reports(cast, cast.ad)
    assert report_ad(cast.worker, cast.ad).status_code == 201  # the worker can still see and report it
    assert AuditEntry.objects.filter(action="report.auto_hide").count() == 1


def test_reply_in_a_conversation_can_be_reported_by_the_other_party(cast, reply):
    response = report_reply(cast.author, reply, "personal_data")
    assert response.status_code == 201
    assert response.json()["reply"] == reply.pk
    assert Report.objects.get().ad == cast.ad


@pytest.mark.parametrize("persona", ["neighbour", "outsider", "other_worker", "partner_staff"])
def test_reply_outside_ones_conversations_is_404(cast, reply, persona):
    assert report_reply(getattr(cast, persona), reply).status_code == 404
    assert not Report.objects.exists()


def test_writer_cannot_report_own_reply(cast, reply):
    assert report_reply(cast.responder, reply).status_code == 400


def test_three_reports_hide_a_reply_but_not_its_ad(cast, reply):
    # Only two people and the workers can read a conversation: a worker's report counts too.
    second_worker = factories.WorkerAssignmentFactory(neighbourhood=cast.noord).user
    for reporter in (cast.author, cast.worker, second_worker):
        assert report_reply(reporter, reply).status_code == 201
    reply.refresh_from_db()
    cast.ad.refresh_from_db()
    assert reply.moderation == Reply.Moderation.HIDDEN
    assert cast.ad.moderation == Ad.Moderation.VISIBLE
    author_view = api_as(cast.author).get(reverse("api-ad-replies", args=[cast.ad.pk])).json()["results"]
    assert author_view[0]["replies"] == []
    writer_view = api_as(cast.responder).get(reverse("api-ad-replies", args=[cast.ad.pk])).json()["results"]
    assert [r["id"] for r in writer_view[0]["replies"]] == [reply.pk]
    events = api_as(cast.author).get(reverse("api-ad-events", args=[cast.ad.pk])).json()
    assert all(event["reply"] is None for event in events["results"] if event["conversation"])


def test_report_page_form_reports_and_thanks(cast, client):
    client.force_login(cast.neighbour)
    page = client.get(reverse("ads:detail", args=[cast.ad.pk]))
    assert reverse("moderation:report_ad", args=[cast.ad.pk]) in page.text
    response = client.post(reverse("moderation:report_ad", args=[cast.ad.pk]), {"reason": "spam", "note": ""})
    assert response.status_code == 302
    assert Report.objects.filter(reporter=cast.neighbour).exists()
    assert (
        "You reported this ad" in client.get(reverse("ads:detail", args=[cast.ad.pk]), HTTP_ACCEPT_LANGUAGE="en").text
    )


def test_report_page_without_reason_shows_the_form_again_with_the_note(cast, client):
    client.force_login(cast.neighbour)
    response = client.post(reverse("moderation:report_ad", args=[cast.ad.pk]), {"note": "Vreemd verhaal"})
    assert response.status_code == 400
    assert "Vreemd verhaal" in response.text
    assert not Report.objects.exists()


def test_report_page_for_a_reply(cast, reply, client):
    client.force_login(cast.author)
    url = reverse("moderation:report_reply", args=[reply.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "inappropriate"}).status_code == 302
    assert Report.objects.get().reply == reply


def test_report_page_of_a_foreign_ad_is_404(cast, client):
    client.force_login(cast.outsider)
    assert client.get(reverse("moderation:report_ad", args=[cast.ad.pk])).status_code == 404
    assert client.post(reverse("moderation:report_ad", args=[cast.ad.pk]), {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_third_reporter_lands_on_home_because_the_ad_is_gone(cast, client):
    for reporter in noord_residents(cast, 2):
        report_ad(reporter, cast.ad)
    client.force_login(cast.neighbour)
    response = client.post(reverse("moderation:report_ad", args=[cast.ad.pk]), {"reason": "spam"})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_the_ad_page_offers_to_report_only_what_others_wrote(cast):
    # The responder's own reply has no report link; the author sees one on it, and no
    # form to report their own ad.
    detail = reverse("ads:detail", args=[cast.ad.pk])
    reply = cast.conversation.replies.get()
    report_link = reverse("moderation:report_reply", args=[reply.pk])
    responder_page = client_for(cast.responder).get(detail).text
    assert report_link not in responder_page and "Report this ad" in responder_page
    author_page = client_for(cast.author).get(detail).text
    assert report_link in author_page and "Report this ad" not in author_page
