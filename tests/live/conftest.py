"""Fixtures for the live tests: committed data that other threads and processes can see."""

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from asgiref.sync import async_to_sync
from django.db import connections
from django.test import Client

from accounts.models import User
from tests.live import servers

T = TypeVar("T")


@pytest.fixture
def migrated_categories(transactional_db, django_db_serialized_rollback) -> None:
    servers.ensure_categories()


@pytest.fixture
def live_cast(migrated_categories, cast):
    """The shared cast, committed: consumers read it from another thread, servers from
    another process."""
    return cast


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def run_async(coroutine_function: Callable[[], Awaitable[T]]) -> T:
    """Run a test's async part in a thread of its own: Playwright's sync API (the browser
    tests) may keep an event loop running in the main thread for the whole session, and
    async_to_sync refuses to run beside one. The thread's database connection is closed
    afterwards, so that nothing holds the test database open."""

    def in_thread() -> T:
        try:
            return async_to_sync(coroutine_function)()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(in_thread).result()
