"""Replying, choosing a helper, closing and withdrawing through the pages."""

import pytest
from django.urls import reverse

from ads.models import REPLY_MAX, Ad, Conversation, Reply
from tests import factories
from tests.conftest import client_for


def url(name: str, ad) -> str:
    return reverse(f"ads:{name}", args=[ad.pk])


def stored() -> tuple:
    return (
        list(Ad.objects.order_by("pk").values()),
        list(Conversation.objects.order_by("pk").values()),
        list(Reply.objects.order_by("pk").values()),
    )


OUTSIDERS = ["outsider", "other_worker", "partner_staff", "coordinator"]


# ---- reply ----


def test_neighbour_starts_a_conversation_and_is_redirected_back(cast):
    response = client_for(cast.neighbour).post(url("reply", cast.ad), {"body": "Ik kan helpen!"}, follow=True)
    conversation = Conversation.objects.get(ad=cast.ad, responder=cast.neighbour)
    assert response.redirect_chain[0][0] == f"{url('detail', cast.ad)}#conversation-{conversation.pk}"
    assert "Your message has been sent." in response.text
    assert "Ik kan helpen!" in response.text
    assert conversation.replies.get().body == "Ik kan helpen!"


def test_responder_replies_in_their_own_conversation(cast):
    client_for(cast.responder).post(
        url("reply", cast.ad), {"body": "Nog een vraag", "conversation": cast.conversation.pk}
    )
    assert cast.conversation.replies.last().body == "Nog een vraag"
    assert Conversation.objects.filter(ad=cast.ad).count() == 1


def test_author_answers_in_a_named_conversation(cast):
    response = client_for(cast.author).post(
        url("reply", cast.ad), {"body": "Graag!", "conversation": cast.conversation.pk}
    )
    assert response.status_code == 302
    assert cast.conversation.replies.last().author == cast.author


def test_author_cannot_start_a_conversation_on_their_own_ad(cast):
    before = stored()
    response = client_for(cast.author).post(url("reply", cast.ad), {"body": "Hallo mezelf"})
    assert response.status_code == 400
    assert "Choose the conversation you are answering." in response.text
    assert stored() == before


def test_nobody_replies_to_a_closed_ad(cast):
    Ad.objects.filter(pk=cast.ad.pk).update(status=Ad.Status.DONE)
    before = stored()
    for user, data in [
        (cast.neighbour, {}),
        (cast.responder, {"conversation": cast.conversation.pk}),
        (cast.author, {"conversation": cast.conversation.pk}),
    ]:
        response = client_for(user).post(url("reply", cast.ad), {"body": "Toch nog even", **data})
        assert response.status_code == 400
        assert "This ad is closed; you can no longer reply." in response.text
        assert "Toch nog even" in response.text  # what was typed is kept
    assert stored() == before


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write a message."), ("   ", "Write a message."), ("x" * (REPLY_MAX + 1), "at most")],
)
def test_bad_reply_is_reshown_with_a_message_next_to_the_field(cast, body, message):
    before = stored()
    response = client_for(cast.neighbour).post(url("reply", cast.ad), {"body": body})
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-describedby="id_replynew_body_error"' in response.text
    assert 'id="id_replynew_body_error"' in response.text
    assert stored() == before


def test_reply_text_is_shown_escaped_when_reshown(cast):
    Ad.objects.filter(pk=cast.ad.pk).update(status=Ad.Status.WITHDRAWN)
    response = client_for(cast.neighbour).post(url("reply", cast.ad), {"body": "<script>alert(1)</script>"})
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_neighbour_cannot_write_in_someone_elses_conversation(cast):
    before = stored()
    response = client_for(cast.neighbour).post(
        url("reply", cast.ad), {"body": "Ik lees mee", "conversation": cast.conversation.pk}
    )
    assert response.status_code == 404
    assert stored() == before


