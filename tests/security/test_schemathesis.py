"""Schemathesis, in-process over the whole OpenAPI schema (the WSGI app), as a resident
and as a worker, with a fixed seed and a bounded number of examples: no server errors
and no response that breaks the schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from samsam.wsgi import application
from tests import factories

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def in_test_transaction():
    """Calls go straight to the WSGI app, not through Django's test client: keep the
    request signals from closing the test's database connection, as the client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, in_test_transaction):
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


schema = schemathesis.pytest.from_fixture("api_schema")
# Deleting one's own account ends the session the other operations run in: it gets a fresh
# person for every case, in a test of its own.
DELETE_ME = {"method": "DELETE", "path": "/api/v1/me/"}


@pytest.fixture
def local_limiter(settings) -> None:
    # The limiter is not what this test is about: count in the embedded cache.
    settings.LIMITS_REDIS_URL = ""


@pytest.fixture
def resident_token(cast, local_limiter) -> str:
    return Token.objects.get_or_create(user=cast.author)[0].key


@pytest.fixture
def worker_token(cast, local_limiter) -> str:
    return Token.objects.get_or_create(user=cast.worker)[0].key


# Generated cases only: schemathesis' explicit phase adds ~40 boundary cases per operation,
# which would take this past a minute; the seed and the count keep the run fixed and short.
BOUNDED = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,  # a fixed seed: the same cases on every run
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@schema.exclude(**DELETE_ME).parametrize()
@BOUNDED
def test_api_as_a_resident(case, resident_token) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {resident_token}"}, checks=CHECKS)


@schema.exclude(**DELETE_ME).parametrize()
@BOUNDED
def test_api_as_a_worker(case, worker_token) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {worker_token}"}, checks=CHECKS)


@schema.include(**DELETE_ME).parametrize()
@BOUNDED
def test_delete_me_as_a_fresh_resident(case, cast, local_limiter) -> None:
    user = factories.UserFactory(neighbourhood=cast.noord)
    token = Token.objects.create(user=user).key
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
