"""Placing and changing an ad, and the "my ads" and "my conversations" pages."""

import pytest
from django.urls import reverse

from ads.models import DESCRIPTION_MAX, TITLE_MAX, Ad, Conversation, Reply
from tests import factories
from tests.conftest import client_for


def stored() -> tuple:
    return (
        list(Ad.objects.order_by("pk").values()),
        list(Conversation.objects.order_by("pk").values()),
        list(Reply.objects.order_by("pk").values()),
    )


CREATE = reverse("ads:create")
VALID = {"kind": "request", "category": "boodschappen", "title": "Wie haalt brood?", "description": "Bij de bakker."}


# ---- place an ad ----


def test_post_form_asks_only_kind_category_title_and_description(cast):
    response = client_for(cast.author).get(CREATE)
    assert response.status_code == 200
    names = set(response.context["form"].fields)
    # Plus the optional consent to the escalation ladder (issue 4): a checkbox, not a field to fill in.
    assert names == {"kind", "category", "title", "description", "escalation_consent"}
    assert not response.context["form"].fields["escalation_consent"].required
    assert "I need help" in response.text and "I offer help" in response.text
    for name in names:
        assert f'for="id_{name}' in response.text  # every input has a label


def test_resident_places_an_ad_and_lands_on_it(cast):
    response = client_for(cast.author).post(CREATE, VALID, follow=True)
    ad = Ad.objects.get(title="Wie haalt brood?")
    assert response.redirect_chain[-1][0] == reverse("ads:detail", args=[ad.pk])
    assert (ad.kind, ad.category.slug, ad.neighbourhood, ad.author) == (
        "request",
        "boodschappen",
        cast.noord,
        cast.author,
    )
    assert (ad.status, ad.urgency, ad.escalation_consent) == (Ad.Status.OPEN, Ad.Urgency.NORMAL, False)
    assert "Your ad has been placed." in response.text
    assert "Wie haalt brood?" in client_for(cast.neighbour).get(reverse("ads:board", args=["noord"])).text


def test_worker_places_an_ad_in_the_neighbourhood_they_work_in(cast):
    response = client_for(cast.worker).post(CREATE, {**VALID, "kind": "offer"})
    assert response.status_code == 302
    assert Ad.objects.get(title="Wie haalt brood?").neighbourhood == cast.noord


def test_partner_staff_without_neighbourhood_gets_a_clear_message(cast):
    before = stored()
    response = client_for(cast.partner_staff).post(CREATE, VALID)
    assert response.status_code == 400
    assert "Choose the neighbourhood for this ad." in response.text
    assert stored() == before


def test_anonymous_post_form_redirects_to_login(db):
    response = client_for().get(CREATE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "This field is required."),
        ("title", "x" * (TITLE_MAX + 1), f"at most {TITLE_MAX} characters"),
        ("title", "ab", "at least 3 characters"),
        ("description", "", "This field is required."),
        ("description", "x" * (DESCRIPTION_MAX + 1), f"at most {DESCRIPTION_MAX} characters"),
        ("category", "bestaat-niet", "Choose one of the categories in the list."),
        ("category", "", "This field is required."),
        ("kind", "gift", "Choose &#x27;I need help&#x27; or &#x27;I offer help&#x27;."),
        ("kind", "", "This field is required."),
    ],
)
def test_bad_input_reshows_the_form_with_the_error_next_to_the_field(cast, field, value, message):
    before = stored()
    data = {**VALID, field: value}
    response = client_for(cast.author).post(CREATE, data)
    assert response.status_code == 400
    assert message in response.text
    assert f'id="id_{field}_error"' in response.text
    if field != "kind":
        assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in response.text or (
            f'aria-describedby="id_{field}_error"' in response.text
        )
    # What was typed in the other fields is still there.
    for other, typed in VALID.items():
        if other != field and other in ("title", "description"):
            assert typed in response.text
    assert stored() == before


def test_script_in_the_form_is_reshown_escaped(cast):
    data = {**VALID, "title": "<script>alert(1)</script>", "category": "bestaat-niet"}
    response = client_for(cast.author).post(CREATE, data)
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_script_in_a_placed_ad_is_stored_as_text_and_shown_escaped(cast):
    client = client_for(cast.author)
    client.post(CREATE, {**VALID, "title": "<script>alert(1)</script>"})
    ad = Ad.objects.get(title="<script>alert(1)</script>")
    response = client_for(cast.neighbour).get(reverse("ads:detail", args=[ad.pk]))
    assert response.status_code == 200
    text = response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # shown, as text
    assert "<script>alert(1)</script>" not in text


def test_unconfirmed_user_sees_the_reason_on_a_403_page(cast):
    cast.author.email_confirmed_at = None
    cast.author.save()
    before = stored()
    response = client_for(cast.author).post(CREATE, VALID)
    assert response.status_code == 403
    assert "Confirm your email address before you place an ad." in response.text
    assert stored() == before


