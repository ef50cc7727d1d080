"""The notifications API: since a cursor with the unread count, mark read, mark all read,
the preference; only ever one's own."""

import pytest
from django.urls import reverse

from ads.models import Ad
from notifications.models import Notification, Preference
from notifications.services import Target, notify
from tests.conftest import api_as

LIST = "/api/v1/notifications/"


def note_for(user, key: str) -> Notification:
    target = Target(type="ad", id=7, url="/advertenties/7/")
    return notify(recipient_id=user.pk, kind="ad.match", target=target, params={"title": key}, dedupe_key=key)


def test_the_paths_are_the_public_contract():
    assert reverse("api-notifications") == LIST
    assert reverse("api-notification-read", args=[5]) == "/api/v1/notifications/5/read/"
    assert reverse("api-notifications-read-all") == "/api/v1/notifications/read-all/"
    assert reverse("api-ad-renew", args=[5]) == "/api/v1/ads/5/renew/"


def test_since_returns_only_later_ones_oldest_first_with_the_unread_count(cast):
    first, second, third = (note_for(cast.author, k) for k in ("a", "b", "c"))
    note_for(cast.neighbour, "d")
    Notification.objects.filter(pk=first.pk).update(read_at=first.created_at)
    data = api_as(cast.author).get(LIST, {"since": first.pk}).json()
    assert [n["id"] for n in data["results"]] == [second.pk, third.pk]
    assert (data["next"], data["unread"]) == (None, 2)
    assert set(data) == {"results", "next", "unread"}
    item = data["results"][0]
    assert item["kind"] == "ad.match" and item["target"] == {"type": "ad", "id": 7, "url": "/advertenties/7/"}
    assert item["read_at"] is None and "b" in item["message"]
    empty = api_as(cast.author).get(LIST, {"since": third.pk}).json()
    assert (empty["results"], empty["next"], empty["unread"]) == ([], None, 2)
    everything = api_as(cast.author).get(LIST).json()
    assert [n["id"] for n in everything["results"]] == [first.pk, second.pk, third.pk]


def test_a_long_list_comes_in_pages_with_next(cast, monkeypatch):
    from notifications import selectors

    monkeypatch.setattr(selectors, "API_BATCH", 2)
    notes = [note_for(cast.author, k) for k in "abcde"]
    client = api_as(cast.author)
    page = client.get(LIST).json()
    assert [n["id"] for n in page["results"]] == [notes[0].pk, notes[1].pk]
    assert page["next"] == f"http://testserver{LIST}?since={notes[1].pk}"
    rest = client.get(page["next"]).json()
    assert [n["id"] for n in rest["results"]] == [notes[2].pk, notes[3].pk] and rest["next"]


def test_unread_count_for_the_badge(cast):
    note_for(cast.author, "a")
    assert api_as(cast.author).get(LIST + "unread-count/").json() == {"unread": 1}
    assert api_as(cast.neighbour).get(LIST + "unread-count/").json() == {"unread": 0}


@pytest.mark.parametrize("since", ["abc", "-1", "1.5", str(2**63)])
def test_a_bad_cursor_is_a_400(cast, since):
    response = api_as(cast.author).get(LIST, {"since": since})
    assert response.status_code == 400 and "since" in response.json()


def test_an_unknown_filter_is_a_400(cast):
    assert api_as(cast.author).get(LIST, {"sinse": 3}).status_code == 400


@pytest.mark.parametrize(
    "method, path",
    [("get", LIST), ("get", LIST + "unread-count/"), ("post", LIST + "1/read/"), ("post", LIST + "read-all/")],
)
def test_anonymous_is_refused(cast, method, path):
    assert getattr(api_as(None), method)(path).status_code in (401, 403)


def test_mark_read(cast):
    note = note_for(cast.author, "a")
    response = api_as(cast.author).post(f"{LIST}{note.pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert Notification.objects.get(pk=note.pk).read_at is not None


@pytest.mark.parametrize("who", ["neighbour", "outsider", "worker", "coordinator"])
def test_someone_elses_id_is_404_like_a_missing_one(cast, who):
    note = note_for(cast.author, "a")
    theirs = api_as(getattr(cast, who)).post(f"{LIST}{note.pk}/read/")
    missing = api_as(getattr(cast, who)).post(f"{LIST}999999/read/")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_mark_all_read_touches_only_mine(cast):
    note_for(cast.author, "a")
    note_for(cast.author, "b")
    theirs = note_for(cast.neighbour, "c")
    response = api_as(cast.author).post(LIST + "read-all/")
    assert response.json() == {"unread": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_preference_over_the_api(cast):
    client = api_as(cast.author)
    assert client.get(LIST + "preference/").json() == {"email": "instant"}
    assert client.put(LIST + "preference/", {"email": "off"}, format="json").json() == {"email": "off"}
    assert Preference.objects.get(user=cast.author).email == "off"


@pytest.mark.parametrize("body", [{"email": "weekly"}, {}, {"email": "off", "extra": 1}])
def test_a_bad_preference_is_a_400_and_changes_nothing(cast, body):
    response = api_as(cast.author).put(LIST + "preference/", body, format="json")
    assert response.status_code == 400
    assert not Preference.objects.filter(user=cast.author).exists()


def test_renew_over_the_api(cast):
    url = f"/api/v1/ads/{cast.ad.pk}/renew/"
    before = cast.ad.expires_at
    assert api_as(cast.outsider).post(url).status_code == 404
    assert api_as(cast.responder).post(url).status_code == 403
    response = api_as(cast.author).post(url)
    assert response.status_code == 200
    cast.ad.refresh_from_db()
    assert cast.ad.expires_at > before
    Ad.objects.filter(pk=cast.ad.pk).update(status=Ad.Status.EXPIRED)
    assert api_as(cast.author).post(url).status_code == 400


def test_the_browsable_apis_format_parameter_is_not_an_unknown_filter(cast):
    assert api_as(cast.author).get(LIST, {"format": "json", "since": 0}).status_code == 200


@pytest.mark.parametrize("pk", ["99999999999999999999", "0"])
def test_an_impossible_id_is_a_404(cast, pk):
    assert api_as(cast.author).post(f"{LIST}{pk}/read/").status_code == 404
