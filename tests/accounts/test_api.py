"""The accounts API: token, neighbourhoods, and the caller's own profile."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from tests import factories
from tests.conftest import api_as

TOKEN = reverse("api-token")
NEIGHBOURHOODS = reverse("api-neighbourhoods")
ME = reverse("api-me")


def stored() -> tuple:
    return list(User.objects.order_by("pk").values()), list(Token.objects.order_by("pk").values())


def english() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


# ---- token ----


def test_token_for_email_and_password_then_use_it(cast):
    response = english().post(
        TOKEN, {"email": cast.author.email.upper(), "password": factories.PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    token = response.json()["token"]
    assert Token.objects.get(user=cast.author).key == token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(ME).json()["id"] == cast.author.pk


def test_token_ignores_a_session_sent_along(cast):
    client = english()
    client.force_login(cast.outsider)  # no CSRF token: the endpoint must not look at the session
    client.enforce_csrf_checks = True
    response = client.post(TOKEN, {"email": cast.author.email, "password": factories.PASSWORD}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["wrong password", "unknown email"])
def test_token_with_bad_credentials_is_a_clear_400(cast, who):
    email = cast.author.email if who == "wrong password" else "niemand@example.org"
    before = stored()
    response = english().post(TOKEN, {"email": email, "password": "niet-goed-123"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The email address or the password is not correct."}
    assert stored() == before


def test_token_for_an_unconfirmed_email_is_refused(cast):
    user = factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None)
    response = english().post(TOKEN, {"email": user.email, "password": factories.PASSWORD}, format="json")
    assert response.status_code == 400
    assert "Please confirm your email address first." in response.json()["detail"]
    assert not Token.objects.filter(user=user).exists()


def test_token_with_malformed_json_is_a_400(db):
    response = english().post(TOKEN, '{"email": "a@b.nl", "password": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "email"),
        ({"email": "a@b.nl"}, "password"),
        ({"email": ["a@b.nl"], "password": "x"}, "email"),
        ({"email": "a@b.nl", "password": 12345678}, "password"),
        ({"email": "a@b.nl", "password": "x", "remember": True}, "remember"),
    ],
)
def test_token_with_missing_or_wrong_fields_names_them(db, body, field):
    response = english().post(TOKEN, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_token_with_a_json_list_is_a_400(db):
    response = english().post(TOKEN, ["a@b.nl", "x"], format="json")
    assert response.status_code == 400


# ---- neighbourhoods ----


def test_neighbourhoods_are_listed_for_everyone_by_name(cast):
    factories.NeighbourhoodFactory(slug="centrum", name="Centrum")
    response = api_as(None).get(NEIGHBOURHOODS)
    assert response.status_code == 200
    assert response.json()["next"] is None
    rows = response.json()["results"]
    assert [row["slug"] for row in rows] == ["centrum", "noord", "zuid"]
    assert set(rows[0]) == {"id", "slug", "name", "municipality", "municipality_name", "is_member"}
    assert (rows[0]["municipality"], rows[0]["municipality_name"]) == ("utrecht", "Utrecht")
    assert not any(row["is_member"] for row in rows)


def test_neighbourhoods_list_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for n in range(20):
        factories.NeighbourhoodFactory(slug=f"wijk-{n}")
    client = api_as(cast.worker)
    with django_assert_max_num_queries(2):
        assert len(client.get(NEIGHBOURHOODS).json()["results"]) == 22


# ---- me ----


def test_me_shows_the_callers_own_profile(cast):
    User.objects.filter(pk=cast.author.pk).update(phone="06 1234 5678", street="Dorpsstraat 1", postcode="3511 AB")
    cast.author.refresh_from_db()  # api_as() authenticates this very object
    response = api_as(cast.author).get(ME)
    assert response.status_code == 200
    assert response.json() == {
        "id": cast.author.pk,
        "email": cast.author.email,
        "email_confirmed": True,
        "display_name": "Anna",
        "phone": "06 1234 5678",
        "street": "Dorpsstraat 1",
        "postcode": "3511 AB",
        "language": "en",
        "neighbourhood": {"id": cast.noord.pk, "slug": "noord", "name": "Noord"},
        "works_in": [],
        "partner": None,
        "is_coordinator": False,
    }


def test_me_shows_roles(cast):
    worker = api_as(cast.worker).get(ME).json()
    assert worker["neighbourhood"] is None
    assert worker["works_in"] == [{"id": cast.noord.pk, "slug": "noord", "name": "Noord"}]
    partner = api_as(cast.partner_staff).get(ME).json()
    assert partner["partner"]["id"] == cast.partner_staff.partner_id
    assert api_as(cast.coordinator).get(ME).json()["is_coordinator"] is True


def test_me_patch_changes_what_is_sent(cast):
    response = api_as(cast.author).patch(ME, {"display_name": " Anneke ", "language": "en"}, format="json")
    assert response.status_code == 200
    assert (response.json()["display_name"], response.json()["language"]) == ("Anneke", "en")
    user = User.objects.get(pk=cast.author.pk)
    assert (user.display_name, user.language, user.phone) == ("Anneke", "en", "")


def test_me_patch_with_nothing_changes_nothing(cast):
    before = stored()
    response = api_as(cast.author).patch(ME, {}, format="json")
    assert response.status_code == 200
    assert stored() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"display_name": "x" * 61}, "display_name"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": 42}, "display_name"),
        ({"phone": "bel <b>niet</b>"}, "phone"),
        ({"phone": "1" * 31}, "phone"),
        ({"street": "s" * 151}, "street"),
        ({"language": "de"}, "language"),
        ({"email": "nieuw@example.org"}, "email"),
        ({"neighbourhood": "zuid"}, "neighbourhood"),
        ({"is_coordinator": True}, "is_coordinator"),
    ],
)
def test_me_patch_bad_input_is_a_400_that_changes_nothing(cast, body, field):
    before = stored()
    response = api_as(cast.author).patch(ME, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert stored() == before


def test_me_patch_with_malformed_json_is_a_400(cast):
    before = stored()
    response = api_as(cast.author).patch(ME, "{display_name:", content_type="application/json")
    assert response.status_code == 400
    assert stored() == before


def test_me_patch_stores_html_as_text_and_returns_it_as_json(cast):
    response = api_as(cast.author).patch(ME, {"display_name": "<b>Anna</b>"}, format="json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["display_name"] == "<b>Anna</b>"
