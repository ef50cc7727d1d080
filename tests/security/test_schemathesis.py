"""Schemathesis, in-process over the whole OpenAPI schema (the WSGI app), as a resident
and as a worker, with a fixed seed and a bounded number of examples: no server errors
and no response that breaks the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from samsam.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(db):
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


schema = schemathesis.pytest.from_fixture("api_schema")


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


@schema.parametrize()
@BOUNDED
def test_api_as_a_resident(case, resident_token) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {resident_token}"}, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_api_as_a_worker(case, worker_token) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {worker_token}"}, checks=CHECKS)
