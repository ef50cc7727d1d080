"""The notifications page, mark read, mark all read, the email preference and the badge."""

import pytest
from django.urls import reverse

from notifications.models import Notification, Preference
from notifications.services import Target, notify
from tests import factories
from tests.conftest import client_for

LIST = "/meldingen/"


def note_for(user, key: str, url: str = "/advertenties/7/", **params) -> Notification:
    params.setdefault("title", f"Hulp {key}")
    target = Target(type="ad", id=7, url=url)
    return notify(recipient_id=user.pk, kind="reply.created", target=target, params=params, dedupe_key=key)


def test_the_urls_are_the_agreed_ones():
    assert reverse("notifications:list") == LIST
    assert reverse("notifications:read", args=[3]).startswith(LIST)
    assert reverse("notifications:read_all").startswith(LIST)


def test_the_list_shows_mine_newest_first_with_unread_marked(cast):
    old, new = note_for(cast.author, "oud"), note_for(cast.author, "nieuw")
    note_for(cast.neighbour, "niet-van-mij")
    Notification.objects.filter(pk=old.pk).update(read_at=new.created_at)
    response = client_for(cast.author).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Hulp nieuw") < html.index("Hulp oud")
    assert "Hulp niet-van-mij" not in html
    assert html.count("notification--unread") == 1
    assert response.context["nav_unread"] == 1


def test_the_list_is_paginated(cast):
    for i in range(25):
        note_for(cast.author, f"n{i:02d}")
    first = client_for(cast.author).get(LIST).content.decode()
    second = client_for(cast.author).get(LIST + "?page=2").content.decode()
    assert "Hulp n24" in first and "Hulp n04" not in first
    assert "Hulp n04" in second and "Hulp n24" not in second
    assert client_for(cast.author).get(LIST + "?page=abc").status_code == 200


def test_anonymous_is_sent_to_login(cast):
    response = client_for().get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_mark_read_redirects_to_the_target(cast):
    note = note_for(cast.author, "a", url="/advertenties/7/#conversation-3")
    response = client_for(cast.author).post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/advertenties/7/#conversation-3"
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_mark_read_never_redirects_off_site(cast):
    note = note_for(cast.author, "a", url="https://evil.example/")
    response = client_for(cast.author).post(reverse("notifications:read", args=[note.pk]))
    assert response["Location"] == LIST


@pytest.mark.parametrize("who", ["neighbour", "outsider", "worker"])
def test_someone_elses_notification_is_404_and_stays_unread(cast, who):
    note = note_for(cast.author, "a")
    response = client_for(getattr(cast, who)).post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 404
    assert client_for(cast.author).post(reverse("notifications:read", args=[999999])).status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_mark_read_needs_post(cast):
    note = note_for(cast.author, "a")
    assert client_for(cast.author).get(reverse("notifications:read", args=[note.pk])).status_code == 405
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_mark_all_read_marks_only_mine(cast):
    for key in "abc":
        note_for(cast.author, key)
    theirs = note_for(cast.neighbour, "d")
    response = client_for(cast.author).post(reverse("notifications:read_all"), follow=True)
    assert response.status_code == 200
    assert response.context["nav_unread"] == 0
    assert not Notification.objects.filter(recipient=cast.author, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_email_preference_is_saved_from_the_page(cast):
    client = client_for(cast.author)
    assert client.get(LIST).context["form"].initial == {"email": "instant"}
    response = client.post(LIST, {"email": "daily"})
    assert response.status_code == 302
    assert Preference.objects.get(user=cast.author).email == "daily"
    assert client.get(LIST).context["form"].initial == {"email": "daily"}


@pytest.mark.parametrize("data", [{"email": "weekly"}, {}])
def test_a_bad_preference_is_refused_and_nothing_changes(cast, data):
    Preference.objects.create(user=cast.author, email="off")
    response = client_for(cast.author).post(LIST, data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert Preference.objects.get(user=cast.author).email == "off"


def test_the_badge_shows_the_unread_count_on_every_page(cast):
    note_for(cast.author, "a")
    note_for(cast.author, "b")
    response = client_for(cast.author).get(reverse("ads:detail", args=[cast.ad.pk]))
    assert response.context["nav_unread"] == 2
    assert "data-live-unread>2</span>" in response.content.decode()
    assert client_for(cast.neighbour).get(LIST).context["nav_unread"] == 0


def test_renew_page_renews_a_running_ad_and_refuses_others(cast):
    url = reverse("ads:renew", args=[cast.ad.pk])
    assert client_for(cast.author).get(url).status_code == 200
    assert client_for(cast.responder).get(url).status_code == 403
    assert client_for(cast.outsider).get(url).status_code == 404
    before = cast.ad.expires_at
    response = client_for(cast.author).post(url)
    assert response.status_code == 302
    cast.ad.refresh_from_db()
    assert cast.ad.expires_at > before
    factories.AdFactory(author=cast.author, status="done")


def test_an_impossible_id_is_a_404_page(cast):
    assert client_for(cast.author).post(f"{LIST}99999999999999999999/gelezen/").status_code == 404
