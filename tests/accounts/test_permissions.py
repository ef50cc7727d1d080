"""Who may open which account page and endpoint: the permission matrix for every persona.

Everything here is about the caller's own account, so the matrix is mostly "anonymous is
sent to log in; everyone else sees only themselves"."""

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import api_as, client_for

PERSONAS = ["author", "responder", "outsider", "worker", "other_worker", "partner_staff"]
MEMBER_OF = {
    "anonymous": set(),
    "author": {"noord"},
    "responder": {"noord"},
    "outsider": {"zuid"},
    "worker": {"noord"},
    "other_worker": {"zuid"},
    # A partner receives escalations for its area but reads no board.
    "partner_staff": set(),
}


def persona(cast, name):
    return None if name == "anonymous" else getattr(cast, name)


# ---- pages ----


@pytest.mark.parametrize("name", ["signup", "login", "password_reset"])
def test_anonymous_opens_the_public_pages(db, name):
    assert client_for().get(reverse(f"accounts:{name}")).status_code == 200


def test_anonymous_profile_is_sent_to_log_in(db):
    response = client_for().get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=" + reverse("accounts:profile")


@pytest.mark.parametrize("name", PERSONAS)
def test_everyone_sees_only_their_own_profile(cast, name):
    user = persona(cast, name)
    response = client_for(user).get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert response.context["form"].initial["display_name"] == user.display_name
    others = {getattr(cast, other).display_name for other in PERSONAS} - {user.display_name}
    assert not any(f'value="{other}"' in response.text for other in others)


@pytest.mark.parametrize("name", PERSONAS)
def test_a_profile_post_changes_only_the_callers_account(cast, name):
    user = persona(cast, name)
    data = {"display_name": "Nieuw", "phone": "", "street": "", "language": "en", "id": cast.author.pk}
    client_for(user).post(reverse("accounts:profile"), data)
    user.refresh_from_db()
    assert user.display_name == "Nieuw"
    untouched = [getattr(cast, other) for other in PERSONAS if other != name]
    assert all(type(u).objects.get(pk=u.pk).display_name == u.display_name for u in untouched)


@pytest.mark.parametrize("name", PERSONAS)
def test_logged_in_people_skip_the_sign_up_page(cast, name):
    assert client_for(persona(cast, name)).get(reverse("accounts:signup")).status_code == 302


@pytest.mark.parametrize("name", PERSONAS)
def test_everyone_logs_in_with_their_own_password(cast, name):
    user = persona(cast, name)
    response = client_for().post(reverse("accounts:login"), {"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["anonymous", *PERSONAS])
def test_nobody_logs_out_with_get(cast, name):
    assert client_for(persona(cast, name)).get(reverse("accounts:logout")).status_code == 405


# ---- API ----


@pytest.mark.parametrize("name", ["anonymous", *PERSONAS])
def test_neighbourhoods_show_where_each_persona_is_a_member(cast, name):
    response = api_as(persona(cast, name)).get(reverse("api-neighbourhoods"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["slug"] for row in rows} == {"noord", "zuid"}
    assert {row["slug"] for row in rows if row["is_member"]} == MEMBER_OF[name]


def test_anonymous_me_is_refused(db):
    client = api_as(None)
    assert client.get(reverse("api-me")).status_code == 401
    assert client.patch(reverse("api-me"), {"display_name": "X"}, format="json").status_code == 401


@pytest.mark.parametrize("name", PERSONAS)
def test_me_is_always_the_caller(cast, name):
    user = persona(cast, name)
    assert api_as(user).get(reverse("api-me")).json()["id"] == user.pk
    api_as(user).patch(reverse("api-me"), {"display_name": "Nieuw"}, format="json")
    untouched = [getattr(cast, other) for other in PERSONAS if other != name]
    assert all(type(u).objects.get(pk=u.pk).display_name == u.display_name for u in untouched)


@pytest.mark.parametrize("name", PERSONAS)
def test_every_persona_gets_their_own_token(cast, name):
    user = persona(cast, name)
    response = api_as(None).post(reverse("api-token"), {"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 200
    assert user.auth_token.key == response.json()["token"]
