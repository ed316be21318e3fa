"""The inbox and its settings: each user sees only their own notices, in their language; changes need CSRF."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Notification, NotificationSetting, Role, User
from app.services.notifications import notify, unread_count
from app.services.suggestions import advance_suggestion, submit_suggestion
from tests.web.forms import hidden_fields
from tests.web.test_suggestion_pages import client_for, make_person
from touchloop.notifications import Kind
from touchloop.suggestion_flow import State


@pytest.fixture
def people(app):
    """A staff member, a representative and an owner, made outside any long-lived app context."""
    return SimpleNamespace(
        staff=make_person(app, Role.STAFF, "Sam Staff"),
        rep=make_person(app, Role.REPRESENTATIVE, "Rita Rep"),
        owner=make_person(app, Role.OWNER, "Otto Owner"),
    )


def suggestion_with_steps(app, people, title="Call <b>before</b> arriving") -> int:
    """Sam's suggestion, reviewed and deferred by Rita: two notices for Sam. Its id."""
    with app.app_context():
        staff, rep = db.session.get(User, people.staff.id), db.session.get(User, people.rep.id)
        suggestion = submit_suggestion(db.session, submitter=staff, title=title, description="An hour ahead.")
        advance_suggestion(db.session, suggestion.id, State.UNDER_REVIEW, actor=rep)
        advance_suggestion(db.session, suggestion.id, State.DEFERRED, actor=rep, note="Next <i>quarter</i>")
        db.session.commit()
        return suggestion.id


def unread(app, user) -> int:
    """How many unread notices ``user`` has."""
    with app.app_context():
        return unread_count(db.session, user.id)


def test_the_inbox_lists_my_notices_newest_first_escaped_and_linked_to_their_item(app, people):
    suggestion_id = suggestion_with_steps(app, people)
    page = client_for(app, people.staff).get("/inbox").get_data(as_text=True)
    items = re.findall(r'<li class="(unread|read)">', page)
    assert items == ["unread", "unread"]
    assert page.index("to “Deferred”") < page.index("to “Under review”")
    assert f'href="/suggestions/{suggestion_id}"' in page
    assert "Call &lt;b&gt;before&lt;/b&gt; arriving" in page and "<b>before</b>" not in page
    assert "By Rita Rep: Next &lt;i&gt;quarter&lt;/i&gt;" in page
    assert "Inbox (2" in page


def test_the_inbox_speaks_the_readers_language(app, people):
    suggestion_with_steps(app, people)
    browser = client_for(app, people.staff)
    page = browser.get("/inbox?lang=zh").get_data(as_text=True)
    assert "“审核中”" in page and "“暂缓”" in page and 'lang="zh-CN"' in page


def test_nobody_sees_anyone_elses_notices(app, people):
    suggestion_with_steps(app, people)
    page = client_for(app, people.owner).get("/inbox").get_data(as_text=True)
    assert "No notifications yet." in page and "Call &lt;b&gt;" not in page and "Inbox (0" in page


