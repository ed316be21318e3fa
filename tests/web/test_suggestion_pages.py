"""Suggestion pages: submitting, walking the loop as the right roles, refusals, stale pages, role checks."""

from __future__ import annotations

import itertools
import re
from datetime import date
from types import SimpleNamespace

import pytest

from app.extensions import db
from app.models import Department, Dimension, Role, Stage, Suggestion, SuggestionEvent, Touchpoint
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user, sign_in

DUE = date(2030, 3, 31)
_numbers = itertools.count(1)


def make_person(app, role: Role, name: str, department_id: int | None = None) -> SimpleNamespace:
    """A committed user with ``role``; returns their id and e-mail (the pages load the rest)."""
    email = f"{role}{next(_numbers)}@example.com"
    with app.app_context():
        user = make_user(db.session, email=email, role=role, name=name, department_id=department_id)
        return SimpleNamespace(id=user.id, email=email)


@pytest.fixture
def people(app):
    """A submitter, another staff member, two representatives, an owner and a manager; one touchpoint.

    Made outside any long-lived app context, so each request signs in its own user afresh.
    """
    with app.app_context():
        operations = Department(code="operations", name={"en": "Operations"})
        stage = Stage(code="delivery", position=1, name={"en": "Delivery"})
        db.session.add_all([operations, stage, Dimension(code="speed", name={"en": "Speed"})])
        db.session.flush()
        touchpoint = Touchpoint(
            code="install", stage_id=stage.id, department_id=operations.id, position=1, name={"en": "Installation"}
        )
        db.session.add(touchpoint)
        db.session.commit()
        department_id, touchpoint_id = operations.id, touchpoint.id
    return SimpleNamespace(
        staff=make_person(app, Role.STAFF, "Sam Staff", department_id),
        other_staff=make_person(app, Role.STAFF, "Olga Other", department_id),
        rep=make_person(app, Role.REPRESENTATIVE, "Rita Rep"),
        other_rep=make_person(app, Role.REPRESENTATIVE, "Vera Verifier"),
        owner=make_person(app, Role.OWNER, "Otto Owner", department_id),
        manager=make_person(app, Role.MANAGER, "Mia Manager"),
        touchpoint_id=touchpoint_id,
    )


def client_for(app, user):
    """A browser signed in as ``user``."""
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(browser, email=user.email).status_code == 302
    return browser


def submit(app, user, title="Call before arriving", **fields) -> int:
    """Submit a suggestion through the form; return its id."""
    browser = client_for(app, user)
    token = hidden_fields(browser.get("/suggestions/new").get_data(as_text=True))["csrf_token"]
    data = {"csrf_token": token, "title": title, "description": "Installers should call an hour ahead.", **fields}
    response = browser.post("/suggestions/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/suggestions/(\d+)$", response.headers["Location"]).group(1))


def step(browser, suggestion_id: int, target: str, **fields):
    """Take one step through the suggestion page's form for ``target``, as a browser would."""
    page = browser.get(f"/suggestions/{suggestion_id}").get_data(as_text=True)
    assert f'name="target" value="{target}"' in page, f"no form for {target}"
    hidden = hidden_fields(page)
    data = {"csrf_token": hidden["csrf_token"], "expected_version": hidden["expected_version"], "target": target}
    return browser.post(f"/suggestions/{suggestion_id}", data={**data, **fields})


def state_of(app, suggestion_id: int) -> str:
    """The suggestion's state as stored now."""
    with app.app_context():
        return db.session.get(Suggestion, suggestion_id).state


def count(app, model, **where) -> int:
    """How many rows of ``model`` match ``where``."""
    with app.app_context():
        return db.session.query(model).filter_by(**where).count()