def test_worker_cannot_write_in_a_residents_conversation(cast):
    before = stored()
    response = client_for(cast.worker).post(
        url("reply", cast.ad), {"body": "Ik lees mee", "conversation": cast.conversation.pk}
    )
    assert response.status_code == 400
    assert "Only the two people in this conversation can write in it." in response.text
    assert stored() == before


def test_conversation_of_another_ad_is_404(cast):
    other = factories.ConversationFactory(ad=factories.AdFactory(author=cast.author), responder=cast.neighbour)
    before = stored()
    response = client_for(cast.author).post(url("reply", cast.ad), {"body": "Hoi", "conversation": other.pk})
    assert response.status_code == 404
    response = client_for(cast.author).post(url("reply", cast.ad), {"body": "Hoi", "conversation": "abc"})
    assert response.status_code == 404
    assert stored() == before


# ---- every action, refused to those outside ----


ACTIONS = [
    ("reply", {"body": "Hallo"}),
    ("helper", {}),
    ("close", {"thanks": ""}),
    ("withdraw", {}),
    ("edit", {"category": "tuin", "title": "Nieuwe titel", "description": "Nieuw"}),
]


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize(("action", "data"), ACTIONS)
def test_outsiders_get_404_for_every_action_like_a_missing_ad(cast, persona, action, data):
    if action == "helper":
        data = {"conversation": cast.conversation.pk}
    client = client_for(getattr(cast, persona))
    before = stored()
    response = client.post(url(action, cast.ad), data)
    missing = client.post(reverse(f"ads:{action}", args=[999_999_999]), data)
    assert response.status_code == missing.status_code == 404
    assert stored() == before


