"""The ads API end to end: post, reply, choose a helper, close, withdraw, change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from ads.models import Ad, Conversation, Reply
from tests import factories
from tests.conftest import api_as

NEW_AD = {
    "kind": "request",
    "category": "vervoer",
    "title": "Lift naar de huisarts",
    "description": "Dinsdag om 10 uur.",
}


def _ad_url(name: str, ad: Ad) -> str:
    return reverse(name, args=[ad.pk])


def test_resident_posts_an_ad_in_their_neighbourhood(cast):
    response = api_as(cast.author).post(reverse("api-ads"), NEW_AD, format="json")

    assert response.status_code == 201
    body = response.json()
    ad = Ad.objects.get(pk=body["id"])
    assert (ad.author, ad.neighbourhood, ad.category.slug) == (cast.author, cast.noord, "vervoer")
    assert body["neighbourhood"] == "noord"
    assert body["status"] == "open"
    assert body["author_name"] == "Anna"
    assert body["is_mine"] is True
    assert body["helper_name"] is None
    assert body["created_at"].endswith("Z")


def test_optional_fields_are_stored(cast):
    fields = {**NEW_AD, "urgency": "today", "wanted_on": "2030-01-31", "escalation_consent": True}
    response = api_as(cast.author).post(reverse("api-ads"), {**fields, "neighbourhood": "noord"}, format="json")

    assert response.status_code == 201
    ad = Ad.objects.get(pk=response.json()["id"])
    assert (ad.urgency, str(ad.wanted_on), ad.escalation_consent) == ("today", "2030-01-31", True)


def test_an_empty_neighbourhood_means_home(cast):
    response = api_as(cast.author).post(reverse("api-ads"), {**NEW_AD, "neighbourhood": ""}, format="json")
    assert response.status_code == 201
    assert response.json()["neighbourhood"] == "noord"


def test_a_form_encoded_post_works_too(cast):
    response = api_as(cast.author).post(reverse("api-ads"), {**NEW_AD, "wanted_on": "", "neighbourhood": ""})
    assert response.status_code == 201, response.content
    assert response.json()["wanted_on"] is None


def test_a_worker_posts_in_a_neighbourhood_they_work_in(cast):
    response = api_as(cast.worker).post(reverse("api-ads"), {**NEW_AD, "neighbourhood": "noord"}, format="json")
    assert response.status_code == 201
    assert response.json()["neighbourhood"] == "noord"


def test_posted_ad_shows_in_the_list_and_to_a_neighbour(cast):
    ad_id = api_as(cast.author).post(reverse("api-ads"), NEW_AD, format="json").json()["id"]

    listed = api_as(cast.neighbour).get(reverse("api-ads")).json()["results"]
    detail = api_as(cast.neighbour).get(reverse("api-ad", args=[ad_id])).json()

    assert listed[0]["id"] == ad_id
    assert detail["title"] == NEW_AD["title"]
    assert detail["is_mine"] is False


def test_unconfirmed_resident_cannot_post(cast):
    cast.author.email_confirmed_at = None
    cast.author.save(update_fields=["email_confirmed_at"])
    before = Ad.objects.count()

    response = api_as(cast.author).post(reverse("api-ads"), NEW_AD, format="json")

    assert response.status_code == 403
    assert Ad.objects.count() == before


def test_html_and_script_are_stored_verbatim_and_returned_as_json_text(cast):
    title = "<script>alert('x')</script> & <b>"
    description = '<img src=x onerror="alert(1)"> Ü ✓'
    response = api_as(cast.author).post(
        reverse("api-ads"), {**NEW_AD, "title": title, "description": description}, format="json"
    )

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    ad = Ad.objects.get(pk=response.json()["id"])
    assert (ad.title, ad.description) == (title, description)
    detail = api_as(cast.neighbour).get(_ad_url("api-ad", ad)).json()
    listed = api_as(cast.neighbour).get(reverse("api-ads")).json()["results"][0]
    assert detail["title"] == listed["title"] == title
    assert detail["description"] == listed["description"] == description


def test_a_neighbour_replies_and_the_author_answers_in_that_conversation(cast):
    neighbour = api_as(cast.neighbour)
    first = neighbour.post(_ad_url("api-ad-replies", cast.ad), {"body": "Ik rijd je wel."}, format="json")
    assert first.status_code == 201
    conversation_id = first.json()["conversation"]
    assert Conversation.objects.get(pk=conversation_id).responder == cast.neighbour

    answer = api_as(cast.author).post(
        _ad_url("api-ad-replies", cast.ad), {"body": "Graag!", "conversation": conversation_id}, format="json"
    )
    again = neighbour.post(_ad_url("api-ad-replies", cast.ad), {"body": "Tot dinsdag."}, format="json")

    assert answer.status_code == 201
    assert answer.json()["is_mine"] is True
    assert again.json()["conversation"] == conversation_id
    seen = neighbour.get(_ad_url("api-ad-replies", cast.ad)).json()["results"]
    assert len(seen) == 1
    assert [(r["author_name"], r["body"], r["is_mine"]) for r in seen[0]["replies"]] == [
        ("Noor", "Ik rijd je wel.", True),
        ("Anna", "Graag!", False),
        ("Noor", "Tot dinsdag.", True),
    ]


def test_the_author_must_name_the_conversation(cast):
    before = Reply.objects.count()
    response = api_as(cast.author).post(_ad_url("api-ad-replies", cast.ad), {"body": "Hallo"}, format="json")

    assert response.status_code == 400
    assert "conversation" in response.json()
    assert Reply.objects.count() == before


def test_a_responder_cannot_write_in_someone_elses_conversation(cast):
    before = Reply.objects.count()
    response = api_as(cast.neighbour).post(
        _ad_url("api-ad-replies", cast.ad), {"body": "Hallo", "conversation": cast.conversation.pk}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["conversation"]
    assert Reply.objects.count() == before


def test_nobody_replies_to_a_closed_ad(cast):
    cast.ad.status = Ad.Status.DONE
    cast.ad.save(update_fields=["status"])
    before = Reply.objects.count()

    response = api_as(cast.responder).post(_ad_url("api-ad-replies", cast.ad), {"body": "Nog iets"}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"]
    assert Reply.objects.count() == before


def test_the_author_chooses_a_helper_and_closes_with_thanks(cast):
    author = api_as(cast.author)

    chosen = author.post(_ad_url("api-ad-helper", cast.ad), {"conversation": cast.conversation.pk}, format="json")
    assert chosen.status_code == 200
    assert (chosen.json()["status"], chosen.json()["helper_name"]) == ("matched", "Bram")
    conversations = author.get(_ad_url("api-ad-replies", cast.ad)).json()["results"]
    assert conversations[0]["is_helper"] is True

    closed = author.post(_ad_url("api-ad-close", cast.ad), {"thanks": "Dank je, Bram!"}, format="json")
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["thanks"]) == ("done", "Dank je, Bram!")
    assert closed.json()["closed_at"].endswith("Z")
    cast.ad.refresh_from_db()
    assert (cast.ad.status, cast.ad.helper, cast.ad.thanks) == (Ad.Status.DONE, cast.responder, "Dank je, Bram!")


def test_a_new_neighbour_cannot_reply_once_a_helper_is_chosen(cast):
    api_as(cast.author).post(_ad_url("api-ad-helper", cast.ad), {"conversation": cast.conversation.pk}, format="json")
    response = api_as(cast.neighbour).post(_ad_url("api-ad-replies", cast.ad), {"body": "Ik ook"}, format="json")
    assert response.status_code == 400


def test_close_without_thanks(cast):
    response = api_as(cast.author).post(_ad_url("api-ad-close", cast.ad), format="json")
    assert response.status_code == 200
    assert response.json()["thanks"] == ""


def test_the_author_withdraws(cast):
    response = api_as(cast.author).post(_ad_url("api-ad-withdraw", cast.ad))

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    cast.ad.refresh_from_db()
    assert cast.ad.status == Ad.Status.WITHDRAWN


@pytest.mark.parametrize("action", ["api-ad-close", "api-ad-withdraw"])
def test_a_closed_ad_cannot_be_closed_again(cast, action):
    api_as(cast.author).post(_ad_url("api-ad-withdraw", cast.ad))
    cast.ad.refresh_from_db()
    before = (cast.ad.status, cast.ad.closed_at)

    response = api_as(cast.author).post(_ad_url(action, cast.ad), {}, format="json")

    assert response.status_code == 400
    cast.ad.refresh_from_db()
    assert (cast.ad.status, cast.ad.closed_at) == before


def test_choose_helper_needs_a_conversation_of_this_ad(cast):
    other = factories.ConversationFactory(ad=factories.AdFactory(author=cast.author))

    response = api_as(cast.author).post(_ad_url("api-ad-helper", cast.ad), {"conversation": other.pk}, format="json")

    assert response.status_code == 400
    assert "conversation" in response.json()
    cast.ad.refresh_from_db()
    assert (cast.ad.status, cast.ad.helper) == (Ad.Status.OPEN, None)


def test_the_author_changes_an_open_ad(cast):
    response = api_as(cast.author).patch(
        _ad_url("api-ad", cast.ad), {"title": "Boodschappen op woensdag", "urgency": "today"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["urgency"]) == ("Boodschappen op woensdag", "today")
    cast.ad.refresh_from_db()
    assert (cast.ad.title, cast.ad.urgency, cast.ad.description) == (
        "Boodschappen op woensdag",
        "today",
        "Wie kan mij helpen met boodschappen doen?",
    )


def test_patch_changes_the_category_and_clears_the_date(cast):
    cast.ad.wanted_on = "2030-01-01"
    cast.ad.save(update_fields=["wanted_on"])

    response = api_as(cast.author).patch(
        _ad_url("api-ad", cast.ad), {"category": "tuin", "wanted_on": None}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["category"], response.json()["wanted_on"]) == ("tuin", None)


@pytest.mark.parametrize("status", [Ad.Status.MATCHED, Ad.Status.DONE, Ad.Status.WITHDRAWN])
def test_only_an_open_ad_can_be_changed(cast, status):
    cast.ad.status = status
    cast.ad.save(update_fields=["status"])

    response = api_as(cast.author).patch(
        _ad_url("api-ad", cast.ad), {"title": "Iets anders"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Only an open ad can be changed."}
    cast.ad.refresh_from_db()
    assert cast.ad.title == "Boodschappen op dinsdag"


def test_the_author_sees_their_own_hidden_ad_but_neighbours_do_not(cast):
    cast.ad.moderation = Ad.Moderation.HIDDEN
    cast.ad.save(update_fields=["moderation"])

    assert api_as(cast.author).get(_ad_url("api-ad", cast.ad)).json()["moderation"] == "hidden"
    assert api_as(cast.worker).get(_ad_url("api-ad", cast.ad)).status_code == 200
    assert api_as(cast.neighbour).get(_ad_url("api-ad", cast.ad)).status_code == 404


def test_english_category_names_follow_the_request_language(cast):
    response = api_as(cast.author).get(reverse("api-categories"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["results"][0] == {"slug": "boodschappen", "name": "Groceries"}


def _queries_for_conversations(cast) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api_as(User.objects.get(pk=cast.author.pk)).get(_ad_url("api-ad-replies", cast.ad))
    assert response.status_code == 200
    return len(queries)


def test_conversations_cost_the_same_queries_however_many_there_are(cast):
    one = _queries_for_conversations(cast)
    for _ in range(4):
        conversation = factories.ConversationFactory(ad=cast.ad)
        factories.ReplyFactory.create_batch(3, conversation=conversation)
    assert _queries_for_conversations(cast) == one
