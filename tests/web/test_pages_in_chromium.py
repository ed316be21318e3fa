"""Real pages in headless Chromium under the real Content-Security-Policy: no violation, no error, scripts work."""

from __future__ import annotations

import os

import pytest

from app.models import Role
from tests.chromium_pipe import Chromium, chromium_path, serve
from tests.web.route_world import PASSWORD, build_world

CHROMIUM = chromium_path()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("TOUCHLOOP_REQUIRE_BROWSER"),
    reason="Chromium is not installed (set TOUCHLOOP_REQUIRE_BROWSER=1 to make that a failure)",
)


@pytest.fixture
def site(app):
    """The seeded app on a real local server, and a Chromium to visit it; both stopped afterwards."""
    world = build_world(app)
    with serve(app) as base:
        browser = Chromium(CHROMIUM)
        try:
            yield base, browser, world
        finally:
            browser.close()


def _sign_in(browser: Chromium, base: str, email: str) -> None:
    browser.open(f"{base}/login?lang=en")
    assert browser.problems() == []
    fill = (
        f"document.getElementById('email').value = {email!r}; document.getElementById('password').value = {PASSWORD!r}"
    )
    browser.submit(f"{fill}; document.querySelector('main form').submit()")
    assert browser.evaluate("location.pathname") != "/login", browser.evaluate("document.body.innerText")


def test_the_survey_page_runs_its_script_under_the_policy(site):
    base, browser, _world = site
    browser.open(f"{base}/s/delivery-installation?lang=en")
    question = "document.querySelector('[data-question=\"improve\"]').hidden"
    assert browser.evaluate(question) is True  # show_if: only after a low score
    browser.evaluate('document.querySelector(\'input[name="q_recommend"][value="3"]\').click()')
    assert browser.evaluate(question) is False
    assert browser.problems() == []


def test_signed_in_pages_load_with_no_violation_and_their_charts_draw(site):
    base, browser, world = site
    _sign_in(browser, base, world.emails[Role.ADMIN])
    suggestion, customer = world.values["suggestion_id"], world.values["customer_id"]
    pages = [
        "/suggestions/new",
        f"/suggestions/{suggestion}",
        "/suggestions/board",
        "/analytics/",
        "/analytics/touchpoints/installation",
        f"/admin/customers/{customer}",
        "/admin/targets",
        "/admin/links/delivery-installation/print",
        f"/cases/{world.values['case_id']}",
        "/admin/audit",
        "/api/v1/docs",
    ]
    for page in pages:
        browser.open(f"{base}{page}")
        assert browser.evaluate("location.pathname") == page  # shown, not sent to sign in
        assert browser.problems() == [], page
        broken = browser.evaluate("Array.from(document.images).filter((i) => !i.naturalWidth).map((i) => i.src)")
        assert broken == [], page
    browser.open(f"{base}/analytics/")
    assert browser.evaluate("document.images.length") >= 1  # the heat map, an SVG <img>


def test_the_policy_really_blocks_inline_script(site):
    """The check above can fail: an inline script on our pages is refused and reported."""
    base, browser, _world = site
    browser.open(f"{base}/login?lang=en")
    browser.evaluate(
        "const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s)"
    )
    assert browser.evaluate("window.ran === undefined") is True
    assert any("script-src" in problem for problem in browser.problems())
