"""Bad input to the ads API: a 400 that names the field, never a 500, nothing stored changes."""

import base64

import pytest
from django.urls import reverse

from ads.models import DESCRIPTION_MAX, REPLY_MAX, TITLE_MAX, Ad, Conversation, Reply
from tests import factories
from tests.conftest import api_as

GOOD_AD = {
    "kind": "request",
    "category": "boodschappen",
    "title": "Wie helpt mij?",
    "description": "Met de boodschappen.",
}


def _stored():
    return (
        list(Ad.objects.order_by("pk").values()),
        list(Conversation.objects.order_by("pk").values()),
        list(Reply.objects.order_by("pk").values()),
    )


@pytest.fixture
def unchanged(cast):
    """Asserts, after the test, that nothing stored changed."""
    before = _stored()
    yield cast
    assert _stored() == before


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


AD_FIELD_ERRORS = [
    ("title", ""),
    ("title", "   "),
    ("title", "ab"),
    ("title", "x" * (TITLE_MAX + 1)),
    ("title", 12345),
    ("title", ["a", "list"]),
    ("title", None),
    ("title", "nul \x00 byte"),
    ("description", ""),
    ("description", "x" * (DESCRIPTION_MAX + 1)),
    ("description", {"an": "object"}),
    ("kind", "gift"),
    ("kind", ""),
    ("kind", None),
    ("category", "snoepjes"),
    ("category", 1),
    ("category", ""),
    ("urgency", "soon"),
    ("wanted_on", "next tuesday"),
    ("wanted_on", "2025-02-30"),
    ("wanted_on", 20250101),
    ("escalation_consent", "maybe"),
    ("neighbourhood", "zuid"),
    ("neighbourhood", "nergens"),
    ("neighbourhood", "not a slug!"),
    ("status", "done"),
    ("author", 1),
]


