"""What the browser tests do on pages: sign in, check accessibility with axe-core, measure, keep screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path

PASSWORD = "correct horse battery"  # every person the browser tests make
SERIOUS = ("serious", "critical")


def sign_in(page, person) -> None:
    """Sign in through the real form (CSRF token and all) and wait to land past it."""
    page.goto("/login")
    page.locator("#email").fill(person.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def serious_violations(page, axe_script: str) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one readable line per element."""
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern: an
    # added <script> element would be refused (no inline scripts), and the test must not weaken the policy.
    page.evaluate(axe_script)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for violation in result["violations"]:
        if violation["impact"] not in SERIOUS:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {target}: {summary}")
    return lines


def assert_accessible(page, axe_script: str) -> None:
    """Fail with every serious or critical axe-core violation on the page, listed one per line."""
    keep_screenshot(page)
    found = serious_violations(page, axe_script)
    assert not found, f"{len(found)} serious accessibility problems on {page.url}:\n" + "\n".join(found)


def page_width(page) -> int:
    """The width the page's content needs (more than the viewport means sideways scrolling)."""
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def keep_screenshot(page, name: str | None = None) -> None:
    """Save a full-page screenshot into TOUCHLOOP_SCREENSHOTS, when set, to look at what the tests saw."""
    folder = os.environ.get("TOUCHLOOP_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    name = name or re.sub(r"[^A-Za-z0-9]+", "_", page.url.split("//", 1)[-1].split("/", 1)[-1]).strip("_")
    page.screenshot(path=str(Path(folder) / f"{name or 'root'}.png"), full_page=True)
