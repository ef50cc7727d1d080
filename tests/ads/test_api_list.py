"""GET /api/v1/ads/: keyset pages, filters, search, and what it costs the database."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Neighbourhood, User
from accounts.services import api_token_for
from ads import selectors
from ads.models import Ad
from ads.serializers import AdListItemSerializer
from bench import seed
from tests import factories
from tests.conftest import api_as

LIST = reverse("api-ads")


def _ads(author, count: int, **fields) -> list[Ad]:
    """Ads a minute apart, newest last; every third pair shares a timestamp to test the id tie-break."""
    start = timezone.now() - timedelta(days=1)
    return [
        factories.AdFactory(author=author, created_at=start + timedelta(minutes=i - i % 3), **fields)
        for i in range(count)
    ]


def _walk(client, **params) -> list[list[int]]:
    """Follows `next` as a client does: the link carries the cursor and the filters."""
    pages, body = [], client.get(LIST, params).json()
    while True:
        pages.append([item["id"] for item in body["results"]])
        if body["next"] is None:
            return pages
        assert body["next"].startswith(f"http://testserver{LIST}?")
        body = client.get(body["next"]).json()


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_cursor_walks_every_ad_once_newest_first(cast):
    _ads(cast.author, 30)
    expected = list(
        Ad.objects.filter(neighbourhood=cast.noord).order_by("-created_at", "-id").values_list("id", flat=True)
    )

    pages = _walk(api_as(cast.neighbour), page_size=7)

    flat = [ad_id for page in pages for ad_id in page]
    assert flat == expected
    assert len(flat) == len(set(flat)) == 31
    assert [len(page) for page in pages] == [7, 7, 7, 7, 3]


def test_the_last_full_page_has_no_next(cast):
    _ads(cast.author, 19)  # 20 with cast.ad: exactly one default page
    body = api_as(cast.neighbour).get(LIST).json()
    assert len(body["results"]) == 20
    assert body["next"] is None


def test_default_and_largest_page_size(cast, settings):
    _ads(cast.author, 25)
    client = api_as(cast.neighbour)
    assert len(_ids(client.get(LIST))) == 20
    assert len(_ids(client.get(LIST, {"page_size": settings.API_MAX_PAGE_SIZE}))) == 26


def test_an_item_has_exactly_the_documented_fields(cast):
    response = api_as(cast.neighbour).get(LIST)

    assert response["Content-Type"] == "application/json"
    item = response.json()["results"][0]
    assert set(item) == set(AdListItemSerializer().fields)
    assert item["id"] == cast.ad.pk
    assert (item["category"], item["neighbourhood"], item["kind"]) == ("boodschappen", "noord", "request")
    assert item["created_at"].endswith("Z")
    detail = api_as(cast.neighbour).get(reverse("api-ad", args=[cast.ad.pk])).json()
    assert all(item[name] == detail[name] for name in item)


def test_hidden_and_pending_ads_are_not_listed(cast):
    hidden = factories.AdFactory(author=cast.author, moderation=Ad.Moderation.HIDDEN)
    pending = factories.AdFactory(author=cast.author, moderation=Ad.Moderation.PENDING)
    for user in (cast.author, cast.neighbour, cast.worker):
        ids = _ids(api_as(user).get(LIST))
        assert cast.ad.pk in ids
        assert hidden.pk not in ids
        assert pending.pk not in ids


@pytest.mark.parametrize(
    ("params", "matches"),
    [
        ({"kind": "offer"}, {"offer"}),
        ({"kind": "request"}, {"request", "matched", "tuin", "ad"}),
        ({"category": "tuin"}, {"tuin"}),
        ({"status": "matched"}, {"matched"}),
        ({"status": "open", "kind": "request", "category": "boodschappen"}, {"request", "ad"}),
        (
            {"kind": "", "category": "", "status": "", "q": "", "cursor": ""},
            {"offer", "request", "matched", "tuin", "ad"},
        ),
    ],
)
def test_filters(cast, params, matches):
    ads = {
        "ad": cast.ad,
        "offer": factories.AdFactory(author=cast.neighbour, kind=Ad.Kind.OFFER),
        "request": factories.AdFactory(author=cast.neighbour),
        "matched": factories.AdFactory(author=cast.neighbour, status=Ad.Status.MATCHED),
        "tuin": factories.AdFactory(author=cast.neighbour, category=factories.category("tuin")),
    }
    ids = set(_ids(api_as(cast.responder).get(LIST, params)))
    assert ids == {ads[name].pk for name in matches}


def test_a_worker_of_two_neighbourhoods_filters_by_neighbourhood(cast):
    factories.WorkerAssignmentFactory(user=cast.worker, neighbourhood=cast.zuid)
    client = api_as(cast.worker)

    assert set(_ids(client.get(LIST))) == {cast.ad.pk, cast.zuid_ad.pk}
    assert _ids(client.get(LIST, {"neighbourhood": "zuid"})) == [cast.zuid_ad.pk]
    assert _ids(client.get(LIST, {"neighbourhood": "noord"})) == [cast.ad.pk]


def test_a_foreign_neighbourhood_gets_the_same_400_as_an_unknown_one(cast):
    client = api_as(cast.author)

    foreign = client.get(LIST, {"neighbourhood": "zuid"})
    unknown = client.get(LIST, {"neighbourhood": "nergens"})

    assert foreign.status_code == unknown.status_code == 400
    assert foreign.content == unknown.content
    assert list(foreign.json()) == ["neighbourhood"]


def test_partner_staff_without_a_neighbourhood_get_an_empty_list(cast):
    assert api_as(cast.partner_staff).get(LIST).json() == {"results": [], "next": None}


@pytest.mark.parametrize("q", ["fiets", "FIETS", "repareren", "fiets repareren"])
def test_search_finds_words_in_title_and_description(cast, q):
    bike = factories.AdFactory(author=cast.neighbour, title="Fiets maken", description="Wie kan mijn fiets repareren?")
    factories.AdFactory(author=cast.neighbour, title="Hond uitlaten", description="Elke ochtend een rondje.")

    assert _ids(api_as(cast.author).get(LIST, {"q": q})) == [bike.pk]


def test_search_stays_in_the_callers_neighbourhoods(cast):
    factories.AdFactory(author=cast.outsider, title="Fiets maken in Zuid")
    assert _ids(api_as(cast.author).get(LIST, {"q": "fiets"})) == []
    noord = factories.AdFactory(author=cast.neighbour, title="Fiets maken in Noord")
    assert _ids(api_as(cast.author).get(LIST, {"q": "fiets"})) == [noord.pk]


@pytest.mark.parametrize("q", ['"open quote', "a & | ! ( :*", "'; DROP TABLE ads_ad; --", "ü ✓ 漢字", "-"])
def test_odd_search_text_is_a_query_not_an_error(cast, q):
    assert api_as(cast.author).get(LIST, {"q": q}).status_code == 200


@pytest.mark.postgres
def test_search_uses_the_stored_vector_on_postgresql(cast):
    ad = factories.AdFactory(author=cast.neighbour, title="Fietsen", description="Twee fietsen repareren")
    ad.refresh_from_db()
    assert "fiets" in ad.search_vector  # the trigger of migration 0002 filled it
    client = api_as(cast.author)
    assert _ids(client.get(LIST, {"q": "fietsen"})) == [ad.pk]
    assert _ids(client.get(LIST, {"q": "fietsen -repareren"})) == []  # web search syntax


def _count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "filters",
    [{}, {"category": "boodschappen", "status": "open"}, {"neighbourhood": "noord", "kind": "request", "q": "hulp"}],
)
@pytest.mark.parametrize("persona", ["neighbour", "worker"])
def test_the_list_runs_the_same_number_of_queries_at_any_page_size(cast, filters, persona):
    _ads(cast.author, 60, description="Hulp bij boodschappen")
    client = api_as(None)
    # Token authentication loads a fresh user each request, so nothing is cached between the two calls.
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=getattr(cast, persona))}")

    small = _count_queries(client, {**filters, "page_size": 1})
    large = _count_queries(client, {**filters, "page_size": 50})

    # On PostgreSQL: the token with its user and roles, then the page (with the
    # neighbourhood's slug looked up inside it); the category filter checks its slug first.
    # Elsewhere the roles are one query more.
    expected = 2 + ("category" in filters) + (connection.vendor != "postgresql")
    assert small == large == expected
    assert len(_ids(client.get(LIST, {**filters, "page_size": 50}))) == 50


def test_an_empty_page_of_a_neighbourhood_of_ones_own_is_not_an_error(cast):
    response = api_as(cast.author).get(LIST, {"neighbourhood": "noord", "q": "nergens-te-vinden"})
    assert response.status_code == 200
    assert response.json() == {"results": [], "next": None}


def _plan(user, cursor: str | None = None, neighbourhood: str = "", **filters) -> str:
    """EXPLAIN of the very statement the list API runs."""
    sql, params = selectors.ad_list_sql(
        user=user, neighbourhood=neighbourhood, filters=selectors.BoardFilters(**filters), cursor=cursor, size=20
    )
    with connection.cursor() as cursor_:
        cursor_.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor_.fetchall())


SEEDED_ADS = 4_000


@pytest.fixture
def seeded_board(db):
    """A few thousand ads with realistic text over three neighbourhoods, created in bulk
    by the benchmarks' seeder and ANALYZEd, so the planner chooses as on a real board.
    Returns a resident of bench-1 (about a third of the ads)."""
    seed.seed(ads=SEEDED_ADS, neighbourhoods=3)
    return User.objects.get(pk=seed.ensure_bench_user())


@pytest.mark.postgres
@pytest.mark.parametrize("neighbourhood", ["", "bench-1"])
def test_the_list_query_is_served_by_the_board_index(seeded_board, neighbourhood):
    plan = _plan(seeded_board, neighbourhood=neighbourhood)
    assert "Index Scan using ad_board_idx" in plan, plan
    assert "Sort" not in plan  # the index gives the keyset order


@pytest.mark.postgres
def test_the_status_filter_is_served_by_the_status_index(seeded_board):
    plan = _plan(seeded_board, status=Ad.Status.OPEN)
    assert "Index Scan using ad_board_status_idx" in plan, plan


@pytest.mark.postgres
def test_a_later_page_starts_the_index_scan_at_the_cursor(seeded_board):
    cursor = selectors.cursor_encode(timezone.now() - timedelta(days=90), 10**9)
    plan = _plan(seeded_board, cursor=cursor, neighbourhood="bench-1")
    assert "Index Scan using ad_board_idx" in plan, plan
    # The scan starts at the cursor instead of filtering every newer row.
    index_cond = next(line for line in plan.splitlines() if "Index Cond" in line and "neighbourhood_id" in line)
    assert "created_at <=" in index_cond


@pytest.mark.postgres
def test_a_search_for_a_rare_word_is_served_by_the_search_index(seeded_board):
    plan = _plan(seeded_board, neighbourhood="bench-1", q="zwembad")
    assert "Bitmap Index Scan on ad_search_idx" in plan, plan
    assert "Seq Scan on ads_ad" not in plan


@pytest.mark.postgres
def test_a_search_for_a_common_word_is_served_by_an_index(seeded_board):
    # One ad in 33 is about a bike. On a board this small the planner combines both
    # indexes, or reads the neighbourhood's rows through its foreign-key index and
    # filters them (the seeded text is random, so either happens); on a large one it
    # walks ad_board_idx, newest first (bench/README.md). Never the whole table.
    plan = _plan(seeded_board, neighbourhood="bench-1", q="fiets")
    indexes = ("ad_search_idx", "Index Scan using ad_board_idx", "Bitmap Index Scan on ads_ad_neighbourhood_id")
    assert any(index in plan for index in indexes), plan
    assert "Seq Scan on ads_ad" not in plan


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("persona", "neighbourhood", "filters"),
    [
        ("resident", "", {}),
        ("resident", "bench-1", {"kind": "offer", "status": "open"}),
        ("resident", "bench-1", {"category": "tuin", "q": "heg snoeien"}),
        ("resident", "bench-2", {}),  # not theirs: nothing
        ("worker", "", {"q": "fiets"}),
        ("worker", "bench-3", {"status": "matched"}),
    ],
)
@pytest.mark.parametrize("deep", [False, True])
def test_the_hand_written_list_query_returns_what_the_orm_one_does(
    seeded_board, persona, neighbourhood, filters, deep
):
    user = seeded_board
    if persona == "worker":
        user = factories.WorkerAssignmentFactory(neighbourhood=Neighbourhood.objects.get(slug="bench-3")).user
        user.neighbourhood = Neighbourhood.objects.get(slug="bench-1")
        user.save()
    args = {"user": user, "neighbourhood": neighbourhood, "filters": selectors.BoardFilters(**filters), "size": 25}
    first = list(selectors._ad_list_values(**args, cursor=None))
    cursor = selectors.cursor_encode(first[12]["created_at"], first[12]["id"]) if deep and first else None

    expected = list(selectors._ad_list_values(**args, cursor=cursor))
    rows = selectors.ad_list_rows(**args, cursor=cursor)

    assert rows == expected
    assert len(rows) == (0 if neighbourhood == "bench-2" else 26)