def test_mark_all_read_needs_the_csrf_token_and_marks_only_my_notices(app, people):
    suggestion_id = suggestion_with_steps(app, people)
    with app.app_context():
        notify(db.session, people.owner.id, Kind.ASSIGNED, dedup_key="owner", suggestion_id=suggestion_id)
        db.session.commit()
    browser = client_for(app, people.staff)
    assert browser.post("/inbox/read").status_code == 400
    assert unread(app, people.staff) == 2
    token = hidden_fields(browser.get("/inbox").get_data(as_text=True))["csrf_token"]
    response = browser.post("/inbox/read", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/inbox"
    assert unread(app, people.staff) == 0 and unread(app, people.owner) == 1
    page = browser.get("/inbox").get_data(as_text=True)
    assert "Notifications marked read: 2." in page and re.findall(r'<li class="(unread|read)">', page) == ["read"] * 2


def test_a_long_inbox_is_paginated(app, people):
    suggestion_id = suggestion_with_steps(app, people)
    with app.app_context():
        for number in range(25):
            params = {"title": f"Item {number:02d}", "due": "2030-03-31"}
            key = f"test:{number}"
            notify(
                db.session, people.owner.id, Kind.DUE_SOON, dedup_key=key, params=params, suggestion_id=suggestion_id
            )
        db.session.commit()
    browser = client_for(app, people.owner)
    first = browser.get("/inbox").get_data(as_text=True)
    assert "Item 24" in first and "Item 04" not in first and 'href="/inbox?page=2"' in first
    second = browser.get("/inbox?page=2").get_data(as_text=True)
    assert "Item 04" in second and "Item 05" not in second and "Page 2 of 2" in second
    assert browser.get("/inbox?page=abc").status_code == 200


@pytest.mark.parametrize("role", [Role.STAFF, Role.OWNER, Role.REPRESENTATIVE, Role.MANAGER, Role.ADMIN])
def test_every_signed_in_role_has_an_inbox_and_settings(app, role):
    user = make_person(app, role, "Anyone")
    browser = client_for(app, user)
    assert browser.get("/inbox").status_code == 200
    assert browser.get("/inbox/settings").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/inbox", "/inbox/settings"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/inbox/read").status_code == 400  # no CSRF token, no session: refused before anything


def test_settings_show_the_defaults_and_save_a_choice_per_kind(app, people):
    browser = client_for(app, people.staff)
    page = browser.get("/inbox/settings").get_data(as_text=True)
    assert re.search(r'<input checked id="assigned-\d" name="assigned" required type="radio" value="immediate">', page)
    assert re.search(r'<input checked id="due_soon-\d" name="due_soon" required type="radio" value="digest">', page)
    token = hidden_fields(page)["csrf_token"]
    choices = {"assigned": "digest", "due_soon": "off", "overdue": "immediate", "state_changed": "in_app"}
    data = {"csrf_token": token, **choices, "language": "en"}
    response = browser.post("/inbox/settings", data=data)
    assert response.status_code == 302
    with app.app_context():
        setting = db.session.get(NotificationSetting, people.staff.id)
        chosen = (setting.assigned, setting.due_soon, setting.overdue, setting.state_changed, setting.language)
    assert chosen == ("digest", "off", "immediate", "in_app", "en")


def test_settings_refuse_unknown_choices_and_missing_tokens_and_store_nothing(app, people):
    browser = client_for(app, people.staff)
    token = hidden_fields(browser.get("/inbox/settings").get_data(as_text=True))["csrf_token"]
    data = {"assigned": "sometimes", "due_soon": "off", "overdue": "off", "state_changed": "off", "language": "fr"}
    bad = browser.post("/inbox/settings", data={"csrf_token": token, **data})
    assert bad.status_code == 400 and "Not a valid choice" in bad.get_data(as_text=True)
    assert browser.post("/inbox/settings", data={**data, "assigned": "off", "language": "en"}).status_code == 400
    with app.app_context():
        assert db.session.get(NotificationSetting, people.staff.id) is None


def test_my_suggestions_lists_those_i_follow_and_i_may_open_them(app, people):
    with app.app_context():
        rep, owner = db.session.get(User, people.rep.id), db.session.get(User, people.owner.id)
        staff = db.session.get(User, people.staff.id)
        original = submit_suggestion(db.session, submitter=owner, title="The original idea", description="x")
        duplicate = submit_suggestion(db.session, submitter=staff, title="My duplicate", description="x")
        advance_suggestion(db.session, duplicate.id, State.UNDER_REVIEW, actor=rep)
        advance_suggestion(db.session, duplicate.id, State.DUPLICATE, actor=rep, merge_into_id=original.id)
        db.session.commit()
        original_id = original.id
    browser = client_for(app, people.staff)
    mine = browser.get("/suggestions/mine").get_data(as_text=True)
    assert "Suggestions I follow" in mine and mine.index("My duplicate") < mine.index("The original idea")
    assert browser.get(f"/suggestions/{original_id}").status_code == 200
    with app.app_context():
        kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == people.staff.id))
        assert list(kinds) == ["state_changed", "state_changed"]
