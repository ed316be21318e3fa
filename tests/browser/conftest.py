"""Browser fixtures: the test app served on a free port, one Debian Chromium per run, a context per test.

Chromium and the npm axe-core are outside pip's reach. Where either is missing the tests that need it skip
with the reason; with TOUCHLOOP_REQUIRE_BROWSER set (CI sets it) a missing one fails instead, so CI cannot
pass by testing nothing.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from werkzeug.serving import WSGIRequestHandler, make_server

from app.models import Department, Role
from tests.browser.pages import PASSWORD
from tests.factories import load_surveys
from tests.services.analytics_seed import seed
from tests.web.test_auth import make_user

HERE = Path(__file__).resolve().parent
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
# Without the background-networking flags Chromium keeps dialling out, and a closed network refuses it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def missing(reason: str) -> None:
    """Skip for want of a browser tool; fail instead where TOUCHLOOP_REQUIRE_BROWSER says it must be there."""
    if os.environ.get("TOUCHLOOP_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (TOUCHLOOP_REQUIRE_BROWSER is set, so the browser tests must run)", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str | None:
    """Debian's Chromium (or TOUCHLOOP_CHROMIUM), if installed."""
    wanted = os.environ.get("TOUCHLOOP_CHROMIUM")
    if wanted:
        return wanted if os.access(wanted, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for all the browser tests (each gets its own contexts); closed after the last."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright package is not installed (pip install -r requirements-dev.txt)")
    executable = chromium_path()
    if executable is None:
        missing("Chromium is not installed (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="package")
def axe_script() -> str:
    """The source of axe.min.js, installed by ``npm ci`` in tests/browser."""
    if not AXE_SCRIPT.exists():
        missing(f"axe-core is not installed (run: npm ci --prefix {HERE.relative_to(HERE.parents[1])})")
    return AXE_SCRIPT.read_text(encoding="utf-8")


class _QuietHandler(WSGIRequestHandler):
    """Logs errors only: a line per request would bury pytest's output."""

    def log_request(self, code="-", size="-"):
        """Drop the access log line."""


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test app, CSRF on, served by werkzeug in a thread on a free port; yields its base URL."""
    app.config["WTF_CSRF_ENABLED"] = True  # the real forms, tokens and all
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def open_context(browser, live_server):
    """Makes browser contexts on the live server (``open_context(phone=True, locale="zh-CN")``); checks them after.

    Every 5xx answer and every uncaught script error seen in any of them fails the test.
    """
    contexts, problems = [], []

    def note_server_error(response):
        if response.status >= 500:
            problems.append(f"{response.status} from {response.url}")

    def note_script_error(web_error):
        problems.append(f"script error: {web_error.error}")

    def open_one(*, phone: bool = False, locale: str = "en-US"):
        context = browser.new_context(base_url=live_server, locale=locale, **(PHONE if phone else DESKTOP))
        context.set_default_timeout(10_000)
        context.on("response", note_server_error)
        context.on("weberror", note_script_error)
        contexts.append(context)
        return context

    yield open_one
    for context in contexts:
        context.close()
    assert not problems, problems


@pytest.fixture
def demo(session):
    """The demo journey and surveys, loaded and committed (the server sees them)."""
    load_surveys(session)
    return session


@pytest.fixture
def answered(demo):
    """240 responses to the demo surveys from January to March 2026, from customers in every segment."""
    seed(demo, responses=240)
    return demo


@pytest.fixture
def people(demo) -> SimpleNamespace:
    """A staff member, a representative, an owner in Sales and a manager, all with PASSWORD."""
    sales = demo.scalar(sa.select(Department.id).where(Department.code == "sales"))
    made = {}
    for key, role, name, department_id in (
        ("staff", Role.STAFF, "Sam Staff", sales),
        ("rep", Role.REPRESENTATIVE, "Rita Rep", None),
        ("owner", Role.OWNER, "Otto Owner", sales),
        ("manager", Role.MANAGER, "Mia Manager", None),
    ):
        email = f"{key}@huachen.example"
        user = make_user(demo, email=email, role=role, password=PASSWORD, name=name, department_id=department_id)
        made[key] = SimpleNamespace(id=user.id, email=email, name=name)
    return SimpleNamespace(**made)
