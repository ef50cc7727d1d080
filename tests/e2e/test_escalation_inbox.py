"""The escalation ladder in a real browser: a partner picks up a request that no
neighbour answered and closes it with an outcome; the resident sees that outcome."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from ads.escalation.models import Escalation
from ads.escalation.services import escalation_scan
from tests import factories
from tests.e2e.conftest import E2ECast, NewPage
from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.browser

TITLE = "Wie helpt mij met de boodschappen?"


def test_partner_claims_and_resolves_and_the_resident_sees_the_outcome(new_page: NewPage, e2e_cast: E2ECast):
    cast = e2e_cast.cast
    partner = cast.partner_staff.partner
    factories.cover(partner, [cast.noord], ["boodschappen"])
    cast.author.phone = "030-1234567"
    cast.author.save(update_fields=["phone"])
    ad = factories.AdFactory(
        author=cast.author, title=TITLE, escalation_consent=True, created_at=timezone.now() - timedelta(hours=49)
    )
    escalation_scan()
    escalation = Escalation.objects.get(ad=ad, partner=partner)

    staff = new_page("en", user=cast.partner_staff)
    staff.goto("/")
    staff.get_by_role("navigation", name="Main menu").get_by_role("link", name="Passed-on requests").click()
    staff.get_by_role("link", name=TITLE).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(staff.get_by_text("030-1234567")).to_be_visible()  # the resident agreed to be contacted
    staff.get_by_role("button", name="Pick up this request").click()
    expect(staff.get_by_role("status")).to_contain_text("You picked up this request")
    staff.get_by_label("Helped", exact=True).check()
    staff.get_by_label("Note (optional)").fill("Boodschappen gebracht op dinsdag.")
    staff.get_by_role("button", name="Close with this outcome").click()
    expect(staff.get_by_role("status")).to_contain_text("The request is closed with this outcome")
    expect(staff.get_by_text("Outcome: Helped.")).to_be_visible()
    escalation.refresh_from_db()
    assert (escalation.state, escalation.outcome, escalation.claimed_by) == ("resolved", "helped", cast.partner_staff)

    resident = new_page("en", user=cast.author)
    resident.goto(reverse("ads:detail", args=[ad.pk]))
    ladder = resident.get_by_role("region", name="Help from an organisation")
    expect(ladder).to_contain_text(f"Passed to {partner.name} on")
    expect(ladder).to_contain_text(f"{partner.name} has helped you.")
    expect(resident.get_by_text("Boodschappen gebracht op dinsdag.")).to_have_count(0)  # the note is internal


@pytest.mark.parametrize("language", ["nl", "en"])
def test_inbox_pages_have_no_wcag_violations(language: str, new_page: NewPage, e2e_cast: E2ECast):
    cast = e2e_cast.cast
    partner = cast.partner_staff.partner
    factories.cover(partner, [cast.noord], ["boodschappen"])
    ad = factories.AdFactory(
        author=cast.author, title=TITLE, escalation_consent=True, created_at=timezone.now() - timedelta(hours=49)
    )
    escalation_scan()
    escalation = Escalation.objects.get(ad=ad, partner=partner)
    audit = Audit(language)

    staff = new_page(language, user=cast.partner_staff)
    staff.goto(reverse("escalations:inbox"))
    audit.check("partner inbox", staff)
    staff.goto(reverse("escalations:detail", args=[escalation.pk]))
    audit.check("escalation, open", staff)
    staff.locator(f"form[action='{reverse('escalations:claim', args=[escalation.pk])}'] button").click()
    expect(staff.locator(f"form[action='{reverse('escalations:resolve', args=[escalation.pk])}']")).to_be_visible()
    audit.check("escalation, claimed", staff)
    staff.locator(f"form[action='{reverse('escalations:resolve', args=[escalation.pk])}'] button").click()
    expect(staff.locator(".error-summary")).to_be_visible()
    audit.check("resolve form with errors", staff)

    worker = new_page(language, user=cast.worker)
    worker.goto(reverse("ads:detail", args=[ad.pk]))
    audit.check("request page for the worker: history and consent", worker)
    resident = new_page(language, user=cast.author)
    resident.goto(reverse("ads:detail", args=[ad.pk]))
    audit.check("request page for the resident: passed on", resident)
    audit.assert_clean()
