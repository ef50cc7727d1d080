"""An ad's page: who sees it, and which conversations they see."""

import re

import pytest
from django.urls import reverse

from ads.models import Ad
from tests import factories
from tests.conftest import client_for


def detail_url(pk) -> str:
    return reverse("ads:detail", args=[pk])


def normalised(body: str) -> str:
    # Per-response parts that are not about the object: the CSRF token and the page's own path.
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    return re.sub(r'name="next" value="[^"]*"', "", body)


@pytest.fixture
def second_conversation(cast):
    other = factories.UserFactory(neighbourhood=cast.noord, display_name="Sofie")
    conversation = factories.ConversationFactory(ad=cast.ad, responder=other)
    factories.ReplyFactory(conversation=conversation, author=other, body="Ik heb een auto.")
    return conversation


@pytest.mark.parametrize("persona", ["author", "responder", "neighbour", "worker"])
def test_ad_page_is_shown_to_noord(cast, persona):
    response = client_for(getattr(cast, persona)).get(detail_url(cast.ad.pk))
    assert response.status_code == 200
    assert cast.ad.title in response.text
    assert "Noord" in response.text


@pytest.mark.parametrize("persona", ["outsider", "other_worker", "partner_staff", "coordinator"])
def test_others_get_404_with_the_same_body_as_a_nonexistent_ad(cast, persona):
    client = client_for(getattr(cast, persona))
    response = client.get(detail_url(cast.ad.pk))
    missing = client.get(detail_url(999_999_999))
    assert response.status_code == missing.status_code == 404
    assert normalised(response.text) == normalised(missing.text)
    assert cast.ad.title not in response.text


def test_anonymous_ad_page_redirects_to_login(cast):
    response = client_for().get(detail_url(cast.ad.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "path", ["/advertenties/abc/", "/advertenties/-1/", "/advertenties/1.5/", "/advertenties/99999999999999999999999/"]
)
def test_non_numeric_or_absurd_ids_are_404(cast, path):
    assert client_for(cast.author).get(path).status_code == 404


def test_hidden_ad_is_404_for_a_neighbour_but_shown_to_author_and_worker(cast):
    Ad.objects.filter(pk=cast.ad.pk).update(moderation=Ad.Moderation.HIDDEN)
    assert client_for(cast.neighbour).get(detail_url(cast.ad.pk)).status_code == 404
    assert client_for(cast.author).get(detail_url(cast.ad.pk)).status_code == 200
    assert client_for(cast.worker).get(detail_url(cast.ad.pk)).status_code == 200


def test_author_sees_every_conversation_with_a_reply_form_and_helper_button_each(cast, second_conversation):
    response = client_for(cast.author).get(detail_url(cast.ad.pk))
    text = response.text
    assert "Conversation with Bram" in text and "Conversation with Sofie" in text
    assert "Ik heb een auto." in text
    assert text.count('name="conversation"') >= 4  # a reply form and a helper button per conversation
    assert "Choose Bram as helper" in text and "Choose Sofie as helper" in text
    assert reverse("ads:close", args=[cast.ad.pk]) in text
    assert reverse("ads:withdraw", args=[cast.ad.pk]) in text
    assert "Reply to this ad" not in text


def test_responder_sees_only_their_own_conversation(cast, second_conversation):
    text = client_for(cast.responder).get(detail_url(cast.ad.pk)).text
    assert "Ik kan morgen helpen." in text
    assert "Ik heb een auto." not in text
    assert "Sofie" not in text
    assert "as helper" not in text
    assert reverse("ads:close", args=[cast.ad.pk]) not in text
    assert f'value="{cast.conversation.pk}"' in text


def test_neighbour_sees_no_conversations_but_a_form_to_start_one(cast, second_conversation):
    text = client_for(cast.neighbour).get(detail_url(cast.ad.pk)).text
    assert "Ik kan morgen helpen." not in text
    assert "Ik heb een auto." not in text
    assert "Reply to this ad" in text
    assert 'name="body"' in text


def test_worker_sees_all_conversations_but_cannot_choose_a_helper(cast, second_conversation):
    text = client_for(cast.worker).get(detail_url(cast.ad.pk)).text
    assert "Ik kan morgen helpen." in text and "Ik heb een auto." in text
    assert "as helper" not in text
    assert reverse("ads:withdraw", args=[cast.ad.pk]) not in text


def test_ad_page_shows_display_names_never_emails_or_addresses(cast):
    cast.author.street = "Dorpsstraat 12"
    cast.author.save()
    for viewer in (cast.author, cast.responder, cast.worker):
        response = client_for(viewer).get(detail_url(cast.ad.pk))
        assert response.status_code == 200
        text = response.text
        assert cast.author.display_name in text and cast.responder.display_name in text  # "Anna", "Bram"
        assert cast.responder.email not in text
        assert cast.author.email not in text
        assert "Dorpsstraat" not in text


def test_ad_page_escapes_script_in_every_text(cast):
    Ad.objects.filter(pk=cast.ad.pk).update(
        title="<script>alert('t')</script>", description="<img src=x onerror=alert(1)>"
    )
    factories.ReplyFactory(conversation=cast.conversation, author=cast.responder, body="<script>alert('r')</script>")
    cast.responder.display_name = "<i>Bram</i>"
    cast.responder.save()
    text = client_for(cast.author).get(detail_url(cast.ad.pk)).text
    assert "<script>" not in text
    assert "<img src=x" not in text
    assert "<i>Bram</i>" not in text
    assert "&lt;script&gt;alert(&#x27;r&#x27;)&lt;/script&gt;" in text


def test_closed_ad_shows_the_thank_you_and_no_reply_form(cast):
    Ad.objects.filter(pk=cast.ad.pk).update(status=Ad.Status.DONE, thanks="Dank je wel, Bram!", helper=cast.responder)
    for viewer in (cast.author, cast.responder, cast.neighbour):
        text = client_for(viewer).get(detail_url(cast.ad.pk)).text
        assert "Dank je wel, Bram!" in text
        assert 'name="body"' not in text
        assert "as helper" not in text
    assert "This ad is closed; you can no longer reply." in client_for(cast.neighbour).get(detail_url(cast.ad.pk)).text


def test_matched_ad_tells_a_new_neighbour_a_helper_was_found(cast):
    Ad.objects.filter(pk=cast.ad.pk).update(status=Ad.Status.MATCHED, helper=cast.responder)
    text = client_for(cast.neighbour).get(detail_url(cast.ad.pk)).text
    assert "A helper has already been found for this ad." in text
    assert 'name="body"' not in text
    responder_text = client_for(cast.responder).get(detail_url(cast.ad.pk)).text
    assert "Chosen helper" in responder_text
    assert 'name="body"' in responder_text
