"""The two baselines of bench/ads_list.py, mounted only by bench.urls: what Django costs
with no work at all, and the list API's page done by hand in one SQL query."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from ads.selectors import cursor_encode

PAGE_SIZE = 20
COLUMNS = (
    "id",
    "kind",
    "category",
    "title",
    "description",
    "neighbourhood",
    "urgency",
    "wanted_on",
    "status",
    "created_at",
    "expires_at",
)
# The same rows, columns and order as GET /api/v1/ads/?neighbourhood=<slug> (one row
# more, to know whether there is a next page), served by the same index ad_board_idx.
PAGE = """
SELECT a.id, a.kind, c.slug, a.title, a.description, n.slug, a.urgency, a.wanted_on, a.status,
       a.created_at, a.expires_at
FROM ads_ad a
JOIN ads_category c ON c.id = a.category_id
JOIN accounts_neighbourhood n ON n.id = a.neighbourhood_id
WHERE a.neighbourhood_id = (SELECT id FROM accounts_neighbourhood WHERE slug = %s) AND a.moderation = 'visible'
ORDER BY a.created_at DESC, a.id DESC
LIMIT %s
"""


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def raw_list(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(PAGE, [request.GET.get("neighbourhood", ""), PAGE_SIZE + 1])
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    last = rows[PAGE_SIZE - 1] if len(rows) > PAGE_SIZE else None
    cursor_next = cursor_encode(last["created_at"], last["id"]) if last else None
    # A link like the list's `next`: the same query with the cursor set.
    query = request.GET.copy()
    query["cursor"] = cursor_next
    next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}") if cursor_next else None
    return JsonResponse({"results": rows[:PAGE_SIZE], "next": next_url})
