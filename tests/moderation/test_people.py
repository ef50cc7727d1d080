"""Workers' decisions on people: warn, suspend for a period, reinstate, "known to"."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, User
from ads.moderation.services import suspensions_end
from notifications.models import Notification
from tests import factories
from tests.conftest import api_as
from tests.moderation.conftest import decide_user


def test_warning_reaches_the_resident_with_the_reason(cast):
    response = decide_user(cast.worker, cast.author, "warn", reason="Wees vriendelijk.")
    assert response.status_code == 200
    [note] = Notification.objects.filter(recipient=cast.author, kind="moderation.warn")
    assert note.params["reason"] == "Wees vriendelijk."
    assert AuditEntry.objects.get(action="user.warn").subject == cast.author


def test_warning_needs_a_reason(cast):
    assert decide_user(cast.worker, cast.author, "warn", reason="").status_code == 400
    assert not Notification.objects.filter(kind="moderation.warn").exists()


def test_suspended_user_cannot_log_in_use_the_api_or_keep_a_session(cast):
    token = (
        api_as(None)
        .post(reverse("api-token"), {"email": cast.author.email, "password": factories.PASSWORD}, format="json")
        .json()["token"]
    )
    session = Client()
    session.force_login(cast.author)
    response = decide_user(cast.worker, cast.author, "suspend", reason="Spam.", days=7)
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    cast.author.refresh_from_db()
    assert cast.author.suspended_until > timezone.now() + timedelta(days=6)
    assert not Client().login(email=cast.author.email, password=factories.PASSWORD)
    token_client = api_as(None)
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert token_client.get(reverse("api-ads")).status_code == 401
    assert session.get(reverse("ads:create")).status_code == 302  # back to the login page
    assert Notification.objects.filter(recipient=cast.author, kind="moderation.suspend").exists()
    assert AuditEntry.objects.get(action="user.suspend").detail["until"]


def test_suspension_needs_days_in_range(cast):
    for days in (None, 0, 400):
        body = {"reason": "Spam."} | ({"days": days} if days is not None else {})
        assert decide_user(cast.worker, cast.author, "suspend", **body).status_code == 400
    cast.author.refresh_from_db()
    assert cast.author.is_active


def test_reinstate_lets_the_user_back_in(cast):
    decide_user(cast.worker, cast.author, "suspend", reason="Spam.", days=3)
    response = decide_user(cast.worker, cast.author, "reinstate")
    assert response.json()["is_active"] is True
    assert Client().login(email=cast.author.email, password=factories.PASSWORD)
    assert decide_user(cast.worker, cast.author, "reinstate").status_code == 400  # not suspended now


def test_suspension_ends_by_itself_after_the_period(cast):
    decide_user(cast.worker, cast.author, "suspend", reason="Spam.", days=2)
    now = timezone.now()
    assert suspensions_end(now=now + timedelta(days=1)) == 0
    assert not User.objects.get(pk=cast.author.pk).is_active
    assert suspensions_end(now=now + timedelta(days=2, minutes=1)) == 1
    author = User.objects.get(pk=cast.author.pk)
    assert author.is_active and author.suspended_until is None
    assert suspensions_end(now=now + timedelta(days=3)) == 0
    assert AuditEntry.objects.get(action="user.suspension_ended").actor is None


def test_a_deactivated_account_is_not_reactivated_by_the_job(cast):
    User.objects.filter(pk=cast.neighbour.pk).update(is_active=False)
    assert suspensions_end(now=timezone.now() + timedelta(days=400)) == 0
    assert not User.objects.get(pk=cast.neighbour.pk).is_active


@pytest.mark.parametrize(
    ("persona", "target", "status"),
    [
        ("other_worker", "author", 404),  # lives in Noord: not Zeno's
        ("worker", "outsider", 404),  # lives in Zuid
        ("author", "neighbour", 403),
        ("partner_staff", "author", 403),
        ("coordinator", "author", 403),
        ("worker", "worker", 404),  # a worker without a home in Noord
    ],
)
def test_people_decisions_stay_in_the_workers_area(cast, persona, target, status):
    response = decide_user(getattr(cast, persona), getattr(cast, target), "suspend", reason="x", days=1)
    assert response.status_code == status
    assert User.objects.get(pk=getattr(cast, target).pk).is_active


def test_foreign_person_answers_like_a_missing_one(cast):
    foreign = api_as(cast.other_worker).get(reverse("api-moderation-user", args=[cast.author.pk]))
    missing = api_as(cast.other_worker).get(reverse("api-moderation-user", args=[999999]))
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json()) == (404, missing.json())


def test_staff_living_in_the_neighbourhood_cannot_be_suspended(cast):
    colleague = factories.WorkerAssignmentFactory(neighbourhood=cast.noord, user__neighbourhood=cast.noord).user
    assert decide_user(cast.worker, colleague, "suspend", reason="x", days=1).status_code == 403
    assert User.objects.get(pk=colleague.pk).is_active


def test_known_badge_is_set_with_the_workers_organisation_and_shown(cast, client):
    cast.worker.worker_assignments.update(organisation="Welzijn Utrecht")
    response = decide_user(cast.worker, cast.author, "known")
    assert response.json()["known_to"] == "Welzijn Utrecht"
    client.force_login(cast.neighbour)
    page = client.get(reverse("ads:detail", args=[cast.ad.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Known to Welzijn Utrecht" in page.text
    assert decide_user(cast.worker, cast.author, "unknown").json()["known_to"] == ""
    assert list(AuditEntry.objects.filter(subject=cast.author).values_list("action", flat=True)) == [
        "user.unknown",
        "user.known",
    ]


def test_known_badge_needs_the_workers_organisation(cast):
    assert decide_user(cast.worker, cast.author, "known").status_code == 400
    assert User.objects.get(pk=cast.author.pk).known_to == ""


def test_resident_page_for_workers(cast, client):
    client.force_login(cast.worker)
    url = reverse("moderation:resident", args=[cast.author.pk])
    assert cast.author.display_name in client.get(url).text
    response = client.post(url, {"action": "suspend", "reason": "Spam.", "days": "2"})
    assert response.status_code == 302
    assert not User.objects.get(pk=cast.author.pk).is_active
    bad = client.post(url, {"action": "warn", "reason": ""})
    assert bad.status_code == 400


@pytest.mark.parametrize(("persona", "status"), [("other_worker", 404), ("neighbour", 403)])
def test_resident_page_refuses_others(cast, client, persona, status):
    client.force_login(getattr(cast, persona))
    assert client.get(reverse("moderation:resident", args=[cast.author.pk])).status_code == status