# ---- change an ad ----


def edit_url(ad) -> str:
    return reverse("ads:edit", args=[ad.pk])


def test_author_sees_the_edit_form_filled_in(cast):
    response = client_for(cast.author).get(edit_url(cast.ad))
    assert response.status_code == 200
    assert cast.ad.title in response.text
    assert cast.ad.description in response.text


def test_author_changes_an_open_ad(cast):
    data = {"category": "vervoer", "title": "Lift naar de dokter", "description": "Donderdag om 10 uur."}
    response = client_for(cast.author).post(edit_url(cast.ad), data, follow=True)
    cast.ad.refresh_from_db()
    assert (cast.ad.title, cast.ad.category.slug) == ("Lift naar de dokter", "vervoer")
    assert "Your changes have been saved." in response.text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "x" * (TITLE_MAX + 1)),
        ("description", ""),
        ("description", "x" * (DESCRIPTION_MAX + 1)),
        ("category", "bestaat-niet"),
    ],
)
def test_bad_edit_is_reshown_and_changes_nothing(cast, field, value):
    data = {"category": "boodschappen", "title": "Goede titel", "description": "Goed", field: value}
    before = stored()
    response = client_for(cast.author).post(edit_url(cast.ad), data)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.text
    assert stored() == before


@pytest.mark.parametrize("status", [Ad.Status.MATCHED, Ad.Status.DONE, Ad.Status.WITHDRAWN])
def test_only_open_ads_can_be_changed(cast, status):
    Ad.objects.filter(pk=cast.ad.pk).update(status=status)
    before = stored()
    client = client_for(cast.author)
    assert client.get(edit_url(cast.ad)).status_code == 400
    response = client.post(edit_url(cast.ad), {"category": "tuin", "title": "Anders", "description": "Anders"})
    assert response.status_code == 400
    assert "Only an open ad can be changed." in response.text
    assert stored() == before


def test_edit_of_an_unseen_ad_is_404_and_of_someone_elses_is_403(cast):
    assert client_for(cast.author).get(edit_url(cast.zuid_ad)).status_code == 404
    assert client_for(cast.responder).get(edit_url(cast.ad)).status_code == 403


# ---- my ads, my conversations ----


def test_my_ads_lists_only_my_ads_in_every_state(cast):
    factories.AdFactory(author=cast.author, title="Oude vraag", status=Ad.Status.DONE)
    factories.AdFactory(author=cast.neighbour, title="Niet van mij")
    text = client_for(cast.author).get(reverse("ads:mine")).text
    assert "Boodschappen op dinsdag" in text and "Oude vraag" in text
    assert "Niet van mij" not in text


def test_my_ads_is_paginated(cast):
    factories.AdFactory.create_batch(25, author=cast.author)
    client = client_for(cast.author)
    first = client.get(reverse("ads:mine"))
    assert len(first.context["page"].object_list) == 20
    assert "Page 1 of 2" in first.text
    second = client.get(reverse("ads:mine"), {"page": 2})
    assert len(second.context["page"].object_list) == 6
    assert client.get(reverse("ads:mine"), {"page": "abc"}).status_code == 200
    assert client.get(reverse("ads:mine"), {"page": "99"}).status_code == 200


def test_my_ads_empty_state(cast):
    text = client_for(cast.neighbour).get(reverse("ads:mine")).text
    assert "You have not placed any ads yet." in text


def test_my_conversations_lists_the_ads_i_replied_to(cast):
    text = client_for(cast.responder).get(reverse("ads:conversations")).text
    assert "Boodschappen op dinsdag" in text
    assert f"#conversation-{cast.conversation.pk}" in text


def test_my_conversations_leaves_out_an_ad_i_may_no_longer_see(cast):
    Ad.objects.filter(pk=cast.ad.pk).update(moderation=Ad.Moderation.HIDDEN)
    text = client_for(cast.responder).get(reverse("ads:conversations")).text
    assert "Boodschappen op dinsdag" not in text
    assert "You have not replied to any ads yet." in text


def test_my_conversations_empty_state(cast):
    text = client_for(cast.neighbour).get(reverse("ads:conversations")).text
    assert "You have not replied to any ads yet." in text


def test_my_conversations_is_paginated(cast):
    for _ in range(21):
        factories.ConversationFactory(ad=factories.AdFactory(author=cast.author), responder=cast.neighbour)
    client = client_for(cast.neighbour)
    assert len(client.get(reverse("ads:conversations")).context["page"].object_list) == 20
    assert len(client.get(reverse("ads:conversations"), {"page": 2}).context["page"].object_list) == 1


@pytest.mark.parametrize("name", ["ads:mine", "ads:conversations"])
def test_my_pages_redirect_anonymous_to_login(db, name):
    response = client_for().get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
