"""Every change to an ad is an AdEvent, pushed after commit; the events API replays them."""

import pytest
from django.core.exceptions import ValidationError

from ads import services
from ads.models import AdEvent
from notifications import live
from tests import factories
from tests.conftest import api_as


@pytest.fixture
def pushes(monkeypatch) -> list[tuple[str, dict]]:
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(live, "_send", lambda group, event: sent.append((group, event)))
    return sent


def _url(ad, since=None) -> str:
    return f"/api/v1/ads/{ad.pk}/events/" + (f"?since={since}" if since is not None else "")


def test_each_change_records_an_event_and_pushes_its_cursor_after_commit(
    cast, pushes, django_capture_on_commit_callbacks
):
    ad = cast.ad
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reply = services.reply_post(ad=ad, author=cast.responder, body="Ik help graag")
        services.ad_update(ad=ad, editor=cast.author, changes={"title": "Boodschappen woensdag"})
        services.helper_choose(ad=ad, chooser=cast.author, conversation=cast.conversation)
        services.ad_close(ad=ad, closer=cast.author, thanks="Dank je")
    events = list(AdEvent.objects.filter(ad=ad).order_by("id"))
    assert [e.kind for e in events] == ["reply.created", "ad.updated", "ad.matched", "ad.closed"]
    assert (events[0].conversation_id, events[0].reply_id) == (cast.conversation.pk, reply.pk)
    # Four ad events; the notifications of the reply, the helper and the thanks are
    # pushed on their recipients' own streams (tests/notifications), and emailed.
    assert len(callbacks) == 4 + 3 * 2
    assert [push for push in pushes if push[0].startswith("ad.")] == [
        (
            f"ad.{ad.pk}",
            {"type": "reply.created", "cursor": events[0].pk, "ad": ad.pk, "conversation": cast.conversation.pk},
        ),
        (f"ad.{ad.pk}", {"type": "ad.updated", "cursor": events[1].pk, "ad": ad.pk}),
        (f"ad.{ad.pk}", {"type": "ad.matched", "cursor": events[2].pk, "ad": ad.pk}),
        (f"ad.{ad.pk}", {"type": "ad.closed", "cursor": events[3].pk, "ad": ad.pk}),
    ]


def test_withdraw_records_its_event(cast, pushes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ad_withdraw(ad=cast.ad, withdrawer=cast.author)
    assert pushes[0][1]["type"] == "ad.withdrawn"


def test_a_refused_change_records_and_pushes_nothing(cast, pushes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.reply_post(ad=cast.ad, author=cast.author, body="Zonder gesprek")
    assert not AdEvent.objects.exists()
    assert pushes == []
    with django_capture_on_commit_callbacks(execute=True):  # an accepted change records and pushes
        services.reply_post(ad=cast.ad, author=cast.responder, body="In mijn gesprek")
    assert AdEvent.objects.count() == 1
    assert [group for group, _event in pushes] == [f"ad.{cast.ad.pk}", f"user.{cast.author.pk}"]


@pytest.fixture
def history(cast):
    """A reply in the cast's conversation, a second conversation, then a helper chosen."""
    services.reply_post(ad=cast.ad, author=cast.responder, body="Eerste\n\nregel")
    services.reply_post(ad=cast.ad, author=cast.neighbour, body="Ik kan ook")
    services.helper_choose(ad=cast.ad, chooser=cast.author, conversation=cast.conversation)
    return list(AdEvent.objects.filter(ad=cast.ad).order_by("id"))


@pytest.mark.parametrize("who", ["author", "worker"])
def test_author_and_worker_see_every_event_with_reply_text(cast, history, who):
    body = api_as(getattr(cast, who)).get(_url(cast.ad), HTTP_ACCEPT_LANGUAGE="en").json()
    assert [e["type"] for e in body["results"]] == ["reply.created", "reply.created", "ad.matched"]
    assert [e["reply"]["body"] for e in body["results"][:2]] == ["Eerste\n\nregel", "Ik kan ook"]
    assert body["ad"] == {"id": cast.ad.pk, "status": "matched", "status_label": "Helper found"}
    assert body["results"][-1]["cursor"] == history[-1].pk and body["next"] is None
    assert set(body) == {"results", "next", "ad"}


def test_a_responder_sees_only_their_conversation_and_ad_events(cast, history):
    body = api_as(cast.responder).get(_url(cast.ad)).json()
    assert [(e["type"], e["conversation"]) for e in body["results"]] == [
        ("reply.created", cast.conversation.pk),
        ("ad.matched", None),
    ]
    reply = body["results"][0]["reply"]
    assert reply["is_mine"] is True and reply["author_name"] == cast.responder.display_name
    assert body["results"][1]["reply"] is None


def test_a_neighbour_outside_the_conversations_sees_only_ad_events(cast, history):
    stranger = factories.UserFactory(neighbourhood=cast.noord)
    body = api_as(stranger).get(_url(cast.ad)).json()
    assert [e["type"] for e in body["results"]] == ["ad.matched"]


def test_since_returns_only_later_events(cast, history):
    body = api_as(cast.author).get(_url(cast.ad, since=history[0].pk)).json()
    assert [e["cursor"] for e in body["results"]] == [e.pk for e in history[1:]]
    assert api_as(cast.author).get(_url(cast.ad, since=history[-1].pk)).json()["results"] == []


def test_a_long_history_comes_in_pages_with_next(cast, monkeypatch):
    monkeypatch.setattr("ads.selectors_live.EVENTS_PAGE_SIZE", 2)
    for n in range(5):
        services.reply_post(ad=cast.ad, author=cast.responder, body=f"Bericht {n}")
    client = api_as(cast.author)
    seen, url = [], _url(cast.ad)
    while url:
        body = client.get(url).json()
        seen += [e["reply"]["body"] for e in body["results"]]
        url = body["next"]
    assert seen == [f"Bericht {n}" for n in range(5)]


@pytest.mark.parametrize("who", ["outsider", "other_worker", "partner_staff"])
def test_someone_outside_the_neighbourhood_gets_404(cast, who):
    assert api_as(getattr(cast, who)).get(_url(cast.ad)).status_code == 404


def test_anonymous_is_refused(cast):
    assert api_as(None).get(_url(cast.ad)).status_code in (401, 403)


@pytest.mark.parametrize("since", ["-1", "abc", str(2**64)])
def test_a_bad_cursor_is_a_400(cast, since):
    response = api_as(cast.author).get(_url(cast.ad, since=since))
    assert response.status_code == 400
    assert "since" in response.json()