def test_a_suggestion_walks_the_happy_path_and_the_timeline_shows_each_step(app, people):
    suggestion_id = submit(app, people.staff, touchpoint=str(people.touchpoint_id), expected_benefit="Fewer no-shows")
    rep, owner, verifier = (client_for(app, user) for user in (people.rep, people.owner, people.other_rep))
    assert step(rep, suggestion_id, "under_review").status_code == 302
    accepted = step(rep, suggestion_id, "accepted", owner_id=str(people.owner.id), due_date=DUE.isoformat())
    assert accepted.status_code == 302
    assert "Call before arriving" in owner.get("/suggestions/queue").get_data(as_text=True)
    assert step(owner, suggestion_id, "in_progress", note="Starting with the north team").status_code == 302
    assert step(owner, suggestion_id, "implemented").status_code == 302
    assert step(verifier, suggestion_id, "verified", note="Checked ten visits").status_code == 302
    assert step(verifier, suggestion_id, "closed").status_code == 302
    assert state_of(app, suggestion_id) == "closed"
    page = client_for(app, people.staff).get(f"/suggestions/{suggestion_id}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"') :]
    expected = [
        ("Sam Staff", "—", "Submitted"),
        ("Rita Rep", "Submitted", "Under review"),
        ("Rita Rep", "Under review", "Accepted"),
        ("Otto Owner", "Accepted", "In progress"),
        ("Otto Owner", "In progress", "Implemented"),
        ("Vera Verifier", "Implemented", "Verified"),
        ("Vera Verifier", "Verified", "Closed"),
    ]
    rows = re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>", timeline)
    assert rows == expected
    assert "Starting with the north team" in timeline and "Checked ten visits" in timeline
    assert "due 2030-03-31" in timeline


def test_a_rejection_shows_its_reason_on_the_submitters_page(app, people):
    suggestion_id = submit(app, people.staff)
    rep = client_for(app, people.rep)
    step(rep, suggestion_id, "under_review")
    assert step(rep, suggestion_id, "rejected", note="Customers asked not to be called").status_code == 302
    mine = client_for(app, people.staff).get("/suggestions/mine").get_data(as_text=True)
    assert "Rejected" in mine and "Customers asked not to be called" in mine


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(app, people):
    suggestion_id = submit(app, people.staff)
    rep = client_for(app, people.rep)
    step(rep, suggestion_id, "under_review")
    response = step(rep, suggestion_id, "rejected", note="  ")
    assert response.status_code == 422 and "a reason is required" in response.get_data(as_text=True)
    assert state_of(app, suggestion_id) == "under_review"


def test_a_step_by_the_wrong_role_is_refused_with_a_message_and_changes_nothing(app, people):
    suggestion_id = submit(app, people.staff)
    submitter = client_for(app, people.staff)
    page = submitter.get(f"/suggestions/{suggestion_id}").get_data(as_text=True)
    assert 'name="target"' not in page  # staff are offered no steps
    hidden = hidden_fields(page)
    data = {"csrf_token": hidden["csrf_token"], "expected_version": "1", "target": "under_review"}
    response = submitter.post(f"/suggestions/{suggestion_id}", data=data)
    assert response.status_code == 422
    assert "only a representative can start the review" in response.get_data(as_text=True)
    assert state_of(app, suggestion_id) == "submitted"
    assert count(app, SuggestionEvent, suggestion_id=suggestion_id) == 1


def test_the_owner_cannot_verify_their_own_work(app, people):
    owner_rep = make_person(app, Role.ADMIN, "Ann Admin")
    suggestion_id = submit(app, people.staff)
    admin = client_for(app, owner_rep)
    step(admin, suggestion_id, "under_review")
    step(admin, suggestion_id, "accepted", owner_id=str(owner_rep.id), due_date=DUE.isoformat())
    step(admin, suggestion_id, "in_progress")
    step(admin, suggestion_id, "implemented")
    page = admin.get(f"/suggestions/{suggestion_id}").get_data(as_text=True)
    assert 'value="verified"' not in page
    with app.app_context():
        version = db.session.get(Suggestion, suggestion_id).version
    data = {"csrf_token": hidden_fields(page)["csrf_token"], "expected_version": str(version), "target": "verified"}
    response = admin.post(f"/suggestions/{suggestion_id}", data=data)
    assert response.status_code == 422 and "the verifier must not be the owner" in response.get_data(as_text=True)
    assert state_of(app, suggestion_id) == "implemented"


def test_a_stale_page_gets_the_changed_meanwhile_message(app, people):
    suggestion_id = submit(app, people.staff)
    rep, other_rep = client_for(app, people.rep), client_for(app, people.other_rep)
    stale = hidden_fields(other_rep.get(f"/suggestions/{suggestion_id}").get_data(as_text=True))
    assert step(rep, suggestion_id, "under_review").status_code == 302
    data = {"csrf_token": stale["csrf_token"], "expected_version": stale["expected_version"], "target": "under_review"}
    response = other_rep.post(f"/suggestions/{suggestion_id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Changed by someone else meanwhile" in page
    assert '<dd id="state">Under review</dd>' in page
    assert count(app, SuggestionEvent, suggestion_id=suggestion_id) == 2


def test_a_submission_without_a_title_shows_the_message_at_the_field(app, people):
    browser = client_for(app, people.staff)
    token = hidden_fields(browser.get("/suggestions/new").get_data(as_text=True))["csrf_token"]
    response = browser.post("/suggestions/new", data={"csrf_token": token, "title": " ", "description": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="title-error"' in page and 'aria-invalid="true"' in page
    assert count(app, Suggestion) == 0


def test_forms_without_a_csrf_token_are_refused(app, people):
    suggestion_id = submit(app, people.staff)
    staff, rep = client_for(app, people.staff), client_for(app, people.rep)
    no_token = staff.post("/suggestions/new", data={"title": "T", "description": "D"})
    assert no_token.status_code == 400 and count(app, Suggestion) == 1
    step_without_token = rep.post(
        f"/suggestions/{suggestion_id}", data={"target": "under_review", "expected_version": "1"}
    )
    assert step_without_token.status_code == 400 and state_of(app, suggestion_id) == "submitted"


def test_anonymous_people_are_sent_to_sign_in(client, people):
    for path in ("/suggestions/new", "/suggestions/mine", "/suggestions/queue", "/suggestions/board", "/suggestions/1"):
        response = client.get(path)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"], path


def test_staff_see_only_their_own_suggestions_and_not_the_board(app, people):
    suggestion_id = submit(app, people.staff)
    other = client_for(app, people.other_staff)
    assert other.get(f"/suggestions/{suggestion_id}").status_code == 403
    assert "Call before arriving" not in other.get("/suggestions/mine").get_data(as_text=True)
    assert other.get("/suggestions/board").status_code == 403
    assert other.get("/suggestions/queue").status_code == 403
    assert client_for(app, people.manager).get(f"/suggestions/{suggestion_id}").status_code == 200


def test_the_board_groups_open_items_and_filters_them(app, people):
    first = submit(app, people.staff, title="Call before arriving", touchpoint=str(people.touchpoint_id))
    submit(app, people.staff, title="Shorter forms")
    rep = client_for(app, people.rep)
    step(rep, first, "under_review")
    step(rep, first, "accepted", owner_id=str(people.owner.id), due_date="2020-01-31")
    page = rep.get("/suggestions/board").get_data(as_text=True)
    assert "Accepted · Operations" in page and "Submitted · No department yet" in page
    assert page.index("Submitted · ") < page.index("Accepted · ") and "Overdue" in page
    filtered = rep.get(f"/suggestions/board?touchpoint={people.touchpoint_id}").get_data(as_text=True)
    assert "Call before arriving" in filtered and "Shorter forms" not in filtered
    by_state = rep.get("/suggestions/board?state=submitted&department=x").get_data(as_text=True)
    assert "Shorter forms" in by_state and "Call before arriving" not in by_state
    queue = client_for(app, people.owner).get("/suggestions/queue").get_data(as_text=True)
    assert "Call before arriving" in queue and "Overdue" in queue
