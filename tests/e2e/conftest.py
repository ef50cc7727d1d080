"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against pytest-django's
live server (a thread of this process, on the committed test database).

Playwright's sync API keeps an asyncio loop running in the main thread for as long as it
is started. While it runs, Django takes the thread for async code: it refuses ORM calls,
asgiref hands out fresh database connections (without the serialized copy that puts the
migrated categories back after a flush) and async_to_sync refuses to run. So Playwright
lives for one test only, started after the test database is ready and stopped before it
is flushed, and while it runs the thread keeps its own connections. Nothing leaks into the
next test on the same xdist worker; starting Chromium costs about half a second.
"""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from accounts.models import Postcode, User
from tests import factories
from tests.conftest import Cast, _unavailable

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in a container
    "--disable-dev-shm-usage",  # a small /dev/shm must not crash the renderer
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A page that does not answer within this time is broken; fail fast instead of waiting 30 s.
TIMEOUT_MS = 10_000
NOORD_POSTCODE = "3511 AB"
LOCALES = {"nl": "nl-NL", "en": "en-GB"}

expect.set_options(timeout=TIMEOUT_MS)


@contextmanager
def _django_stays_sync(own: dict[str, BaseDatabaseWrapper]) -> Iterator[None]:
    """Inside Playwright's loop: allow the ORM in this thread (it is sync code, the loop
    only waits for the browser) and give the thread back its own connections `own`."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    for alias, connection in own.items():
        connections[alias] = connection
    try:
        yield
    finally:
        for alias in own:
            del connections[alias]  # the loop's storage only; the thread's stays
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser(transactional_db, django_db_serialized_rollback) -> Iterator[Browser]:
    """Chromium for one test. The database fixtures come first: the test data is committed
    (the servers read it from other threads or processes) and the migrated categories are
    restored before Playwright starts, and the flush runs after it stopped."""
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    own = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright, _django_stays_sync(own):
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class E2ECast:
    cast: Cast
    postcode: Postcode  # a PC4 area of Noord, so that a sign-up lands there


@pytest.fixture
def e2e_cast(transactional_db, django_db_serialized_rollback, cast) -> E2ECast:
    """The shared cast, committed so that the servers see it."""
    return E2ECast(cast, factories.PostcodeFactory(neighbourhood=cast.noord, digits=NOORD_POSTCODE[:4]))


NewPage = Callable[..., Page]


def open_page(browser: Browser, base_url: str, *, language: str = "nl", user: User | None = None) -> Page:
    """A page in a browser context of its own: a separate person, with own cookies."""
    context = browser.new_context(base_url=base_url, locale=LOCALES[language])
    context.set_default_timeout(TIMEOUT_MS)
    cookies = {"django_language": language}
    if user is not None:
        cookies["sessionid"] = session_key(user)  # a shortcut past the login form
    context.add_cookies([{"name": name, "value": value, "url": base_url} for name, value in cookies.items()])
    return context.new_page()


@pytest.fixture
def new_page(browser: Browser, live_server, e2e_cast) -> Iterator[NewPage]:
    """Opens pages on the live server: new_page(language, user=None)."""
    contexts: list[BrowserContext] = []

    def new(language: str = "nl", user: User | None = None) -> Page:
        page = open_page(browser, live_server.url, language=language, user=user)
        contexts.append(page.context)
        return page

    yield new
    for context in contexts:
        context.close()


def session_key(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def log_in(page: Page, *, email: str, password: str = factories.PASSWORD) -> None:
    """Log in through the login form (in English), the way a person does. The site then
    speaks the person's own language."""
    page.goto(reverse("accounts:login"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(f"form[action='{reverse('accounts:logout')}'] button")).to_be_visible()