@pytest.mark.parametrize(("field", "value"), AD_FIELD_ERRORS)
def test_post_ad_refuses_a_bad_field(unchanged, field, value):
    response = api_as(unchanged.author).post(reverse("api-ads"), {**GOOD_AD, field: value}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert all(isinstance(message, str) and message for message in response.json()[field])


@pytest.mark.parametrize("field", ["kind", "category", "title", "description"])
def test_post_ad_requires_the_four_fields(unchanged, field):
    body = {name: value for name, value in GOOD_AD.items() if name != field}
    response = api_as(unchanged.author).post(reverse("api-ads"), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_foreign_and_unknown_neighbourhood_get_the_same_message(unchanged):
    client = api_as(unchanged.author)
    foreign = client.post(reverse("api-ads"), {**GOOD_AD, "neighbourhood": "zuid"}, format="json")
    unknown = client.post(reverse("api-ads"), {**GOOD_AD, "neighbourhood": "nergens"}, format="json")
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.content == unknown.content


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ('{"kind": "request", "title": ', "application/json"),
        ("not json at all", "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"just a string"', "application/json"),
        ("null", "application/json"),
        (
            '{"kind": "request", "category": "boodschappen", "title": "\\ud800", "description": "x"}',
            "application/json",
        ),
        ("<ad><title>x</title></ad>", "application/xml"),
    ],
)
def test_post_ad_refuses_malformed_bodies(unchanged, content, content_type):
    response = api_as(unchanged.author).generic("POST", reverse("api-ads"), content, content_type=content_type)
    assert response.status_code in (400, 415)
    assert response["Content-Type"] == "application/json"
    assert response.json()


PATCH_ERRORS = [
    ("title", ""),
    ("title", "x" * (TITLE_MAX + 1)),
    ("title", 7),
    ("description", ""),
    ("description", "x" * (DESCRIPTION_MAX + 1)),
    ("category", "snoepjes"),
    ("urgency", "soon"),
    ("wanted_on", "gisteren"),
    ("status", "done"),
    ("kind", "offer"),
    ("helper", 1),
    ("neighbourhood", "zuid"),
]


@pytest.mark.parametrize(("field", "value"), PATCH_ERRORS)
def test_patch_refuses_a_bad_field(unchanged, field, value):
    response = api_as(unchanged.author).patch(reverse("api-ad", args=[unchanged.ad.pk]), {field: value}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_patch_refuses_malformed_json(unchanged):
    response = api_as(unchanged.author).generic(
        "PATCH", reverse("api-ad", args=[unchanged.ad.pk]), "{title:", content_type="application/json"
    )
    assert response.status_code == 400


def test_patch_with_one_bad_field_changes_none(unchanged):
    response = api_as(unchanged.author).patch(
        reverse("api-ad", args=[unchanged.ad.pk]), {"title": "Een goede titel", "urgency": "soon"}, format="json"
    )
    assert response.status_code == 400


REPLY_ERRORS = [
    ({"body": ""}, "body"),
    ({"body": "   "}, "body"),
    ({"body": "x" * (REPLY_MAX + 1)}, "body"),
    ({"body": 5}, "body"),
    ({}, "body"),
    ({"body": "Hoi", "conversation": "abc"}, "conversation"),
    ({"body": "Hoi", "conversation": 10**30}, "conversation"),
    ({"body": "Hoi", "conversation": [1]}, "conversation"),
    ({"body": "Hoi", "extra": 1}, "extra"),
]


@pytest.mark.parametrize(("body", "field"), REPLY_ERRORS)
def test_reply_refuses_bad_input(unchanged, body, field):
    response = api_as(unchanged.responder).post(reverse("api-ad-replies", args=[unchanged.ad.pk]), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_reply_naming_another_ads_conversation_is_refused(cast):
    zuid_conversation = factories.ConversationFactory(ad=cast.zuid_ad)
    before = _stored()
    response = api_as(cast.author).post(
        reverse("api-ad-replies", args=[cast.ad.pk]),
        {"body": "Hoi", "conversation": zuid_conversation.pk},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["conversation"]
    assert _stored() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "conversation"), ({"conversation": None}, "conversation"), ({"conversation": "x"}, "conversation")],
)
def test_choose_helper_refuses_bad_input(unchanged, body, field):
    response = api_as(unchanged.author).post(reverse("api-ad-helper", args=[unchanged.ad.pk]), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("thanks", ["x" * (REPLY_MAX + 1), 42, ["dank"]])
def test_close_refuses_bad_thanks(unchanged, thanks):
    response = api_as(unchanged.author).post(
        reverse("api-ad-close", args=[unchanged.ad.pk]), {"thanks": thanks}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["thanks"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "gift"}, "kind"),
        ({"status": "lost"}, "status"),
        ({"category": "snoepjes"}, "category"),
        ({"neighbourhood": "zuid"}, "neighbourhood"),
        ({"neighbourhood": "nergens"}, "neighbourhood"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "-5"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"page_size": "1e3"}, "page_size"),
        ({"q": "x" * 101}, "q"),
        ({"cursor": "!!!"}, "cursor"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
        ({"cursor": _b64("2025-01-01T10:00:00|5")}, "cursor"),
        ({"cursor": _b64("2025-01-01T10:00:00+00:00|five")}, "cursor"),
        ({"cursor": _b64("2025-01-01T10:00:00+00:00")}, "cursor"),
        ({"cursor": "x" * 201}, "cursor"),
    ],
)
def test_list_refuses_bad_filters(unchanged, params, field):
    response = api_as(unchanged.author).get(reverse("api-ads"), params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize(
    "cursor",
    [
        _b64("9999-12-31T23:59:59+00:00|99999999999999999999999999"),
        _b64("0001-01-01T00:00:00+14:00|-99999999999999999999"),
        _b64("2025-01-01T10:00:00+00:00|0"),
    ],
)
def test_list_with_an_extreme_but_well_formed_cursor_answers(unchanged, cursor):
    response = api_as(unchanged.author).get(reverse("api-ads"), {"cursor": cursor})
    assert response.status_code in (200, 400)
