"""The core of SamSam in a real browser: a new resident asks, a neighbour answers."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.conftest import NOORD_POSTCODE, E2ECast, NewPage, log_in

pytestmark = pytest.mark.browser

EMAIL = "sanne@example.org"
PASSWORD = "boodschappen-dinsdag-42"
TITLE = "Wie haalt mijn boodschappen?"
REPLY = "Ik ga dinsdag toch naar de Albert Heijn, ik neem ze mee."


def _sign_up(page: Page) -> None:
    page.goto(reverse("accounts:signup"))
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Display name").fill("Sanne")
    page.get_by_label("Postcode").fill(NOORD_POSTCODE)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label(re.compile(r"password \(again\)|confirm", re.I)).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:signup_done"))))


def _confirmation_path(mailbox: list) -> str:
    [message] = [m for m in mailbox if EMAIL in m.to]
    link = re.search(r"https?://\S+", message.body).group(0)
    return urlsplit(link).path


def _confirm_email(page: Page, mailbox: list) -> None:
    page.goto(_confirmation_path(mailbox))
    expect(page.get_by_role("main")).to_contain_text("confirmed")


def _post_request(page: Page) -> None:
    page.get_by_role("link", name="Place an ad").first.click()
    page.get_by_label("I need help").check()
    page.get_by_label("Category").select_option(label="Groceries")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill("Ik lig met de griep in bed. Wie kan dinsdag boodschappen voor me doen?")
    page.get_by_role("button", name="Place ad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def _reply_from_board(page: Page) -> None:
    page.get_by_role("link", name="Neighbourhood board").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("Your message").fill(REPLY)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("main")).to_contain_text(REPLY)


def test_new_resident_asks_and_a_neighbour_answers(new_page: NewPage, e2e_cast: E2ECast, mailoutbox) -> None:
    resident = new_page("en")
    _sign_up(resident)
    _confirm_email(resident, mailoutbox)
    log_in(resident, email=EMAIL, password=PASSWORD)
    _post_request(resident)

    neighbour = new_page("en")
    log_in(neighbour, email=e2e_cast.cast.neighbour.email)
    _reply_from_board(neighbour)

    resident.reload()
    conversation = resident.get_by_role("region", name="Conversation with Noor")
    expect(conversation).to_contain_text(REPLY)
