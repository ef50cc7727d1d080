"""Who may do what on the ads API: every endpoint for every persona of the cast.

Another neighbourhood's ad answers 404 with exactly the body of an id that does not
exist, and a refused call changes nothing."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_for
from ads.models import Ad, Conversation, Reply
from tests.conftest import api_as

PERSONAS = [
    "anonymous",
    "author",
    "responder",
    "neighbour",
    "outsider",
    "worker",
    "other_worker",
    "partner_staff",
    "coordinator",
]
OUTSIDE = {"outsider": 404, "other_worker": 404, "partner_staff": 404, "coordinator": 404}
READERS = {"anonymous": 401, "author": 200, "responder": 200, "neighbour": 200, "worker": 200, **OUTSIDE}
AUTHOR_ONLY = {"anonymous": 401, "author": 200, "responder": 403, "neighbour": 403, "worker": 403, **OUTSIDE}
# The author must name a conversation (400); everyone else who sees the ad may reply.
REPLIERS = {"anonymous": 401, "author": 400, "responder": 201, "neighbour": 201, "worker": 201, **OUTSIDE}

ENDPOINTS = {
    "read": ("get", "api-ad", lambda cast: None, READERS),
    "update": ("patch", "api-ad", lambda cast: {"title": "Een andere titel"}, AUTHOR_ONLY),
    "conversations": ("get", "api-ad-replies", lambda cast: None, READERS),
    "reply": ("post", "api-ad-replies", lambda cast: {"body": "Ik kan helpen."}, REPLIERS),
    "helper": ("post", "api-ad-helper", lambda cast: {"conversation": cast.conversation.pk}, AUTHOR_ONLY),
    "close": ("post", "api-ad-close", lambda cast: {"thanks": "Dank je wel!"}, AUTHOR_ONLY),
    "withdraw": ("post", "api-ad-withdraw", lambda cast: {}, AUTHOR_ONLY),
}
MATRIX = [(endpoint, persona) for endpoint in ENDPOINTS for persona in PERSONAS]


def _user(cast, persona):
    return None if persona == "anonymous" else getattr(cast, persona)


def _call(client, method: str, url: str, body):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, format="json")


def _stored():
    return (
        list(Ad.objects.order_by("pk").values()),
        list(Conversation.objects.order_by("pk").values()),
        list(Reply.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize(("endpoint", "persona"), MATRIX)
def test_permission_matrix(cast, endpoint, persona):
    method, url_name, body, expected = ENDPOINTS[endpoint]
    client = api_as(_user(cast, persona))
    before = _stored()

    response = _call(client, method, reverse(url_name, args=[cast.ad.pk]), body(cast))

    assert response.status_code == expected[persona], response.content
    if response.status_code >= 400:
        assert _stored() == before
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("persona", ["outsider", "other_worker", "partner_staff", "coordinator"])
def test_other_neighbourhood_gets_the_same_404_as_a_missing_id(cast, endpoint, persona):
    method, url_name, body, _expected = ENDPOINTS[endpoint]
    client = api_as(_user(cast, persona))

    hidden = _call(client, method, reverse(url_name, args=[cast.ad.pk]), body(cast))
    missing = _call(client, method, reverse(url_name, args=[cast.ad.pk + 10_000]), body(cast))

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden.json() == {"detail": missing.json()["detail"]}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_noord_residents_get_404_on_a_zuid_ad(cast, endpoint):
    method, url_name, body, _expected = ENDPOINTS[endpoint]
    client = api_as(cast.author)

    hidden = _call(client, method, reverse(url_name, args=[cast.zuid_ad.pk]), body(cast))
    missing = _call(client, method, reverse(url_name, args=[cast.zuid_ad.pk + 10_000]), body(cast))

    assert hidden.status_code == 404
    assert hidden.content == missing.content


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("patch", ""), ("get", "replies/"), ("post", "replies/"), ("post", "helper/"), ("post", "close/")],
)
@pytest.mark.parametrize("bad_id", ["abc", "1.5", "-1", "%20", "99999999999999999999999999"])
def test_non_numeric_and_huge_ids_answer_json_404(cast, method, suffix, bad_id):
    client = api_as(cast.author)
    missing = client.get(reverse("api-ad", args=[cast.ad.pk + 10_000]))

    response = getattr(client, method)(f"/api/v1/ads/{bad_id}/{suffix}", {"body": "x"}, format="json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == missing.json()


@pytest.mark.parametrize(
    ("method", "url_name", "body"),
    [
        ("get", "api-ads", None),
        ("post", "api-ads", {"kind": "request", "category": "boodschappen", "title": "Hulp", "description": "x"}),
        ("get", "api-categories", None),
    ],
)
def test_anonymous_is_refused_on_collection_endpoints(cast, method, url_name, body):
    before = _stored()
    response = _call(api_as(None), method, reverse(url_name), body)
    assert response.status_code == 401
    assert "Token" in response["WWW-Authenticate"]
    assert _stored() == before


# Residents post at home, workers without a home where they work (as on the post page);
# partner staff and coordinators have no neighbourhood to post in.
CREATE = {"author": 201, "responder": 201, "neighbour": 201, "outsider": 201, "worker": 201, "other_worker": 201}


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_who_may_post_an_ad(cast, persona):
    body = {"kind": "offer", "category": "tuin", "title": "Ik help in de tuin", "description": "Op zaterdag."}
    before = Ad.objects.count()

    response = api_as(_user(cast, persona)).post(reverse("api-ads"), body, format="json")

    assert response.status_code == CREATE.get(persona, 400), response.content
    assert Ad.objects.count() == before + (response.status_code == 201)
    if response.status_code == 400:
        assert list(response.json()) == ["neighbourhood"]


@pytest.mark.parametrize("persona", ["partner_staff", "coordinator", "outsider", "other_worker"])
def test_nobody_posts_in_a_neighbourhood_they_do_not_belong_to(cast, persona):
    body = {"kind": "offer", "category": "tuin", "title": "Tuinhulp", "description": "x", "neighbourhood": "noord"}
    before = _stored()
    response = api_as(_user(cast, persona)).post(reverse("api-ads"), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["neighbourhood"]
    assert _stored() == before


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_list_shows_only_the_callers_neighbourhoods(cast, persona):
    response = api_as(_user(cast, persona)).get(reverse("api-ads"))

    assert response.status_code == 200
    ids = {item["id"] for item in response.json()["results"]}
    sees_noord = persona in ("author", "responder", "neighbour", "worker")
    assert (cast.ad.pk in ids) is sees_noord
    assert (cast.zuid_ad.pk in ids) is (persona in ("outsider", "other_worker"))


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_categories_answer_every_signed_in_persona(cast, persona):
    response = api_as(_user(cast, persona)).get(reverse("api-categories"))
    assert response.status_code == 200
    assert response.json()["results"][0] == {"slug": "boodschappen", "name": "Boodschappen"}


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("author", ["bram", "noor"]), ("worker", ["bram", "noor"]), ("responder", ["bram"]), ("neighbour", ["noor"])],
)
def test_each_persona_sees_the_conversations_they_may(cast, persona, sees):
    noor = Conversation.objects.create(ad=cast.ad, responder=cast.neighbour)
    conversations = {"bram": cast.conversation.pk, "noor": noor.pk}

    response = api_as(_user(cast, persona)).get(reverse("api-ad-replies", args=[cast.ad.pk]))

    assert [conversation["id"] for conversation in response.json()["results"]] == [
        conversations[name] for name in sees
    ]


def test_a_neighbour_without_a_conversation_sees_none(cast):
    response = api_as(cast.neighbour).get(reverse("api-ad-replies", args=[cast.ad.pk]))
    assert response.status_code == 200
    assert response.json() == {"results": [], "next": None}


def test_conversations_show_display_names_and_never_emails(cast):
    response = api_as(cast.author).get(reverse("api-ad-replies", args=[cast.ad.pk]))

    conversation = response.json()["results"][0]
    assert conversation["responder_name"] == "Bram"
    assert conversation["replies"][0]["author_name"] == "Bram"
    text = response.content.decode()
    for user in (cast.author, cast.responder):
        assert user.email not in text
    assert "@" not in text


def test_ad_detail_shows_no_email(cast):
    response = api_as(cast.neighbour).get(reverse("api-ad", args=[cast.ad.pk]))
    assert response.status_code == 200
    assert response.json()["title"] == cast.ad.title and response.json()["author_name"] == "Anna"
    text = response.content.decode()
    assert cast.author.email not in text
    assert "@" not in text


def test_token_authentication_works(cast):
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=cast.author)}")
    assert client.get(reverse("api-ad", args=[cast.ad.pk])).status_code == 200


def test_session_authentication_works(cast, client):
    client.force_login(cast.author)
    assert client.get(reverse("api-ads")).status_code == 200


def test_session_post_without_csrf_token_is_refused(cast):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(cast.author)
    before = _stored()
    response = client.post(reverse("api-ad-withdraw", args=[cast.ad.pk]), {}, format="json")
    assert response.status_code == 403
    assert _stored() == before


def test_a_wrong_token_is_refused(cast):
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(reverse("api-ads")).status_code == 401


def test_an_inactive_user_is_refused(cast):
    cast.author.is_active = False
    cast.author.save(update_fields=["is_active"])
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=cast.author)}")
    assert client.get(reverse("api-ad", args=[cast.ad.pk])).status_code == 401
