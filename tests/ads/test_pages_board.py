"""The start page and the neighbourhood board, for every persona."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Neighbourhood
from ads import selectors
from ads.models import Ad
from ads.selectors import cursor_encode
from bench import seed
from tests import factories
from tests.conftest import client_for


def board_url(slug="noord") -> str:
    return reverse("ads:board", args=[slug])


# ---- home ----


def test_anonymous_home_is_a_landing_page_with_sign_up_and_log_in(db):
    response = client_for().get(reverse("home"))
    assert response.status_code == 200
    assert reverse("accounts:signup") in response.text
    assert reverse("accounts:login") in response.text


def test_resident_home_redirects_to_their_board(cast):
    response = client_for(cast.author).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == board_url("noord")


def test_worker_home_redirects_to_the_board_they_work_in(cast):
    response = client_for(cast.worker).get(reverse("home"))
    assert response["Location"] == board_url("noord")


def test_partner_staff_home_says_there_is_no_board(cast):
    response = client_for(cast.partner_staff).get(reverse("home"))
    assert response.status_code == 200
    assert "You have no neighbourhood board" in response.text


# ---- who sees the board ----


@pytest.mark.parametrize("persona", ["author", "responder", "neighbour", "worker"])
def test_members_of_noord_see_its_board(cast, persona):
    response = client_for(getattr(cast, persona)).get(board_url())
    assert response.status_code == 200
    assert cast.ad.title in response.text
    assert cast.zuid_ad.title not in response.text


@pytest.mark.parametrize("persona", ["outsider", "other_worker", "partner_staff", "coordinator"])
def test_others_get_404_for_noords_board_like_an_unknown_slug(cast, persona):
    client = client_for(getattr(cast, persona))
    response = client.get(board_url())
    unknown = client.get(board_url("bestaat-niet"))
    assert response.status_code == unknown.status_code == 404
    assert "Noord" not in response.text


def test_anonymous_board_redirects_to_login(cast):
    response = client_for().get(board_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# ---- what a card shows ----


def test_board_card_shows_kind_category_status_summary_age_and_urgency(cast):
    factories.AdFactory(
        author=cast.neighbour, title="Vandaag nog", urgency=Ad.Urgency.TODAY, description="Kort " + "x" * 400
    )
    text = client_for(cast.neighbour).get(board_url()).text
    assert "Vandaag nog" in text
    assert "Request for help" in text
    assert "Groceries" in text
    assert re.search(r"Status:\s*<span data-slot=\"label\">Open</span>", text)
    assert "Needed today" in text
    assert "Placed" in text and "ago" in text
    assert "x" * 400 not in text
    assert "Kort " + "x" * 100 in text


def test_board_never_shows_an_address_or_email(cast):
    cast.author.street = "Dorpsstraat 12"
    cast.author.postcode = "1234 AB"
    cast.author.save()
    response = client_for(cast.neighbour).get(board_url())
    assert response.status_code == 200
    text = response.text
    assert cast.ad.title in text  # the author's ad is on the board, without where they live
    assert "Dorpsstraat" not in text
    assert "1234 AB" not in text
    assert cast.author.email not in text


def test_board_escapes_script_in_titles(cast):
    factories.AdFactory(author=cast.author, title="<script>alert(1)</script>", description="<b>vet</b>")
    text = client_for(cast.neighbour).get(board_url()).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>vet</b>" not in text


def test_board_hides_hidden_and_pending_ads_from_neighbours(cast):
    factories.AdFactory(author=cast.author, title="Verborgen", moderation=Ad.Moderation.HIDDEN)
    factories.AdFactory(author=cast.author, title="Wacht nog", moderation=Ad.Moderation.PENDING)
    factories.AdFactory(author=cast.author, title="Zichtbaar")
    response = client_for(cast.neighbour).get(board_url())
    assert response.status_code == 200
    text = response.text
    assert "Zichtbaar" in text and cast.ad.title in text
    assert "Verborgen" not in text
    assert "Wacht nog" not in text


def test_empty_board_invites_to_place_the_first_ad(db):
    resident = factories.UserFactory(neighbourhood=factories.NeighbourhoodFactory(slug="leeg"))
    response = client_for(resident).get(board_url("leeg"))
    assert response.status_code == 200
    assert "No ads yet. Place the first one!" in response.text
    assert reverse("ads:create") in response.text


# ---- filters ----


@pytest.fixture
def mixed_ads(cast):
    factories.AdFactory(
        author=cast.neighbour, kind=Ad.Kind.OFFER, title="Ik help met de tuin", category=factories.category("tuin")
    )
    factories.AdFactory(author=cast.neighbour, title="Al klaar", status=Ad.Status.DONE)
    return cast


def test_board_shows_open_ads_by_default(mixed_ads):
    text = client_for(mixed_ads.neighbour).get(board_url()).text
    assert "Ik help met de tuin" in text
    assert "Al klaar" not in text


def test_board_status_all_shows_closed_ads_too(mixed_ads):
    text = client_for(mixed_ads.neighbour).get(board_url(), {"status": "all"}).text
    assert "Al klaar" in text
    assert "Ik help met de tuin" in text


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"kind": "offer"}, "Ik help met de tuin", "Boodschappen op dinsdag"),
        ({"kind": "request"}, "Boodschappen op dinsdag", "Ik help met de tuin"),
        ({"category": "tuin"}, "Ik help met de tuin", "Boodschappen op dinsdag"),
        ({"status": "done"}, "Al klaar", "Ik help met de tuin"),
        ({"q": "tuin"}, "Ik help met de tuin", "Boodschappen op dinsdag"),
    ],
)
def test_board_filters(mixed_ads, params, shown, hidden):
    response = client_for(mixed_ads.neighbour).get(board_url(), params)
    assert response.status_code == 200
    assert shown in response.text
    assert hidden not in response.text


def test_board_with_filters_that_match_nothing_says_so(mixed_ads):
    response = client_for(mixed_ads.neighbour).get(board_url(), {"q": "olifant"})
    assert response.status_code == 200
    assert "No ads match what you are looking for." in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "gift"},
        {"category": "bestaat-niet"},
        {"status": "deleted"},
        {"q": "x" * 500},
        {"kind": ["offer", "<script>"]},
    ],
)
def test_invalid_filters_reshow_the_board_with_a_message(mixed_ads, params):
    response = client_for(mixed_ads.neighbour).get(board_url(), params)
    assert response.status_code == 400
    assert "One of the filters is not valid" in response.text
    assert "Boodschappen op dinsdag" in response.text or "Ik help met de tuin" in response.text
    assert "<script>" not in response.text


# ---- keyset pages ----


@pytest.fixture
def many_ads(cast):
    factories.AdFactory.create_batch(59, author=cast.neighbour)
    return cast


def test_next_page_link_carries_the_cursor_and_filters(many_ads, settings):
    settings.BOARD_PAGE_SIZE = 25
    client = client_for(many_ads.neighbour)
    seen: set[str] = set()
    url = board_url() + "?kind=request"
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200
        items = set(response.context["page"].items)
        assert not items & seen
        seen |= items
        if not response.context["page"].next_cursor:
            break
        url = board_url() + "?kind=request&cursor=" + response.context["page"].next_cursor
        assert "cursor=" in response.text and "kind=request" in response.text
    assert len(seen) == 60


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%%%",
        "MjAyNA",
        "Y3Vyc29y",
        "MjAyNC0wMS0wMVQwMDowMDowMHw1",  # a naive datetime
        "MjAyNC0wMS0wMVQwMDowMDowMCswMDowMHx4",
    ],  # a pk that is not a number
)
def test_invalid_cursor_gives_a_clear_400(cast, cursor):
    response = client_for(cast.neighbour).get(board_url(), {"cursor": cursor})
    assert response.status_code == 400
    assert "This page link is not valid." in response.text


def test_cursor_with_a_huge_id_is_not_a_500(cast):
    from datetime import UTC, datetime

    cursor = cursor_encode(datetime(2024, 1, 1, tzinfo=UTC), 10**30)
    response = client_for(cast.neighbour).get(board_url(), {"cursor": cursor})
    assert response.status_code in (200, 400)


def test_board_runs_the_same_number_of_queries_at_page_size_1_and_50(many_ads, settings):
    client = client_for(many_ads.neighbour)
    counts = []
    for size in (1, 50):
        settings.BOARD_PAGE_SIZE = size
        client.get(board_url())  # warm up the session and caches alike for both sizes
        with CaptureQueriesContext(connection) as queries:
            response = client.get(board_url(), {"status": "all"})
        assert response.status_code == 200
        assert len(response.context["page"].items) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({"status": Ad.Status.OPEN}, "ad_board_status_idx"),  # what the board shows by default
        ({}, "ad_board_idx"),  # status "all"
        # Few rows match: the planner combines the category's and the neighbourhood's indexes.
        ({"status": Ad.Status.OPEN, "kind": Ad.Kind.REQUEST, "category": "tuin"}, "ads_ad_category_id"),
    ],
)
def test_the_board_query_is_served_by_an_index(db, filters, index):
    # A few thousand ads with realistic text, created in bulk and ANALYZEd, so the planner
    # chooses as on a real board.
    seed.seed(ads=4_000, neighbourhoods=3)
    rows = selectors.board_page_rows(
        neighbourhood=Neighbourhood.objects.get(slug="bench-1"),
        filters=selectors.BoardFilters(**filters),
        cursor=None,
        size=20,
    )

    plan = rows.explain()

    assert re.search(rf"Index Scan (using|on) {index}", plan), plan
    assert "Seq Scan on ads_ad" not in plan
