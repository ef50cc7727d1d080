"""In Chromium, the Content Security Policy blocks nothing the site itself needs: no
violation on the main pages (scripts, styles, the live websocket, the API docs), and
contact sharing works end to end with it."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from ads.models import Ad
from tests.e2e.conftest import E2ECast, NewPage

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def _watch(page: Page) -> list[str]:
    """Every CSP violation the page reports, from the browser's own event."""
    found: list[str] = []
    page.expose_function("h7ReportViolation", lambda text: found.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => window.h7ReportViolation(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.on("console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else None)
    return found


def test_main_pages_run_without_csp_violations(new_page: NewPage, e2e_cast: E2ECast) -> None:
    cast = e2e_cast.cast
    page = new_page("en", user=cast.author)
    violations = _watch(page)
    for url in (
        reverse("ads:board", args=["noord"]),
        reverse("ads:detail", args=[cast.ad.pk]),
        reverse("accounts:profile"),
        reverse("accounts:privacy_export"),
        reverse("accounts:delete"),
        "/api/docs/",
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    expect(page.locator("#swagger-ui")).to_contain_text("SamSam API")  # the docs' scripts ran
    assert violations == []
    # The watch is not blind: an injected inline script is blocked and reported.
    page.goto(reverse("accounts:profile"))
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1'; document.body.append(s); }"
    )
    page.wait_for_timeout(300)
    assert any("script-src" in violation for violation in violations), violations


def test_contact_sharing_in_the_browser(new_page: NewPage, e2e_cast: E2ECast) -> None:
    cast = e2e_cast.cast
    cast.author.phone = "06 1234 5678"
    cast.author.save(update_fields=["phone"])
    Ad.objects.filter(pk=cast.ad.pk).update(helper=cast.responder, status=Ad.Status.MATCHED)
    detail = reverse("ads:detail", args=[cast.ad.pk])
    author, helper = new_page("en", user=cast.author), new_page("en", user=cast.responder)
    author.goto(detail)
    author.get_by_role("button", name="Share my phone number and street").click()
    helper.goto(detail)
    expect(helper.locator("#contact")).not_to_contain_text("06 1234 5678")
    helper.get_by_role("button", name="Share my phone number and street").click()
    expect(helper.locator("#contact")).to_contain_text("06 1234 5678")
    author.goto(detail)
    author.get_by_role("button", name="Stop sharing my details").click()
    helper.goto(detail)
    expect(helper.locator("#contact")).not_to_contain_text("06 1234 5678")