@pytest.mark.parametrize(("action", "data"), ACTIONS)
def test_anonymous_actions_redirect_to_login(cast, action, data):
    before = stored()
    response = client_for().post(url(action, cast.ad), data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert stored() == before


@pytest.mark.parametrize("persona", ["responder", "neighbour", "worker"])
@pytest.mark.parametrize("action", ["helper", "close", "withdraw", "edit"])
def test_only_the_author_may_manage_the_ad(cast, persona, action):
    before = stored()
    client = client_for(getattr(cast, persona))
    data = {"conversation": cast.conversation.pk, "title": "Gekaapt", "description": "x", "category": "tuin"}
    assert client.post(url(action, cast.ad), data).status_code == 403
    if action != "helper":
        response = client.get(url(action, cast.ad))
        assert response.status_code == 403
        assert "Only the person who placed this ad can do this." in response.text
    assert stored() == before


# ---- choose a helper ----


def test_author_chooses_a_helper(cast):
    response = client_for(cast.author).post(
        url("helper", cast.ad), {"conversation": cast.conversation.pk}, follow=True
    )
    cast.ad.refresh_from_db()
    assert cast.ad.status == Ad.Status.MATCHED
    assert cast.ad.helper == cast.responder
    assert "You chose Bram as your helper." in response.text
    assert "Chosen helper" in response.text
    assert "as helper" not in response.text.replace("Chosen helper", "")


def test_choosing_a_helper_on_a_matched_ad_is_refused_and_changes_nothing(cast):
    Ad.objects.filter(pk=cast.ad.pk).update(status=Ad.Status.MATCHED, helper=cast.responder)
    before = stored()
    response = client_for(cast.author).post(url("helper", cast.ad), {"conversation": cast.conversation.pk})
    assert response.status_code == 400
    assert "You can only choose a helper while the ad is open." in response.text
    assert stored() == before


@pytest.mark.parametrize("conversation", ["", "abc", "999999999"])
def test_choosing_a_helper_needs_a_conversation_of_this_ad(cast, conversation):
    before = stored()
    response = client_for(cast.author).post(url("helper", cast.ad), {"conversation": conversation})
    assert response.status_code == 404
    assert stored() == before


# ---- close and withdraw ----


def test_close_asks_for_confirmation_first(cast):
    response = client_for(cast.author).get(url("close", cast.ad))
    assert response.status_code == 200
    assert "Yes, close the ad" in response.text
    assert 'name="thanks"' in response.text
    cast.ad.refresh_from_db()
    assert cast.ad.status == Ad.Status.OPEN


def test_author_closes_with_a_thank_you_everyone_can_read(cast):
    response = client_for(cast.author).post(
        url("close", cast.ad), {"thanks": "Dank je wel, <b>Bram</b>!"}, follow=True
    )
    cast.ad.refresh_from_db()
    assert cast.ad.status == Ad.Status.DONE
    assert cast.ad.thanks == "Dank je wel, <b>Bram</b>!"
    assert "Your ad is closed." in response.text
    neighbour_text = client_for(cast.neighbour).get(url("detail", cast.ad)).text
    assert "Dank je wel, &lt;b&gt;Bram&lt;/b&gt;!" in neighbour_text


def test_author_closes_without_a_thank_you(cast):
    response = client_for(cast.author).post(url("close", cast.ad), {})
    assert response.status_code == 302
    cast.ad.refresh_from_db()
    assert cast.ad.status == Ad.Status.DONE


def test_overlong_thank_you_is_reshown_with_the_text(cast):
    before = stored()
    thanks = "Bedankt " + "x" * REPLY_MAX
    response = client_for(cast.author).post(url("close", cast.ad), {"thanks": thanks})
    assert response.status_code == 400
    assert "at most" in response.text
    assert thanks in response.text
    assert stored() == before


def test_closing_twice_is_refused(cast):
    client = client_for(cast.author)
    client.post(url("close", cast.ad), {"thanks": "Top"})
    before = stored()
    response = client.post(url("close", cast.ad), {"thanks": "Nog eens"})
    assert response.status_code == 400
    assert "This ad is already closed." in response.text
    assert stored() == before


def test_withdraw_asks_for_confirmation_then_withdraws(cast):
    client = client_for(cast.author)
    assert "Yes, withdraw the ad" in client.get(url("withdraw", cast.ad)).text
    cast.ad.refresh_from_db()
    assert cast.ad.status == Ad.Status.OPEN
    response = client.post(url("withdraw", cast.ad), follow=True)
    cast.ad.refresh_from_db()
    assert cast.ad.status == Ad.Status.WITHDRAWN
    assert "Your ad has been withdrawn." in response.text
    assert "The author has withdrawn this ad." in response.text


def test_withdrawing_a_closed_ad_is_refused(cast):
    Ad.objects.filter(pk=cast.ad.pk).update(status=Ad.Status.DONE)
    before = stored()
    response = client_for(cast.author).post(url("withdraw", cast.ad))
    assert response.status_code == 400
    assert "This ad is already closed." in response.text
    assert stored() == before


def test_whole_flow_reply_choose_close(cast):
    neighbour, author = client_for(cast.neighbour), client_for(cast.author)
    neighbour.post(url("reply", cast.ad), {"body": "Ik doe het!"})
    conversation = Conversation.objects.get(ad=cast.ad, responder=cast.neighbour)
    author.post(url("reply", cast.ad), {"body": "Fijn, dinsdag?", "conversation": conversation.pk})
    assert "Fijn, dinsdag?" in neighbour.get(url("detail", cast.ad)).text
    author.post(url("helper", cast.ad), {"conversation": conversation.pk})
    author.post(url("close", cast.ad), {"thanks": "Bedankt Noor"})
    cast.ad.refresh_from_db()
    assert (cast.ad.status, cast.ad.helper, cast.ad.thanks) == (Ad.Status.DONE, cast.neighbour, "Bedankt Noor")
    assert (
        neighbour.post(url("reply", cast.ad), {"body": "Graag gedaan", "conversation": conversation.pk}).status_code
        == 400
    )


def test_get_is_not_allowed_on_reply_and_helper(cast):
    client = client_for(cast.author)
    assert client.get(url("reply", cast.ad)).status_code == 405
    assert client.get(url("helper", cast.ad)).status_code == 405
