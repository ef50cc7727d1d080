"""In Chromium: the author sees a neighbour's reply, and the notification badge change,
without reloading.

The page and its websockets come from one uvicorn process, the embedded default (no
Redis: pushes are delivered in memory); the shared-Redis path has its own tests. The
process reads the test database, so this needs PostgreSQL.
"""

from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import E2ECast, open_page
from tests.live import servers

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

REPLY = "Ik kan dinsdag om tien uur.\nZal ik ook brood meenemen?"


@pytest.fixture
def asgi_server(django_db_setup, tmp_path) -> Iterator[servers.Server]:
    server = servers.start_uvicorn(log=tmp_path / "uvicorn.log", debug=True)
    try:
        servers.wait_ready(server)
        yield server
    finally:
        servers.stop(server.process)


def _open_live(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.locator("[data-live-ad]")).to_have_attribute("data-live-state", "open")
    expect(page.locator("[data-live-unread]")).to_have_attribute("data-live-state", "open")
    page.evaluate("window.notReloaded = true")


def _reply(page: Page, path: str, body: str) -> None:
    page.goto(path)
    page.get_by_label("Your message").fill(body)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text("Your message has been sent")


def test_author_sees_replies_and_badge_change_without_reloading(
    e2e_cast: E2ECast,
    asgi_server: servers.Server,
    browser: Browser,  # after the server, so that its pages are closed before the server stops
) -> None:
    cast = e2e_cast.cast
    path = reverse("ads:detail", args=[cast.ad.pk])
    author = open_page(browser, asgi_server.http, language="en", user=cast.author)
    _open_live(author, path)
    badge = author.locator("[data-live-unread]")
    expect(badge).to_be_hidden()  # the cast's first reply came before any notification

    _reply(open_page(browser, asgi_server.http, language="en", user=cast.neighbour), path, REPLY)  # a new conversation
    conversation = author.locator(".conversation", has_text=f"Conversation with {cast.neighbour.display_name}")
    expect(conversation).to_contain_text("Ik kan dinsdag om tien uur.")
    expect(conversation.locator(".chat-message__body br")).to_have_count(1)  # line breaks kept, as text
    expect(badge).to_be_visible()
    expect(badge).to_have_text("1")

    _reply(open_page(browser, asgi_server.http, language="en", user=cast.responder), path, "<b>Tot dan!</b>")
    existing = author.locator(f"#conversation-{cast.conversation.pk}")
    expect(existing.locator(".chat-message").last).to_contain_text("<b>Tot dan!</b>")  # text, not markup
    expect(badge).to_have_text("2")

    assert author.evaluate("window.notReloaded") is True
    assert author.locator("[data-reply-id]").count() == 3  # the cast's first reply and the two new ones
