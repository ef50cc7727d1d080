"""Trust for newcomers: first posts wait for a worker, and a day-old account has limits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.limits import RateLimited
from accounts.models import Neighbourhood, User
from ads import services
from ads.models import Ad, Reply
from ads.moderation.rules import NEWCOMER_MAX_ADS, NEWCOMER_MAX_REPLIES, newcomer_check
from notifications.models import Notification
from tests import factories
from tests.conftest import api_as
from tests.moderation.conftest import decide_ad

NEW_AD = {"kind": "request", "category": "boodschappen", "title": "Wie helpt mij?", "description": "Boodschappen."}


@pytest.fixture
def approving(cast) -> Neighbourhood:
    Neighbourhood.objects.filter(pk=cast.noord.pk).update(first_post_approval=True)
    cast.noord.refresh_from_db()
    return cast.noord


def _post(user, **fields):
    return api_as(user).post(reverse("api-ads"), {**NEW_AD, **fields}, format="json", HTTP_ACCEPT_LANGUAGE="en")


def test_approval_is_on_by_default_for_a_new_neighbourhood():
    assert Neighbourhood._meta.get_field("first_post_approval").default is True


def test_first_post_waits_for_a_worker_and_the_workers_hear_of_it(cast, approving):
    response = _post(cast.neighbour)
    assert response.status_code == 201
    assert response.json()["moderation"] == "pending"
    ad = Ad.objects.get(pk=response.json()["id"])
    assert api_as(cast.responder).get(reverse("api-ad", args=[ad.pk])).status_code == 404
    assert ad.pk not in [row["id"] for row in api_as(cast.responder).get(reverse("api-ads")).json()["results"]]
    assert api_as(cast.neighbour).get(reverse("api-ad", args=[ad.pk])).json()["moderation"] == "pending"
    assert Notification.objects.filter(recipient=cast.worker, kind="moderation.pending").exists()
    assert not Notification.objects.filter(recipient=cast.other_worker).exists()


def test_worker_approves_the_first_post_and_the_next_goes_straight_up(cast, approving):
    ad_id = _post(cast.neighbour).json()["id"]
    response = decide_ad(cast.worker, Ad.objects.get(pk=ad_id), "approve", "")
    assert response.json()["moderation"] == "visible"
    assert Notification.objects.filter(recipient=cast.neighbour, kind="moderation.approved").exists()
    assert api_as(cast.responder).get(reverse("api-ad", args=[ad_id])).status_code == 200
    assert _post(cast.neighbour, title="Nog een vraag").json()["moderation"] == "visible"


def test_approval_tells_neighbours_with_a_matching_offer(cast, approving):
    factories.AdFactory(author=cast.responder, kind=Ad.Kind.OFFER)
    ad_id = _post(cast.neighbour).json()["id"]
    assert not Notification.objects.filter(recipient=cast.responder, kind="ad.match").exists()
    decide_ad(cast.worker, Ad.objects.get(pk=ad_id), "approve", "")
    assert Notification.objects.filter(recipient=cast.responder, kind="ad.match").exists()


def test_a_hidden_first_post_keeps_the_next_one_waiting(cast, approving):
    ad_id = _post(cast.neighbour).json()["id"]
    decide_ad(cast.worker, Ad.objects.get(pk=ad_id), "hide", "Dit is reclame.")
    assert _post(cast.neighbour, title="Nieuwe poging").json()["moderation"] == "pending"


def test_residents_with_a_visible_ad_workers_and_known_residents_post_straight_away(cast, approving):
    assert _post(cast.author).json()["moderation"] == "visible"  # has a visible ad already
    assert _post(cast.worker, neighbourhood="noord").json()["moderation"] == "visible"
    User.objects.filter(pk=cast.neighbour.pk).update(known_to="Welzijn Utrecht")
    assert _post(User.objects.get(pk=cast.neighbour.pk)).json()["moderation"] == "visible"


def test_neighbourhood_without_approval_shows_first_posts_at_once(cast):
    assert _post(cast.neighbour).json()["moderation"] == "visible"


def test_first_post_page_says_it_waits(cast, approving, client):
    client.force_login(cast.neighbour)
    response = client.post(
        reverse("ads:create"), NEW_AD | {"category": "boodschappen"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "waits for a neighbourhood worker" in response.text


# Newcomer limits ------------------------------------------------------------------------


def test_newcomer_places_three_ads_and_the_fourth_is_429_with_retry_after(cast, newcomer):
    for n in range(NEWCOMER_MAX_ADS):
        assert _post(newcomer, title=f"Vraag {n}").status_code == 201
    response = _post(newcomer, title="Een te veel")
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    expected = (newcomer.date_joined + timedelta(days=1) - timezone.now()).total_seconds()
    assert expected - 60 <= retry_after <= expected + 1
    assert "at most 3 ads" in response.json()["detail"]
    assert Ad.objects.filter(author=newcomer).count() == NEWCOMER_MAX_ADS


def test_newcomer_limit_is_gone_after_the_first_day(cast, newcomer):
    factories.AdFactory.create_batch(NEWCOMER_MAX_ADS, author=newcomer)
    assert _post(newcomer).status_code == 429
    User.objects.filter(pk=newcomer.pk).update(date_joined=timezone.now() - timedelta(days=1, seconds=1))
    assert _post(User.objects.get(pk=newcomer.pk)).status_code == 201


def test_the_window_ends_exactly_a_day_after_joining(cast, newcomer):
    factories.AdFactory.create_batch(NEWCOMER_MAX_ADS, author=newcomer)
    end = newcomer.date_joined + timedelta(days=1)
    with pytest.raises(RateLimited) as refused:
        newcomer_check(user=newcomer, kind="ad", now=end - timedelta(seconds=10))
    assert refused.value.retry_after == 10
    newcomer_check(user=newcomer, kind="ad", now=end)  # no exception
    ad = services.ad_create(author=newcomer, now=end, **{**NEW_AD, "category": factories.category()})
    assert ad.pk


def test_newcomer_sends_ten_replies_and_the_eleventh_is_429(cast, newcomer):
    url = reverse("api-ad-replies", args=[cast.ad.pk])
    client = api_as(newcomer)
    for n in range(NEWCOMER_MAX_REPLIES):
        assert client.post(url, {"body": f"Bericht {n}"}, format="json").status_code == 201
    response = client.post(url, {"body": "Een te veel"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "at most 10 messages" in response.json()["detail"]
    assert Reply.objects.filter(author=newcomer).count() == NEWCOMER_MAX_REPLIES


def test_reply_limit_is_gone_after_the_first_day(cast, newcomer):
    conversation = factories.ConversationFactory(ad=cast.ad, responder=newcomer)
    factories.ReplyFactory.create_batch(NEWCOMER_MAX_REPLIES, conversation=conversation, author=newcomer)
    later = newcomer.date_joined + timedelta(days=1)
    reply = services.reply_post(ad=cast.ad, author=newcomer, body="Nu mag het weer.", now=later)
    assert reply.pk


def test_newcomer_page_shows_429_with_retry_after(cast, newcomer, client):
    factories.AdFactory.create_batch(NEWCOMER_MAX_ADS, author=newcomer)
    client.force_login(newcomer)
    response = client.post(reverse("ads:create"), NEW_AD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "at most 3 ads" in response.text
    assert NEW_AD["title"] in response.text  # the form comes back with what was typed
    assert Ad.objects.filter(author=newcomer).count() == NEWCOMER_MAX_ADS


def test_newcomer_reply_page_keeps_the_typed_text_with_429(cast, newcomer, client):
    conversation = factories.ConversationFactory(ad=cast.ad, responder=newcomer)
    factories.ReplyFactory.create_batch(NEWCOMER_MAX_REPLIES, conversation=conversation, author=newcomer)
    client.force_login(newcomer)
    body = "Ik kan morgen om tien uur helpen."
    form = {"body": body, "conversation": conversation.pk}  # as the form in their conversation sends it
    response = client.post(reverse("ads:reply", args=[cast.ad.pk]), form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "at most 10 messages" in response.text and body in response.text
    assert Reply.objects.filter(author=newcomer).count() == NEWCOMER_MAX_REPLIES


def test_workers_are_not_newcomers(cast):
    fresh_worker = factories.WorkerAssignmentFactory(neighbourhood=cast.noord, user__date_joined=timezone.now()).user
    for n in range(NEWCOMER_MAX_ADS + 1):
        assert _post(fresh_worker, title=f"Vraag {n}", neighbourhood="noord").status_code == 201


def test_the_schema_documents_the_newcomer_429(client):
    paths = client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    assert "429" in paths["/api/v1/ads/"]["post"]["responses"]
    assert "429" in paths["/api/v1/ads/{id}/replies/"]["post"]["responses"]
