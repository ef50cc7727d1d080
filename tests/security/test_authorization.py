"""Every URL pattern of the project, for every role of the cast and every method: nobody
succeeds outside their area, a refusal changes nothing in the database, and another
area's object answers exactly like one that does not exist (one walk checks all three).

The cases (tests/security/cases.py) need an entry for every pattern: a new URL without a
case fails the suite. A case says which object the URL is tried on, which roles MAY
succeed on it, and a valid body, sent with every write; every other role must be refused
(401/403/404/405, a 400, or a redirect to the login page or back with an error) for
GET, POST, PUT, PATCH and DELETE, and the rows of every table must be the same after as
before. Allowed roles are exercised only to show that the bodies are valid, each inside
a transaction that is rolled back.
"""

import hashlib
import json
import re
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.test import Client

from tests.security.cases import (
    ALL,
    CASES,
    SEES,
    SIGNED_IN,
    Case,
    case_for,
    missing,
    route_path,
    targets,
)
from tests.security.urlwalk import Route, project_routes

ROUTES = {route.name: route for route in project_routes(include_admin=True)}
METHODS = ("get", "post", "put", "patch", "delete")
# Sessions carry the flash message of a refused page action ("you cannot do this"): that
# row may change; no other may.
UNWATCHED_TABLES = {"django_session"}


def _area(route: Route) -> str:
    if route.route.startswith("admin/"):
        return "admin"
    return "api" if route.is_api else "pages"


AREAS = ("pages", "api", "admin")


def test_every_url_pattern_has_a_case() -> None:
    assert any(route.startswith("admin/") for route in (r.route for r in ROUTES.values()))
    missing_cases = sorted(name for name in set(ROUTES) - set(CASES) if not ROUTES[name].route.startswith("admin/"))
    assert missing_cases == [], f"add an authorization case for: {missing_cases}"
    assert sorted(set(CASES) - set(ROUTES)) == [], "cases for URLs that no longer exist"


@pytest.fixture
def values(cast) -> dict:
    return targets(cast)


def _client(cast, role: str) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.44")
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    return client


def _send(client: Client, route: Route, method: str, path: str, case: Case, values: dict):
    if method == "get":
        return client.get(path)
    body = case.body_for(method, values)
    if route.is_api:
        return getattr(client, method)(path, json.dumps(body), content_type="application/json")
    if method == "post":
        return client.post(path, body)
    return getattr(client, method)(path, urlencode(body), content_type="application/x-www-form-urlencoded")


def _succeeded(response) -> bool:
    if 200 <= response.status_code < 300:
        return True
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if "/inloggen/" in location or "/admin/login/" in location:
            return False
        # A page action that refuses redirects back with an error message (nothing changed).
        queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
        return not any(message.level_tag == "error" for message in queued)
    return False


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(set(connection.introspection.table_names(cursor)) - UNWATCHED_TABLES)


