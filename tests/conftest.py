"""Personas shared by every test: the cast of the permission matrix.

In CI (CI=true) a test marked `postgres` or `redis` that cannot run fails instead of
skipping, so a green run means the real services were exercised.
"""

import os
import uuid
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Neighbourhood, User
from ads.models import Ad, Conversation
from tests import factories


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI requires this test to run: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _require_services(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _unavailable("needs PostgreSQL (set DATABASE_URL)")
    if request.node.get_closest_marker("redis") and not settings.REDIS_URL:
        _unavailable("needs Redis (set REDIS_URL)")


@pytest.fixture(autouse=True)
def _committing_tests_restore_the_migrated_data(request: pytest.FixtureRequest) -> None:
    # A test that commits is flushed afterwards; without serialized rollback the flush
    # drops the categories of the data migration and re-creates content types, and the
    # next serialized test on that worker then fails on duplicates. So every one restores.
    marker = request.node.get_closest_marker("django_db")
    commits = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    serialized = bool(marker and marker.kwargs.get("serialized_rollback")) or (
        "django_db_serialized_rollback" in request.fixturenames
    )
    if commits and not serialized:
        pytest.fail("a test that commits must use serialized_rollback=True (see tests/conftest.py)")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings) -> None:
    # Production serves a collected, hashed manifest; tests render from the sources.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _own_limit_counters(settings) -> None:
    # Login and reset counters (accounts.limits) outlive a test in Redis: each test counts
    # under its own prefix, so tests (and parallel workers) never use up each other's allowance.
    settings.LIMITS_KEY_PREFIX = f"limits-test-{uuid.uuid4().hex}"


@dataclass
class Cast:
    noord: Neighbourhood
    zuid: Neighbourhood
    author: User  # resident of Noord who placed `ad`
    responder: User  # resident of Noord in a conversation on `ad`
    neighbour: User  # resident of Noord, not in any conversation
    outsider: User  # resident of Zuid
    worker: User  # neighbourhood worker of Noord
    other_worker: User  # neighbourhood worker of Zuid
    partner_staff: User  # staff of a partner covering Noord
    coordinator: User  # of the whole region (Utrecht with Noord and Zuid, and De Bilt)
    other_coordinator: User  # of De Bilt only: Noord and Zuid are outside their scope
    ad: Ad  # an open request in Noord
    conversation: Conversation  # between author and responder on `ad`
    zuid_ad: Ad  # an open request in Zuid


@pytest.fixture
def cast(db) -> Cast:
    noord = factories.NeighbourhoodFactory(slug="noord", name="Noord")
    zuid = factories.NeighbourhoodFactory(slug="zuid", name="Zuid")
    author = factories.UserFactory(neighbourhood=noord, display_name="Anna")
    responder = factories.UserFactory(neighbourhood=noord, display_name="Bram")
    neighbour = factories.UserFactory(neighbourhood=noord, display_name="Noor")
    outsider = factories.UserFactory(neighbourhood=zuid, display_name="Cor")
    worker = factories.WorkerAssignmentFactory(neighbourhood=noord, user__display_name="Wout").user
    other_worker = factories.WorkerAssignmentFactory(neighbourhood=zuid, user__display_name="Zeno").user
    partner = factories.PartnerFactory()  # covers nothing yet: tests that route give it pairs
    partner_staff = factories.UserFactory(neighbourhood=None, partner=partner, display_name="Pia")
    coordinator = factories.coordinator(display_name="Coco")  # of the whole (test) region
    debilt = factories.MunicipalityFactory(slug="de-bilt", name="De Bilt")
    other_coordinator = factories.coordinator(municipality=debilt, display_name="Dieuwke")
    ad = factories.AdFactory(author=author, title="Boodschappen op dinsdag")
    conversation = factories.ConversationFactory(ad=ad, responder=responder)
    factories.ReplyFactory(conversation=conversation, author=responder)
    zuid_ad = factories.AdFactory(author=outsider, title="Hulp in Zuid")
    return Cast(
        noord,
        zuid,
        author,
        responder,
        neighbour,
        outsider,
        worker,
        other_worker,
        partner_staff,
        coordinator,
        other_coordinator,
        ad,
        conversation,
        zuid_ad,
    )


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def client_for(user: User | None = None) -> Client:
    """A page client that reads English (tests assert on the English texts; the Dutch
    translation is added later), logged in as `user` when one is given."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def api_as(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
