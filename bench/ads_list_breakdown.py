"""Where one ads list request spends its time, in process (no HTTP server, no load).

    .venv/bin/python -m bench.ads_list_breakdown

A diagnostic beside bench.ads_list: on the same database (run that first so that it is
seeded), it times whole requests through Django's WSGI handler and then each step of
GET /api/v1/ads/?neighbourhood=bench-1 on its own, as the median of 5 runs of 400 calls.
It calls the list's building blocks by name: update it when they change.
"""

import copy
import io
import statistics
import sys
import time
from collections.abc import Callable

from bench import seed

CALLS = 400
LIST = "/api/v1/ads/?neighbourhood=bench-1"


def timed(label: str, step: Callable[[], object]) -> None:
    for _ in range(50):
        step()
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(CALLS):
            step()
        runs.append((time.perf_counter() - started) / CALLS * 1e6)
    print(f"{statistics.median(runs):8,.0f} µs  {label}")


def requester(token: str) -> Callable[[str], Callable[[], None]]:
    from django.core.handlers.wsgi import WSGIHandler

    app = WSGIHandler()

    def request(path: str) -> None:
        route, _, query = path.partition("?")
        environ = {
            **{"REQUEST_METHOD": "GET", "PATH_INFO": route, "QUERY_STRING": query, "wsgi.url_scheme": "http"},
            **{"SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1"},
            **{"HTTP_AUTHORIZATION": f"Token {token}", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr},
        }
        statuses = []
        b"".join(app(environ, lambda status, headers, *_: statuses.append(status)))
        if not statuses[0].startswith("200"):
            raise SystemExit(f"GET {path} answered {statuses[0]}")

    return lambda path: lambda: request(path)


def main() -> None:
    seed.prepare_database(seed.configure())
    from django.db import connection
    from rest_framework.authentication import TokenAuthentication

    from accounts.models import User
    from accounts.services import api_token_for
    from ads.api import AdListApi, ORJSONRenderer
    from ads.permissions import member_neighbourhood
    from ads.selectors import BoardFilters, ad_list_page, ad_list_rows
    from ads.serializers import ad_list_item
    from bench import views

    user = User.objects.get(email=seed.BENCH_USER_EMAIL)
    token = api_token_for(user=user)
    neighbourhood = member_neighbourhood(user=user, slug="bench-1")
    page = ad_list_page(user=user, neighbourhood=neighbourhood, filters=BoardFilters(), cursor=None, size=20)
    get = requester(token)
    cursor = connection.cursor()

    def fresh_user_membership() -> None:
        # A copy without the worker ids that accounts.permissions caches on the user object.
        fresh = copy.copy(user)
        fresh.__dict__.pop("_samsam_worker_neighbourhood_ids", None)
        member_neighbourhood(user=fresh, slug="bench-1")

    def list_rows(filters: BoardFilters) -> Callable[[], object]:
        return lambda: ad_list_page(user=user, neighbourhood=neighbourhood, filters=filters, cursor=None, size=20)

    print(f"{seed.ad_count():,} ads; whole requests (Django WSGI handler, all middleware, no server):")
    timed("trivial", get("/bench/trivial/"))
    timed("raw", get("/bench/raw/?neighbourhood=bench-1"))
    timed("list", get(LIST))
    print("the list's steps, one at a time:")
    timed(
        "SELECT 1: the per-request health check (conn_health_checks=True; raw pays it too)",
        lambda: (cursor.execute("SELECT 1")),
    )
    timed(
        "token auth: TokenAuthentication.authenticate_credentials (1 query)",
        lambda: (TokenAuthentication().authenticate_credentials(token)),
    )
    timed("member_neighbourhood, on a user fresh from auth (2 queries)", fresh_user_membership)
    timed(
        "AdListApi.FilterSerializer(...).is_valid()",
        lambda: (AdListApi.FilterSerializer(data={"neighbourhood": "bench-1"}).is_valid()),
    )
    timed("ad_list_page (1 query)", list_rows(BoardFilters()))
    timed(
        "  of which: building and compiling its SQL",
        lambda: (
            ad_list_rows(user=user, neighbourhood=neighbourhood, filters=BoardFilters(), cursor=None, size=20)
            .query.get_compiler("default")
            .as_sql()
        ),
    )
    timed(
        "  the raw endpoint's query instead (execute + fetchall)",
        lambda: (
            cursor.execute(views.PAGE, ["bench-1", 21]),
            cursor.fetchall(),
        ),
    )
    timed(
        "ad_list_item x 20 + ORJSONRenderer",
        lambda: ORJSONRenderer().render(
            {"results": [ad_list_item(row) for row in page.items], "next": page.next_cursor}
        ),
    )


if __name__ == "__main__":
    main()
