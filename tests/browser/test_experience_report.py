"""A manager downloads the periodic experience report (用户体验报告) as a PDF from the analytics overview.

On /analytics/ the report form (month, language) and its button answer with ``application/pdf``, whether the
browser shows it or saves it; the month picked is the one the seeded answers fall in.
"""

from __future__ import annotations

import re
import time

from tests.browser.pages import sign_in

REPORT = re.compile(r"download the report", re.IGNORECASE)
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

    form = page.get_by_role("form", name=re.compile("experience report", re.IGNORECASE))
    form.get_by_label("Month").fill(PERIOD)
    form.get_by_label("Language").select_option("en")
    trigger = form.get_by_role("button", name=REPORT)
    documents = capture_documents(page)
    trigger.click(no_wait_after=True)  # a download is not a navigation the click could wait for

    report = wait_for(documents, page)
    assert report["status"] == 200, report["body"][:500]
    assert report["headers"]["content-type"].split(";")[0] == "application/pdf"
    assert report["body"].startswith(b"%PDF-") and b"%%EOF" in report["body"][-1024:]
    assert "experience-report-2026-03-en.pdf" in report["headers"].get("content-disposition", "")
