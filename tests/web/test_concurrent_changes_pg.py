"""Two people change one suggestion, or one case, at the same moment: one wins, the other is told; nothing is lost.

The app runs in a real threaded HTTP server against PostgreSQL, and two browsers with their own cookies post
conflicting steps through a barrier. To make the race certain rather than likely, the test holds the row's lock
until both requests have read the same version and are waiting to write it; then it lets go.
"""

from __future__ import annotations

import http.cookiejar
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app.extensions import db
from app.models import CaseEvent, Department, FollowUpCase, Role, Suggestion, SuggestionEvent, User
from app.services.suggestions import advance_suggestion, submit_suggestion
from tests.factories import load_surveys, make_response
from tests.services.test_cases import DETRACTOR
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user

WAIT_SECONDS = 20


@pytest.fixture
def server(app, database_url):
    """The app served over HTTP on a free local port by a threaded server; skipped without PostgreSQL."""
    if sa.make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL row locks: set TEST_DATABASE_URL to a postgresql:// database to run")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


class _Stay(urllib.request.HTTPRedirectHandler):
    """Hand redirects back to the caller, as a test client does."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        """Follow no redirect: the 302 itself is the answer."""
        return None


class Browser:
    """An HTTP client with its own cookie jar, speaking English."""

    def __init__(self, base: str):
        """A browser for the server at ``base``, with an empty cookie jar."""
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _Stay)

    def fetch(self, path: str, form: dict | None = None) -> tuple[int, str]:
        """GET ``path``, or POST ``form`` to it; the status and the page."""
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Accept-Language": "en"})
        try:
            with self.opener.open(request, timeout=WAIT_SECONDS * 2) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()

    def sign_in(self, email: str) -> Browser:
        """Sign in through the real form."""
        token = hidden_fields(self.fetch("/login")[1])["csrf_token"]
        status, _page = self.fetch("/login", {"csrf_token": token, "email": email, "password": "correct horse battery"})
        assert status == 302
        return self


def race(database_url: str, table: str, row_id: int, posts: list) -> list[tuple[int, str]]:
    """Run ``posts`` (callables) at once while the row is locked; let go once all wait to write it."""
    engine = sa.create_engine(database_url)
    results: list = [None] * len(posts)
    barrier = threading.Barrier(len(posts))

    def run(index: int) -> None:
        """Post number ``index`` as soon as every post is ready."""
        barrier.wait(timeout=WAIT_SECONDS)
        results[index] = posts[index]()

    try:
        with engine.connect() as holder, engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
            lock = holder.begin()
            holder.execute(sa.text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE"), {"id": row_id})
            threads = [threading.Thread(target=run, args=(index,)) for index in range(len(posts))]
            for thread in threads:
                thread.start()
            waiting = _wait_for_waiters(watcher, len(posts))
            lock.commit()
            for thread in threads:
                thread.join(timeout=WAIT_SECONDS * 2)
    finally:
        engine.dispose()
    assert waiting == len(posts), f"only {waiting} of {len(posts)} requests reached the locked row"
    return results


def _wait_for_waiters(watcher, expected: int) -> int:
    """How many other sessions of this database wait for a lock, once ``expected`` do (or time runs out)."""
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + WAIT_SECONDS
    waiting = 0
    while time.monotonic() < deadline:
        waiting = watcher.execute(query).scalar_one()
        if waiting >= expected:
            break
        time.sleep(0.05)
    return waiting


def _person(role: str, name: str, department_id: int | None = None) -> SimpleNamespace:
    """A committed user (in the current app context); their id and e-mail."""
    email = f"{name.split()[0].lower()}@example.com"
    user = make_user(db.session, email=email, role=role, name=name, department_id=department_id)
    return SimpleNamespace(id=user.id, email=user.email)


def _step_form(page: str, target: str, **fields) -> dict:
    """The form a browser would post for ``target`` from ``page`` (token and version as read there)."""
    hidden = hidden_fields(page)
    return {
        "csrf_token": hidden["csrf_token"],
        "expected_version": hidden["expected_version"],
        "target": target,
        **fields,
    }


def test_two_representatives_deciding_one_suggestion_at_once_one_wins_and_the_other_sees_the_new_state(
    app, server, database_url
):
    with app.app_context():
        operations = Department(code="operations", name={"en": "Operations"})
        db.session.add(operations)
        db.session.commit()
        staff, rita, vera = (
            _person(Role.STAFF, "Sam Staff"),
            _person(Role.REPRESENTATIVE, "Rita Rep"),
            _person(Role.REPRESENTATIVE, "Vera Rep"),
        )
        owner = _person(Role.OWNER, "Otto Owner", operations.id)
        suggestion = submit_suggestion(
            db.session, submitter=db.session.get(User, staff.id), title="Call first", description="An hour ahead."
        )
        advance_suggestion(db.session, suggestion.id, "under_review", actor=db.session.get(User, rita.id))
        db.session.commit()
        suggestion_id = suggestion.id
    first, second = Browser(server).sign_in(rita.email), Browser(server).sign_in(vera.email)
    path = f"/suggestions/{suggestion_id}"
    accept = _step_form(
        first.fetch(path)[1], "accepted", owner_id=str(owner.id), due_date=date(2030, 3, 31).isoformat()
    )
    reject = _step_form(second.fetch(path)[1], "rejected", note="Customers asked not to be called")
    assert accept["expected_version"] == reject["expected_version"] == "2"

    results = race(
        database_url,
        "suggestion",
        suggestion_id,
        [lambda: first.fetch(path, accept), lambda: second.fetch(path, reject)],
    )

    assert sorted(status for status, _page in results) == [302, 409]
    winner = "accepted" if results[0][0] == 302 else "rejected"
    loser_page = next(page for status, page in results if status == 409)
    assert "Changed by someone else meanwhile; here is the new state." in loser_page
    assert f'<dd id="state">{ {"accepted": "Accepted", "rejected": "Rejected"}[winner] }</dd>' in loser_page
    with app.app_context():
        found = db.session.get(Suggestion, suggestion_id)
        steps = db.session.scalars(
            sa.select(SuggestionEvent.to_state)
            .where(SuggestionEvent.suggestion_id == suggestion_id)
            .order_by(SuggestionEvent.id)
        ).all()
        assert (found.state, found.version) == (winner, 3)
        assert steps == ["submitted", "under_review", winner]


def test_a_representative_and_an_owner_moving_one_case_at_once_one_wins_and_the_other_sees_the_new_state(
    app, server, database_url
):
    with app.app_context():
        load_surveys(db.session)
        make_response(db.session, DETRACTOR)
        case = db.session.scalars(sa.select(FollowUpCase)).one()
        case_id, department_id = case.id, case.department_id
        rita = _person(Role.REPRESENTATIVE, "Rita Rep")
        owner = _person(Role.OWNER, "Fiona Field", department_id)
    first, second = Browser(server).sign_in(rita.email), Browser(server).sign_in(owner.email)
    path = f"/cases/{case_id}"
    acknowledge = _step_form(first.fetch(path)[1], "acknowledged")
    contact = _step_form(second.fetch(path)[1], "contacted", note="Called the customer")
    assert acknowledge["expected_version"] == contact["expected_version"] == "1"

    results = race(
        database_url,
        "follow_up_case",
        case_id,
        [lambda: first.fetch(path, acknowledge), lambda: second.fetch(path, contact)],
    )

    assert sorted(status for status, _page in results) == [302, 409]
    winner = "acknowledged" if results[0][0] == 302 else "contacted"
    name = {"acknowledged": "Acknowledged", "contacted": "Customer contacted"}[winner]
    loser_page = next(page for status, page in results if status == 409)
    assert f"This case was changed by someone else meanwhile; it is now {name}." in loser_page
    assert f'<dd id="case-state">{name}</dd>' in loser_page
    with app.app_context():
        found = db.session.get(FollowUpCase, case_id)
        steps = db.session.scalars(
            sa.select(CaseEvent.to_state).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        ).all()
        assert (found.state, found.version) == (winner, 2)
        assert steps == ["new", winner]
