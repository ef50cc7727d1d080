"""Workers' decisions on ads and replies: hide, restore, dismiss, approve, each with a
reason the author is told; only in the worker's own neighbourhoods."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from ads.models import Ad, Reply
from ads.moderation.models import ModerationDecision, Report
from notifications.models import Notification
from tests import factories
from tests.conftest import api_as
from tests.moderation.conftest import decide_ad, hide_by_reports, report_ad, report_reply

REASON = "Dit bericht past niet bij SamSam."


def _notes(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_worker_hides_an_ad_and_the_author_is_told_why(cast):
    response = decide_ad(cast.worker, cast.ad, "hide", REASON)
    assert response.status_code == 200
    assert response.json() == {"ad": cast.ad.pk, "reply": None, "moderation": "hidden"}
    cast.ad.refresh_from_db()
    assert cast.ad.moderation == Ad.Moderation.HIDDEN
    [note] = _notes(cast.author, "moderation.hidden")
    assert note.params["reason"] == REASON
    decision = ModerationDecision.objects.get()
    assert (decision.worker, decision.subject, decision.action, decision.reason) == (
        cast.worker,
        cast.author,
        "hide",
        REASON,
    )
    entry = AuditEntry.objects.get(action="moderation.hide")
    assert (entry.actor, entry.neighbourhood, entry.target_type, entry.target_id, entry.subject) == (
        cast.worker,
        cast.noord,
        "ads.ad",
        cast.ad.pk,
        cast.author,
    )
    assert REASON not in str(entry.detail)  # the log keeps no text people wrote
    assert api_as(cast.neighbour).get(reverse("api-ad", args=[cast.ad.pk])).status_code == 404


def test_hiding_needs_a_reason(cast):
    response = decide_ad(cast.worker, cast.ad, "hide", "   ")
    assert response.status_code == 400
    assert "reason" in response.json()
    cast.ad.refresh_from_db()
    assert cast.ad.moderation == Ad.Moderation.VISIBLE
    assert not ModerationDecision.objects.exists() and not AuditEntry.objects.filter(action__startswith="moderation")


def test_restore_after_reports_resolves_them_and_tells_the_author(cast):
    hide_by_reports(cast, cast.ad)
    response = decide_ad(cast.worker, cast.ad, "restore", "Niets mis mee.")
    assert response.json()["moderation"] == "visible"
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    assert Report.objects.filter(resolved_by=cast.worker).count() == 3
    [note] = _notes(cast.author, "moderation.restored")
    assert note.params["reason"] == "Niets mis mee."
    assert api_as(cast.neighbour).get(reverse("api-ad", args=[cast.ad.pk])).status_code == 200


def test_dismiss_closes_reports_and_keeps_the_ad(cast):
    report_ad(cast.neighbour, cast.ad)
    assert decide_ad(cast.worker, cast.ad, "dismiss", "Geen probleem.").json()["moderation"] == "visible"
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    assert _notes(cast.author, "moderation.dismissed")
    # Nothing left to dismiss now.
    again = decide_ad(cast.worker, cast.ad, "dismiss", "Nog eens.")
    assert again.status_code == 400


def test_after_restore_new_reports_count_afresh(cast):
    hide_by_reports(cast, cast.ad)
    decide_ad(cast.worker, cast.ad, "restore", "Niets mis mee.")
    hide_by_reports(cast, cast.ad)
    cast.ad.refresh_from_db()
    assert cast.ad.moderation == Ad.Moderation.HIDDEN


@pytest.mark.parametrize(("action", "state"), [("restore", "visible"), ("approve", "visible"), ("dismiss", "visible")])
def test_decision_that_does_not_fit_the_state_is_400(cast, action, state):
    response = decide_ad(cast.worker, cast.ad, action)
    assert response.status_code == 400
    cast.ad.refresh_from_db()
    assert cast.ad.moderation == state
    assert not ModerationDecision.objects.exists()


def test_unknown_action_is_400(cast):
    assert decide_ad(cast.worker, cast.ad, "delete").status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_worker", 404),
        ("outsider", 404),
        ("partner_staff", 404),
        ("coordinator", 404),
        ("neighbour", 403),
        ("responder", 403),
        ("author", 403),
    ],
)
def test_only_a_worker_of_the_neighbourhood_decides(cast, persona, status):
    response = decide_ad(getattr(cast, persona), cast.ad, "hide")
    assert response.status_code == status
    cast.ad.refresh_from_db()
    assert cast.ad.moderation == Ad.Moderation.VISIBLE
    assert not ModerationDecision.objects.exists()


def test_foreign_ad_answers_like_a_missing_one(cast):
    foreign = decide_ad(cast.other_worker, cast.ad, "hide")
    missing = api_as(cast.other_worker).post(
        reverse("api-moderation-ad-decisions", args=[999999]), {"action": "hide", "reason": "x"}, format="json"
    )
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())


def test_hidden_ad_is_404_for_residents_trying_to_decide(cast):
    hide_by_reports(cast, cast.ad)
    assert decide_ad(cast.neighbour, cast.ad, "restore").status_code == 404


def test_worker_hides_and_restores_a_reply(cast):
    reply = cast.conversation.replies.get()
    url = reverse("api-moderation-reply-decisions", args=[reply.pk])
    hidden = api_as(cast.worker).post(url, {"action": "hide", "reason": "Scheldwoord."}, format="json")
    assert hidden.json() == {"ad": cast.ad.pk, "reply": reply.pk, "moderation": "hidden"}
    assert _notes(cast.responder, "moderation.reply_hidden")
    assert api_as(cast.author).get(reverse("api-ad-replies", args=[cast.ad.pk])).json()["results"][0]["replies"] == []
    restored = api_as(cast.worker).post(url, {"action": "restore", "reason": "Toch goed."}, format="json")
    assert restored.json()["moderation"] == "visible"
    assert AuditEntry.objects.filter(target_type="ads.reply", target_id=reply.pk).count() == 2


@pytest.mark.parametrize(("persona", "status"), [("other_worker", 404), ("neighbour", 404), ("author", 403)])
def test_reply_decisions_are_for_the_neighbourhood_worker_only(cast, persona, status):
    reply = cast.conversation.replies.get()
    url = reverse("api-moderation-reply-decisions", args=[reply.pk])
    response = api_as(getattr(cast, persona)).post(url, {"action": "hide", "reason": "x"}, format="json")
    assert response.status_code == status
    reply.refresh_from_db()
    assert reply.moderation == Reply.Moderation.VISIBLE


def test_replies_cannot_be_approved(cast):
    reply = cast.conversation.replies.get()
    url = reverse("api-moderation-reply-decisions", args=[reply.pk])
    assert api_as(cast.worker).post(url, {"action": "approve"}, format="json").status_code == 400


def test_decision_page_restores_with_a_reason_the_author_then_reads(cast, client):
    hide_by_reports(cast, cast.ad)
    client.force_login(cast.worker)
    page = client.get(reverse("moderation:ad", args=[cast.ad.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("moderation:ad", args=[cast.ad.pk]), {"action": "restore", "reason": "Prima advertentie."}
    )
    assert response.status_code == 302
    client.force_login(cast.author)
    detail = client.get(reverse("ads:detail", args=[cast.ad.pk]))
    assert "Prima advertentie." in detail.text


def test_decision_page_without_reason_keeps_the_state_and_shows_the_error(cast, client):
    client.force_login(cast.worker)
    response = client.post(reverse("moderation:ad", args=[cast.ad.pk]), {"action": "hide", "reason": ""})
    assert response.status_code == 400
    cast.ad.refresh_from_db()
    assert cast.ad.moderation == Ad.Moderation.VISIBLE


@pytest.mark.parametrize(("persona", "status"), [("other_worker", 404), ("neighbour", 403), ("partner_staff", 404)])
def test_decision_page_refuses_others(cast, client, persona, status):
    client.force_login(getattr(cast, persona))
    assert client.get(reverse("moderation:ad", args=[cast.ad.pk])).status_code == status
    response = client.post(reverse("moderation:ad", args=[cast.ad.pk]), {"action": "hide", "reason": "x"})
    assert response.status_code == status
    cast.ad.refresh_from_db()
    assert cast.ad.moderation == Ad.Moderation.VISIBLE


def test_reply_decision_page(cast, client):
    reply = cast.conversation.replies.get()
    report_reply(cast.author, reply)
    client.force_login(cast.worker)
    url = reverse("moderation:reply", args=[reply.pk])
    assert reply.body in client.get(url).text
    assert client.post(url, {"action": "hide", "reason": "Niet aardig."}).status_code == 302
    reply.refresh_from_db()
    assert reply.moderation == Reply.Moderation.HIDDEN


def test_a_second_worker_of_the_same_neighbourhood_may_decide(cast):
    colleague = factories.WorkerAssignmentFactory(neighbourhood=cast.noord).user
    assert decide_ad(colleague, cast.ad, "hide").status_code == 200


def test_hidden_reply_leaves_the_page_of_the_other_party_but_not_the_writers(cast, client):
    reply = cast.conversation.replies.get()
    url = reverse("api-moderation-reply-decisions", args=[reply.pk])
    api_as(cast.worker).post(url, {"action": "hide", "reason": "Scheldwoord."}, format="json")
    page = reverse("ads:detail", args=[cast.ad.pk])
    client.force_login(cast.author)
    assert reply.body not in client.get(page).text
    for person in (cast.responder, cast.worker):
        client.force_login(person)
        assert reply.body in client.get(page).text


def test_every_decision_is_one_audit_entry(cast):
    pending = factories.AdFactory(author=cast.neighbour, moderation=Ad.Moderation.PENDING)
    report_ad(cast.responder, cast.ad)
    decide_ad(cast.worker, pending, "approve", "")
    decide_ad(cast.worker, cast.ad, "dismiss")
    decide_ad(cast.worker, cast.ad, "hide")
    decide_ad(cast.worker, cast.ad, "restore")
    actions = list(
        AuditEntry.objects.filter(actor=cast.worker, action__startswith="moderation.")
        .order_by("id")
        .values_list("action", "target_id")
    )
    assert actions == [
        ("moderation.approve", pending.pk),
        ("moderation.dismiss", cast.ad.pk),
        ("moderation.hide", cast.ad.pk),
        ("moderation.restore", cast.ad.pk),
    ]
    assert ModerationDecision.objects.count() == 4
