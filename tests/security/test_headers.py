"""Every page answers with the security headers: a CSP with a fresh nonce and no
'unsafe-inline', HSTS, nosniff, a referrer policy, no framing; cookies flagged."""

import re

import pytest

from tests.security.cases import case_for, route_path, targets
from tests.security.urlwalk import project_routes

NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


@pytest.fixture
def production_cookies(settings) -> None:
    # What settings.py sets when SECURE_COOKIES is not turned off (the test env turns it off;
    # test_deploy_check asserts the production values themselves).
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = settings.LANGUAGE_COOKIE_SECURE = True


def _assert_headers(response, path: str) -> None:
    csp = response.get("Content-Security-Policy", "")
    assert csp, path
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, path
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, path
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert NONCE.search(script_src), (path, csp)
    assert response["Strict-Transport-Security"].startswith("max-age="), path
    assert int(response["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 31536000
    assert response["X-Content-Type-Options"] == "nosniff", path
    assert response["Referrer-Policy"] == "same-origin", path
    assert response["X-Frame-Options"] == "DENY", path


def _assert_no_inline_code(html: str, nonce: str, path: str) -> None:
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html, flags=re.I):
        assert "src=" in tag or f'nonce="{nonce}"' in tag, (path, tag)
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I), path  # onclick= and friends
    assert not re.search(r"<[^>]+\sstyle\s*=", html, flags=re.I), path
    assert "javascript:" not in html.lower(), path


def _check_page(client, path: str):
    response = client.get(path, secure=True)
    _assert_headers(response, path)
    if response.get("Content-Type", "").startswith("text/html"):
        nonce = NONCE.search(response["Content-Security-Policy"]).group(1)
        _assert_no_inline_code(response.content.decode(), nonce, path)
    return response


PAGES = [route for route in project_routes() if not route.is_api]


def test_every_page_has_the_security_headers(cast, client, production_cookies) -> None:
    assert len(PAGES) > 20  # the walk found the site
    values = targets(cast)  # each id names the object its route is about, as in the authorization matrix
    statuses: dict[str, set[int]] = {route.name: set() for route in PAGES}
    for user in (None, cast.author, cast.worker, cast.partner_staff, cast.coordinator):
        client.logout()
        if user is not None:
            client.force_login(user)
        for route in PAGES:
            case = case_for(route)
            response = _check_page(client, route_path(route, case.target, values[case.target]))
            statuses[route.name].add(response.status_code)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                assert '<main id="main">' in response.content.decode(), route.name  # a whole page was checked
    # The ids resolve: every page is shown (or, for a form action, answers) to someone, so
    # the headers were checked on real pages and not only on 404s.
    assert [name for name, seen in statuses.items() if seen <= {404}] == []
    shown = [name for name, seen in statuses.items() if 200 in seen]
    assert len(shown) > 25, shown


def test_api_and_docs_have_the_headers_too(cast, client) -> None:
    client.force_login(cast.author)
    for path in ("/api/v1/ads/", "/api/schema/", "/api/docs/", "/api/v1/me/", "/no-such-page/"):
        _check_page(client, path)


def test_the_nonce_is_new_for_every_response(client, db) -> None:
    first = client.get("/account/inloggen/", secure=True)["Content-Security-Policy"]
    second = client.get("/account/inloggen/", secure=True)["Content-Security-Policy"]
    assert NONCE.search(first).group(1) != NONCE.search(second).group(1)


def test_cookies_are_secure_httponly_and_samesite(cast, client, production_cookies) -> None:
    from tests import factories

    client.get("/account/inloggen/", secure=True)  # sets the CSRF cookie
    response = client.post(
        "/account/inloggen/", {"email": cast.author.email, "password": factories.PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = client.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"


def test_personal_responses_are_not_cached(cast, client) -> None:
    client.force_login(cast.author)
    for path in (f"/advertenties/{cast.ad.pk}/", "/account/profiel/", "/api/v1/me/"):
        cache_control = client.get(path, secure=True)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, path
