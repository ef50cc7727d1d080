"""Moderation fixtures on top of the shared cast: more neighbours to report with, a
reported reply, and a newcomer."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from ads.models import Ad, Reply
from tests import factories
from tests.conftest import Cast, api_as


def noord_residents(cast: Cast, count: int) -> list[User]:
    return [factories.UserFactory(neighbourhood=cast.noord) for _ in range(count)]


def report_ad(user: User, ad: Ad, reason: str = "spam", **extra):
    url = reverse("api-ad-reports", args=[ad.pk])
    return api_as(user).post(url, {"reason": reason, **extra}, format="json", HTTP_ACCEPT_LANGUAGE="en")


def report_reply(user: User, reply: Reply, reason: str = "inappropriate", **extra):
    url = reverse("api-reply-reports", args=[reply.pk])
    return api_as(user).post(url, {"reason": reason, **extra}, format="json")


def decide_ad(user: User, ad: Ad, action: str, reason: str = "Checked by the worker."):
    url = reverse("api-moderation-ad-decisions", args=[ad.pk])
    return api_as(user).post(url, {"action": action, "reason": reason}, format="json")


def decide_user(user: User, person: User, action: str, **body):
    url = reverse("api-moderation-user-decisions", args=[person.pk])
    return api_as(user).post(url, {"action": action, **body}, format="json")


def hide_by_reports(cast: Cast, ad: Ad) -> list[User]:
    reporters = noord_residents(cast, 3)
    for reporter in reporters:
        assert report_ad(reporter, ad).status_code == 201
    return reporters


@pytest.fixture
def reply(cast: Cast) -> Reply:
    """The responder's reply in the cast's conversation."""
    return cast.conversation.replies.get()


@pytest.fixture
def newcomer(cast: Cast) -> User:
    """A resident of Noord who joined an hour ago (and reads English, as the assertions do)."""
    return factories.UserFactory(
        neighbourhood=cast.noord, date_joined=timezone.now() - timedelta(hours=1), language="en"
    )
