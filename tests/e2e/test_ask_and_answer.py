"""The core of SamSam in a real browser: a new resident asks, a neighbour answers."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from ads.models import Ad
from tests.e2e.conftest import NOORD_POSTCODE, E2ECast, NewPage, log_in

pytestmark = pytest.mark.browser

EMAIL = "sanne@example.org"
PASSWORD = "boodschappen-dinsdag-42"
TITLE = "Wie haalt mijn boodschappen?"
REPLY = "Ik ga dinsdag toch naar de Albert Heijn, ik neem ze mee."


def _sign_up(page: Page) -> None:
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Sign up").click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Display name").fill("Sanne")
    page.get_by_label("Postcode").fill(NOORD_POSTCODE)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:signup_done")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def _confirmation_path() -> str:
    # The locmem backend: the live server runs in this process, so its mail lands here.
    [message] = [message for message in mail.outbox if message.to == [EMAIL]]
    link = re.search(r"https?://\S+", message.body).group(0)
    path = urlsplit(link).path
    assert path.startswith(reverse("accounts:confirm", args=["x"])[:-2]), link
    return path


def _confirm_email(page: Page) -> None:
    page.goto(_confirmation_path())  # the first click confirms and logs in
    expect(page.get_by_role("status")).to_contain_text("Your email address is confirmed")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _post_request(page: Page) -> None:
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Place an ad").click()
    page.get_by_label("I need help").check()
    page.get_by_label("Category").select_option(label="Groceries")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill("Ik lig met de griep in bed. Wie kan dinsdag boodschappen voor me doen?")
    page.get_by_role("button", name="Place ad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_contain_text("Your ad has been placed")


def _reply_from_board(page: Page) -> None:
    page.get_by_role("link", name="Neighbourhood board").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("Your message").fill(REPLY)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text("Your message has been sent")
    expect(page.locator(".chat-message--own")).to_contain_text(REPLY)


def test_new_resident_asks_and_a_neighbour_answers(new_page: NewPage, e2e_cast: E2ECast) -> None:
    cast = e2e_cast.cast
    resident = new_page("en")
    _sign_up(resident)
    _confirm_email(resident)
    _post_request(resident)

    sanne = User.objects.get(email=EMAIL)
    assert sanne.neighbourhood == cast.noord  # the postcode decided it
    ad = Ad.objects.get(author=sanne)
    assert (ad.kind, ad.category.slug, ad.status) == (Ad.Kind.REQUEST, "boodschappen", Ad.Status.OPEN)

    User.objects.filter(pk=cast.neighbour.pk).update(language="en")  # their choice in the profile
    neighbour = new_page("en")
    log_in(neighbour, email=cast.neighbour.email)
    _reply_from_board(neighbour)

    resident.reload()
    conversation = resident.get_by_role("region", name=f"Conversation with {cast.neighbour.display_name}")
    expect(conversation).to_contain_text(REPLY)
    assert ad.conversations.get().replies.get().body == REPLY
