"""Where one ads list request spends its time, in process (no HTTP server, no load).

    .venv/bin/python -m bench.ads_list_breakdown

A diagnostic beside bench.ads_list: on the same database (run that first so that it is
seeded), it times whole requests through Django's WSGI handler and then each step of
GET /api/v1/ads/?neighbourhood=bench-1 on its own, as the median of 5 runs of 400 calls.
It calls the list's building blocks by name: update it when they change.
"""

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable

from bench import seed

CALLS = 400  # per run; --calls changes it
LIST = "/api/v1/ads/?neighbourhood=bench-1"


def timed(label: str, step: Callable[[], object]) -> None:
    for _ in range(min(50, CALLS)):
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
            # As from the TLS proxy in front of production (else SECURE_SSL_REDIRECT answers 301).
            "HTTP_X_FORWARDED_PROTO": "https",
        }
        statuses = []
        b"".join(app(environ, lambda status, headers, *_: statuses.append(status)))
        if not statuses[0].startswith("200"):
            raise SystemExit(f"GET {path} answered {statuses[0]}")

    return lambda path: lambda: request(path)


def main() -> None:
    global CALLS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=CALLS, help=f"calls per run, 5 runs a step (default {CALLS})")
    CALLS = max(1, parser.parse_args().calls)
    seed.prepare_database(seed.configure())
    from django.db import connection
    from rest_framework.authentication import TokenAuthentication

    from accounts.authentication import RolesTokenAuthentication
    from accounts.models import User
    from accounts.services import api_token_for
    from ads.api import AdListApi, ORJSONRenderer
    from ads.selectors import BoardFilters, ad_list_page, ad_list_sql
    from ads.serializers import ad_list_item
    from bench import views

    user = RolesTokenAuthentication().authenticate_credentials(
        api_token_for(user=User.objects.get(email=seed.BENCH_USER_EMAIL))
    )[0]
    token = api_token_for(user=user)
    page = ad_list_page(user=user, neighbourhood="bench-1", filters=BoardFilters(), cursor=None, size=20)
    get = requester(token)
    cursor = connection.cursor()

    def list_rows(filters: BoardFilters) -> Callable[[], object]:
        return lambda: ad_list_page(user=user, neighbourhood="bench-1", filters=filters, cursor=None, size=20)

    def list_sql_only() -> None:
        statement = ad_list_sql(user=user, neighbourhood="bench-1", filters=BoardFilters(), cursor=None, size=20)
        cursor.execute(*statement)
        cursor.fetchall()

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
        "token auth as DRF has it: TokenAuthentication (1 query, roles not loaded)",
        lambda: (TokenAuthentication().authenticate_credentials(token)),
    )
    timed(
        "token auth: RolesTokenAuthentication (1 query: token, user, worker neighbourhoods)",
        lambda: (RolesTokenAuthentication().authenticate_credentials(token)),
    )
    timed(
        "AdListApi.FilterSerializer(...).is_valid()",
        lambda: (AdListApi.FilterSerializer(data={"neighbourhood": "bench-1"}).is_valid()),
    )
    timed("ad_list_page (1 query)", list_rows(BoardFilters()))
    timed("  of which: ad_list_sql, execute, fetchall", list_sql_only)
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
