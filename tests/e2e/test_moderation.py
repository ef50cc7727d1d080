"""In Chromium: three residents report an ad, it disappears, the neighbourhood worker
restores it with a reason, and the author reads that reason."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from tests import factories
from tests.e2e.conftest import E2ECast, NewPage, log_in
from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.browser

REASON = "Ik heb met Anna gebeld. Dit is een echte hulpvraag."


def _report(page: Page, path: str) -> None:
    page.goto(path)
    page.get_by_text("Report this ad").click()  # opens the <details> with the form
    page.get_by_label("Spam or advertising").check()
    page.get_by_label("Explain (optional)").fill("Dit lijkt reclame.")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_contain_text("A neighbourhood worker will look at it")


def test_reported_ad_disappears_and_the_worker_restores_it_with_a_reason(new_page: NewPage, e2e_cast: E2ECast) -> None:
    cast = e2e_cast.cast
    path = reverse("ads:detail", args=[cast.ad.pk])
    reporters = [cast.neighbour, *(factories.UserFactory(neighbourhood=cast.noord) for _ in range(2))]
    for person in reporters:
        _report(new_page("en", user=person), path)

    # Gone for residents: not on the board, and its page is not found.
    neighbour = new_page("en", user=cast.responder)
    neighbour.goto(reverse("ads:board", args=[cast.noord.slug]))
    expect(neighbour.get_by_role("main")).not_to_contain_text(cast.ad.title)
    assert neighbour.goto(path).status == 404

    # The worker finds it at the top of the queue and restores it with a reason.
    User.objects.filter(pk=cast.worker.pk).update(language="en")  # the site speaks it after logging in
    worker = new_page("en")
    log_in(worker, email=cast.worker.email)
    worker.get_by_role("link", name="Moderation").click()
    expect(worker.get_by_role("main")).to_contain_text("Reported by 3 people")
    worker.get_by_role("link", name=cast.ad.title).click()
    worker.get_by_label("Reason").fill(REASON)
    worker.get_by_role("button", name="Restore").click()
    expect(worker.get_by_role("status")).to_contain_text("The author has been told")
    expect(worker.get_by_role("main")).to_contain_text("Nothing has been reported")

    # The author reads the reason, on the ad and in the notifications.
    author = new_page("en", user=cast.author)
    author.goto(path)
    expect(author.get_by_role("region", name="Message from the neighbourhood worker")).to_contain_text(REASON)
    author.get_by_role("link", name="Notifications").click()
    expect(author.get_by_role("main")).to_contain_text(REASON)

    # And neighbours see the ad again.
    neighbour.goto(reverse("ads:board", args=[cast.noord.slug]))
    expect(neighbour.get_by_role("link", name=cast.ad.title)).to_be_visible()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_moderation_pages_have_no_accessibility_violations(
    new_page: NewPage, e2e_cast: E2ECast, language: str
) -> None:
    cast = e2e_cast.cast
    reply = cast.conversation.replies.get()
    audit = Audit(language)
    reporter = new_page(language, user=cast.neighbour)
    reporter.goto(reverse("ads:detail", args=[cast.ad.pk]))
    reporter.locator("details.report summary").click()
    audit.check("ad page with the report form", reporter)
    reporter.goto(reverse("moderation:report_ad", args=[cast.ad.pk]))
    reporter.get_by_role("button").last.click()  # nothing chosen: the form comes back with an error
    audit.check("report page with an error", reporter)
    worker = new_page(language, user=cast.worker)
    for name, path in [
        ("queue", reverse("moderation:queue")),
        ("ad decision", reverse("moderation:ad", args=[cast.ad.pk])),
        ("reply decision", reverse("moderation:reply", args=[reply.pk])),
        ("resident", reverse("moderation:resident", args=[cast.author.pk])),
    ]:
        worker.goto(path)
        audit.check(name, worker)
    audit.assert_clean()
