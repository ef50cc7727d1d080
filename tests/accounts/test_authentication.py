"""API token authentication: the user and their roles in one query, answers as DRF's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.permissions import member_neighbourhood_ids, worker_neighbourhood_ids
from accounts.selectors import user_for_api_token
from accounts.services import api_token_for
from tests import factories

ME = reverse("api-me")


def _token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def _fields(user: User) -> dict:
    return {field.attname: getattr(user, field.attname) for field in User._meta.concrete_fields}


def test_the_user_of_a_token_is_loaded_as_the_orm_loads_it(cast):
    user, token = user_for_api_token(api_token_for(user=cast.worker))

    assert _fields(user) == _fields(User.objects.get(pk=cast.worker.pk))
    assert token.user is user
    assert token.user_id == user.pk
    assert not user._state.adding  # a stored user: saving it updates, never inserts


def test_an_unknown_token_finds_nobody(db):
    assert user_for_api_token("0" * 40) is None


@pytest.mark.postgres
def test_worker_neighbourhoods_come_with_the_user_in_the_same_query(cast):
    factories.WorkerAssignmentFactory(user=cast.worker, neighbourhood=cast.zuid)
    key = api_token_for(user=cast.worker)

    with CaptureQueriesContext(connection) as queries:
        user, _token = user_for_api_token(key)
        worker_ids = worker_neighbourhood_ids(user)
        member_ids = member_neighbourhood_ids(user)

    assert len(queries) == 1
    assert worker_ids == member_ids == {cast.noord.pk, cast.zuid.pk}


@pytest.mark.postgres
def test_a_resident_has_no_worker_neighbourhoods_and_no_query_is_needed_to_know(cast):
    key = api_token_for(user=cast.author)
    with CaptureQueriesContext(connection) as queries:
        user, _token = user_for_api_token(key)
        assert worker_neighbourhood_ids(user) == frozenset()
        assert member_neighbourhood_ids(user) == {cast.noord.pk}
    assert len(queries) == 1


def test_a_token_request_gets_the_token_user(cast):
    response = _token_client(api_token_for(user=cast.author)).get(ME)
    assert response.status_code == 200
    assert response.json()["id"] == cast.author.pk


@pytest.mark.parametrize("key", ["0" * 40, "nonsense"])
def test_an_unknown_token_is_a_401_as_with_drf(db, key):
    response = _token_client(key).get(ME)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert response["WWW-Authenticate"] == "Token"


def test_the_token_of_an_inactive_user_is_a_401(cast):
    key = api_token_for(user=cast.author)
    User.objects.filter(pk=cast.author.pk).update(is_active=False)

    response = _token_client(key).get(ME)

    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}
