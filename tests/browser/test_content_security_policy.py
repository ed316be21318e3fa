"""Real pages in Chromium under the real Content-Security-Policy: no violation, no broken image, scripts work.

Every page is opened in a context that records each ``securitypolicyviolation`` event and each console error
(Chromium reports a refused inline script or style there); the last test shows the check can fail.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.models import Role
from tests.browser.pages import PASSWORD as BROWSER_PASSWORD
from tests.browser.pages import sign_in
from tests.web.route_world import PASSWORD, build_world

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} refused ${event.blockedURI || "inline code"}`);
});
"""


@pytest.fixture
def watched(open_context):
    """A page whose CSP violations and console errors are collected: (page, problems())."""
    context = open_context()
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    seen = []

    def note_console(message):
        # A failed load is reported below with its address; the browser's own favicon request is no page's.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            seen.append(message.text)

    def note_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            seen.append(f"{response.status} from {response.url}")

    page.on("console", note_console)
    page.on("response", note_response)

    def problems() -> list[str]:
        return page.evaluate("window.__violations") + seen

    return page, problems


@pytest.fixture
def world(app):
    """One of everything the routes take, and an account per role (password: route_world.PASSWORD)."""
    return build_world(app)


def test_the_survey_page_runs_its_script_under_the_policy(watched, world):
    page, problems = watched
    page.goto("/s/delivery-installation?lang=en")
    improve = page.locator('[data-question="improve"]')
    assert improve.is_hidden()  # show_if: asked only after a low score
    page.locator('input[name="q_recommend"][value="3"]').check(force=True)
    assert improve.is_visible()
    assert problems() == []


def test_signed_in_pages_load_with_no_violation_and_their_images_draw(watched, world):
    page, problems = watched
    assert PASSWORD == BROWSER_PASSWORD  # the world's accounts sign in through the browser tests' form filler
    sign_in(page, SimpleNamespace(email=world.emails[Role.ADMIN]))
    suggestion, customer, case = (world.values[key] for key in ("suggestion_id", "customer_id", "case_id"))
    for path in (
        "/suggestions/new",
        f"/suggestions/{suggestion}",
        "/suggestions/board",
        "/analytics/",
        "/analytics/touchpoints/installation",
        "/analytics/trends",
        "/analytics/segments",
        "/analytics/importance",
        "/analytics/impact",
        f"/admin/customers/{customer}",
        "/admin/targets",
        "/admin/webhooks",
        "/admin/links/delivery-installation/print",
        f"/cases/{case}",
        "/admin/audit",
        "/api/v1/docs",
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("location.pathname") == path  # shown, not sent to sign in
        assert problems() == [], path
        broken = page.evaluate("Array.from(document.images).filter((i) => !i.naturalWidth).map((i) => i.src)")
        assert broken == [], path
    page.goto("/analytics/")
    assert page.locator("img").count() >= 1  # the heat map, an SVG <img> the policy lets through


def test_the_policy_really_blocks_inline_script(watched):
    """The checks above can fail: an inline script added to one of our pages is refused and reported."""
    page, problems = watched
    page.goto("/login?lang=en")
    inject = "const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s)"
    page.evaluate(inject)
    assert page.evaluate("window.ran === undefined") is True
    assert any("script-src" in problem for problem in problems())
