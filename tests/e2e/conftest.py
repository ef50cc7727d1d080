"""Browser fixtures: one headless Chromium per test session (per xdist worker), a fresh
context per person in a test, and pytest-django's live server in this process."""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from accounts.models import Postcode, User
from tests import factories
from tests.conftest import Cast

# Playwright's sync API keeps an event loop running in the main thread, which makes
# Django refuse ORM calls from fixtures and tests unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A page that does not answer within this time is broken; fail fast instead of waiting 30 s.
TIMEOUT_MS = 10_000
NOORD_POSTCODE = "3511 AB"

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class E2ECast:
    cast: Cast
    postcode: Postcode  # a PC4 area of Noord, so that a sign-up lands there


@pytest.fixture
def e2e_cast(transactional_db, django_db_serialized_rollback, cast) -> E2ECast:
    """The shared cast, committed so that the live server's thread sees it. Serialized
    rollback puts the migrated categories back after the flush."""
    return E2ECast(cast, factories.PostcodeFactory(neighbourhood=cast.noord, digits=NOORD_POSTCODE[:4]))


NewPage = Callable[..., Page]


@pytest.fixture
def new_page(browser: Browser, live_server, e2e_cast) -> Iterator[NewPage]:
    """Open a page in a context of its own (a separate person: own cookies), in `language`."""
    contexts: list[BrowserContext] = []

    def open_page(language: str = "nl", user: User | None = None) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="nl-NL")
        context.set_default_timeout(TIMEOUT_MS)
        cookies = {"django_language": language}
        if user is not None:
            # A shortcut past the login form, for tests about something else.
            cookies["sessionid"] = _session_key(user)
        context.add_cookies(
            [{"name": name, "value": value, "url": live_server.url} for name, value in cookies.items()]
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _session_key(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def log_in(page: Page, *, email: str, password: str = factories.PASSWORD) -> None:
    """Log in through the login form (in English), the way a person does."""
    page.goto(reverse("accounts:login"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
