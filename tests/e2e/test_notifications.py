"""In Chromium: the notifications page lists what happened, opens it (marking it read),
marks all read and saves the email choice, each a plain form post and page load; and it
has no WCAG violation in either language."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ads import services
from notifications.models import Notification, Preference
from tests.e2e.conftest import E2ECast, NewPage
from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["nl", "en"])
def test_notifications_page_has_no_wcag_violations(language: str, new_page: NewPage, e2e_cast: E2ECast) -> None:
    cast = e2e_cast.cast
    services.reply_post(ad=cast.ad, author=cast.responder, body="Ik kan morgen.")
    services.reply_post(ad=cast.ad, author=cast.neighbour, body="Ik ook!")
    audit = Audit(language)
    author = new_page(language, user=cast.author)
    author.goto(reverse("notifications:list"))
    expect(author.locator(".notification--unread")).to_have_count(2)
    audit.check("notifications", author)
    audit.assert_clean()


def test_open_mark_all_read_and_choose_email(new_page: NewPage, e2e_cast: E2ECast) -> None:
    cast = e2e_cast.cast
    services.reply_post(ad=cast.ad, author=cast.responder, body="Ik kan morgen.")
    services.reply_post(ad=cast.ad, author=cast.neighbour, body="Ik ook!")
    author = new_page("en", user=cast.author)
    author.goto(reverse("notifications:list"))
    badge = author.locator("[data-live-unread]")
    expect(badge).to_have_text("2")

    author.get_by_role("button", name="Open").first.click()
    # The newest first: Noor's new conversation, opened at its place on the ad's page.
    conversation = cast.ad.conversations.get(responder=cast.neighbour)
    target = f"{reverse('ads:detail', args=[cast.ad.pk])}#conversation-{conversation.pk}"
    expect(author).to_have_url(re.compile(re.escape(target) + "$"))
    expect(badge).to_have_text("1")

    author.goto(reverse("notifications:list"))
    author.get_by_role("button", name="Mark all as read").click()
    expect(author.get_by_role("status")).to_contain_text("All notifications are marked as read")
    expect(badge).to_be_hidden()
    assert not Notification.objects.filter(recipient=cast.author, read_at__isnull=True).exists()

    author.get_by_label("Once a day, in one email").check()
    author.get_by_role("button", name="Save").click()
    expect(author.get_by_role("status")).to_contain_text("Your choice is saved")
    assert Preference.objects.get(user=cast.author).email == "daily"