def snapshot(tables: list[str]) -> dict[str, str]:
    """A digest of every row of every table, by table."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One query: each table's rows as text, sorted, hashed by the server.
            parts = [
                f"SELECT %s, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {qn(name)} t"  # noqa: S608
                for name in tables
            ]
            cursor.execute(" UNION ALL ".join(parts), tables)
            return dict(cursor.fetchall())
        digests = {}
        for name in tables:
            cursor.execute(f"SELECT * FROM {qn(name)}")  # noqa: S608
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[name] = hashlib.md5("|".join(rows).encode(), usedforsecurity=False).hexdigest()
        return digests


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def test_the_snapshot_sees_a_change(cast) -> None:
    tables = _tables()
    before = snapshot(tables)
    assert "ads_ad" in before and "django_session" not in before
    cast.ad.title = "Iets anders"
    cast.ad.save(update_fields=["title"])
    assert _changed(before, snapshot(tables)) == ["ads_ad"]


def test_the_bodies_are_valid(cast, values, settings) -> None:
    """Each case's body makes an allowed role's request succeed (then it is rolled back),
    so the matrix above refuses people, not input."""
    settings.LIMITS_REDIS_URL = ""
    proved, failures = [], []
    for name, case in sorted(CASES.items()):
        route = ROUTES[name]
        writes = [method for method in METHODS[1:] if case.body_for(method, values)]
        if not writes:
            continue
        role = case.prove or sorted(case.writers or case.may_succeed)[0]
        path = route_path(route, case.target, values[case.target])
        answers = {}
        for method in writes:
            with transaction.atomic():  # a fresh client: a deletion logs the last one out
                answers[method] = _send(_client(cast, role), route, method, path, case, values)
                transaction.set_rollback(True)
        statuses = {method: response.status_code for method, response in answers.items()}
        # The methods a route does not offer answer 405; at least one must take the body.
        if not any(_succeeded(r) for r in answers.values()) or any(
            s not in (405,) and not _succeeded(answers[m]) for m, s in statuses.items()
        ):
            failures.append((name, role, statuses))
        proved.append(name)
    assert len(proved) >= 30
    assert failures == [], "\n".join(map(str, failures))


NOT_THE_SAME_TWICE = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"')


def _body(response, value) -> str:
    """The body without what differs on every response (CSRF token, CSP nonce) and with
    the id or slug from the URL (echoed in the language switch's "next") made neutral."""
    text = NOT_THE_SAME_TWICE.sub(r'\1=""', response.content.decode())
    return re.sub(rf"/{re.escape(str(value))}/", "/<id>/", text)


def _equivalence_roles(route: Route, case: Case) -> list[str]:
    # The admin refuses everyone who is not staff before it reads the id: one role shows it.
    # (Which objects a coordinator, who is staff, reaches there: tests/accounts/test_region_scope.py.)
    if case.target == "admin":
        return ["worker"]
    return sorted(SIGNED_IN - SEES[case.target])


@pytest.mark.parametrize("area", AREAS)
def test_nobody_succeeds_outside_their_area_nothing_changes_and_foreign_ids_look_missing(
    cast, values, settings, area
) -> None:
    """One walk over the area's routes, three checks per request of a role that may not:

    - leaks: it must not succeed;
    - changes: the rows of every table are the same after the route's refusals as before;
    - differences: on a route with an id, a slug or a token that names someone, another
      area's object answers with the same status and body as one that does not exist
      (for every method, and also for the roles that may read but not write)."""
    settings.LIMITS_REDIS_URL = ""  # the limiter is not under test here
    clients = {role: _client(cast, role) for role in sorted(ALL)}
    tables = _tables()
    routes = [route for _name, route in sorted(ROUTES.items()) if _area(route) == area]
    leaks, changes, differences, tried, compared = [], [], [], 0, 0
    for route in routes:
        case = case_for(route)
        if route.converters:
            assert case.target, f"{route.name} has an id, slug or token but its case names no target"
        real_value, gone_value = values[case.target], missing(case.target)
        path, gone_path = route_path(route, case.target, real_value), route_path(route, case.target, gone_value)
        compare = set(_equivalence_roles(route, case)) if route.converters else set()
        before = snapshot(tables)
        for role in sorted(ALL):
            for method in METHODS:
                refused = not case.may(role, method)
                if not (refused or role in compare):
                    continue
                response = _send(clients[role], route, method, path, case, values)
                assert response.status_code < 500, (route.name, role, method, response.status_code)
                if refused:
                    tried += 1
                    if _succeeded(response):
                        leaks.append((route.name, role, method, response.status_code))
                if role in compare:
                    compared += 1
                    gone = _send(clients[role], route, method, gone_path, case, values)
                    answers = (response.status_code, _body(response, real_value))
                    if answers != (gone.status_code, _body(gone, gone_value)):
                        differences.append((route.name, role, method, response.status_code, gone.status_code))
        changed = _changed(before, snapshot(tables))
        if changed:
            changes.append((route.name, changed))
    assert tried > 100 and compared > 50, (tried, compared)
    problems = {
        "succeeded outside their area": leaks,
        "refused requests changed rows": changes,
        "foreign ids answer unlike missing ones": differences,
    }
    report = [f"{what}:\n" + "\n".join(map(str, found)) for what, found in problems.items() if found]
    assert report == [], "\n".join(report)
