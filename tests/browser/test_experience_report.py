"""A manager downloads the periodic experience report (用户体验报告) as a PDF from the analytics overview.

Written against the page's promised interface: on /analytics/ a button (or link) named after the experience
report, optionally in a form with a ``period`` field (YYYY-MM), answers with ``application/pdf``, whether the
browser shows it or saves it.
"""

from __future__ import annotations

import re
import time

from tests.browser.pages import sign_in

REPORT = re.compile(r"experience report", re.IGNORECASE)
PERIOD = "2026-03"  # the seeded answers run from January to March 2026


def capture_documents(page) -> list[dict]:
    """Record every page-level answer (headers and body) from now on, whether it is shown or downloaded."""
    seen: list[dict] = []

    def keep(route):
        if not route.request.is_navigation_request():
            route.continue_()
            return
        answer = route.fetch()
        seen.append({"url": answer.url, "status": answer.status, "headers": answer.headers, "body": answer.body()})
        route.fulfill(response=answer)

    page.route("**/*", keep)
    return seen


def wait_for(found: list, page, seconds: float = 60) -> dict:
    """The first answer recorded in ``found``, letting the page run meanwhile (a report takes a while)."""
    deadline = time.monotonic() + seconds
    while not found and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert found, "the report button led nowhere"
    return found[0]


def test_manager_downloads_the_experience_report_as_a_pdf_from_the_analytics_overview(open_context, answered, people):
    page = open_context().new_page()
    sign_in(page, people.manager)
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Journey analytics").click()
    page.wait_for_url("**/analytics/")

    trigger = page.get_by_role("button", name=REPORT).or_(page.get_by_role("link", name=REPORT)).first
    period = page.locator("form").filter(has=trigger).locator("[name=period]")
    if period.count():
        tag = period.evaluate("field => field.tagName")
        period.select_option(PERIOD) if tag == "SELECT" else period.fill(PERIOD)
    documents = capture_documents(page)
    trigger.click(no_wait_after=True)  # a download is not a navigation the click could wait for

    report = wait_for(documents, page)
    assert report["status"] == 200, report["body"][:500]
    assert report["headers"]["content-type"].split(";")[0] == "application/pdf"
    assert report["body"].startswith(b"%PDF-") and b"%%EOF" in report["body"][-1024:]
