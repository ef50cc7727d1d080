"""In Chromium: the author sees a neighbour's reply appear without reloading.

The page and its websocket come from one uvicorn process, the embedded default (no
Redis: pushes are delivered in memory); the shared-Redis path has its own tests.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import TIMEOUT_MS, E2ECast, _session_key
from tests.live import servers

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

REPLY = "Ik kan dinsdag om tien uur.\nZal ik ook brood meenemen?"


@pytest.fixture
def migrated_categories(transactional_db, django_db_serialized_rollback) -> None:
    servers.ensure_categories()


@pytest.fixture
def asgi_server(django_db_setup, tmp_path) -> Iterator[servers.Server]:
    server = servers.start_uvicorn(log=tmp_path / "uvicorn.log", debug=True)
    try:
        servers.wait_ready(server)
        yield server
    finally:
        servers.stop(server.process)


def _page_as(browser: Browser, server: servers.Server, user) -> Page:
    context = browser.new_context(base_url=server.http, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    cookies = {"sessionid": _session_key(user), "django_language": "en"}
    context.add_cookies([{"name": name, "value": value, "url": server.http} for name, value in cookies.items()])
    return context.new_page()


def _open_live(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.locator("[data-live-ad]")).to_have_attribute("data-live-state", "open")
    page.evaluate("window.notReloaded = true")


def test_author_sees_replies_appear_without_reloading(
    migrated_categories,  # before the cast: see its docstring
    browser: Browser,
    e2e_cast: E2ECast,
    asgi_server: servers.Server,
) -> None:
    cast = e2e_cast.cast
    path = f"/advertenties/{cast.ad.pk}/"
    author = _page_as(browser, asgi_server, cast.author)
    _open_live(author, path)

    neighbour = _page_as(browser, asgi_server, cast.neighbour)  # starts a new conversation
    neighbour.goto(path)
    neighbour.get_by_label("Your message").fill(REPLY)
    neighbour.get_by_role("button", name="Send reply").click()

    conversation = author.locator(".conversation", has_text=f"Conversation with {cast.neighbour.display_name}")
    expect(conversation).to_contain_text("Ik kan dinsdag om tien uur.")
    expect(conversation.locator(".chat-message__body br")).to_have_count(1)  # line breaks kept, as text

    responder = _page_as(browser, asgi_server, cast.responder)  # answers in an existing one
    responder.goto(path)
    responder.get_by_label("Your message").fill("<b>Tot dan!</b>")
    responder.get_by_role("button", name="Send reply").click()
    existing = author.locator(f"#conversation-{cast.conversation.pk}")
    expect(existing.locator(".chat-message").last).to_contain_text("<b>Tot dan!</b>")  # text, not markup

    assert author.evaluate("window.notReloaded") is True
    assert author.locator("[data-reply-id]").count() == 3  # the cast's first reply and the two new ones
