"""The users pages: admins only; list, create (with a made-up password shown once), change, new password."""

from __future__ import annotations

import itertools
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Department, Role, User
from tests.factories import load_surveys
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user, sign_in

_numbers = itertools.count(1)
USER_LINK = re.compile(r'<td><a href="/admin/users/\d+">([^<]*)</a></td>')


def make_person(app, role: Role, name: str = "Someone", **overrides) -> SimpleNamespace:
    """A committed user with ``role``; its id and e-mail."""
    email = overrides.pop("email", None) or f"{role}{next(_numbers)}@example.com"
    with app.app_context():
        user = make_user(db.session, email=email, role=role, name=name, **overrides)
        return SimpleNamespace(id=user.id, email=email)


def client_for(app, person) -> object:
    """A browser signed in as ``person``."""
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(browser, email=person.email).status_code == 302
    return browser


def post_form(browser, page: str, action: str, data: dict):
    """POST ``data`` to ``action`` with the CSRF token of ``page``."""
    token = hidden_fields(browser.get(page).get_data(as_text=True))["csrf_token"]
    return browser.post(action, data={"csrf_token": token, **data})


def stored(app, email: str) -> User | None:
    """The account with ``email``, read afresh."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


@pytest.fixture
def admin(app):
    """The demo journey loaded, and a browser signed in as an admin."""
    with app.app_context():
        load_surveys(db.session)
    person = make_person(app, Role.ADMIN, "Ada Admin", email="admin@example.com")
    browser = client_for(app, person)
    browser.person = person
    return browser


def department_id(app, code: str) -> int:
    """The id of a demo department."""
    with app.app_context():
        return db.session.scalar(sa.select(Department.id).where(Department.code == code))


@pytest.mark.parametrize("role", [Role.STAFF, Role.OWNER, Role.REPRESENTATIVE, Role.MANAGER])
def test_only_admins_reach_the_users_pages(app, role):
    target = make_person(app, Role.STAFF)
    browser = client_for(app, make_person(app, role))
    for path in ("/admin/users", "/admin/users/new", f"/admin/users/{target.id}"):
        assert browser.get(path).status_code == 403, path
    token = hidden_fields(browser.get("/suggestions/new").get_data(as_text=True))["csrf_token"]
    assert browser.post(f"/admin/users/{target.id}/password", data={"csrf_token": token}).status_code == 403
    assert "/admin/users" not in browser.get("/suggestions/new").get_data(as_text=True)  # no menu entry


def test_the_list_searches_and_filters_by_role(app, admin):
    make_person(app, Role.STAFF, "Zhang Wei")
    make_person(app, Role.REPRESENTATIVE, "Wang Fang")
    page = admin.get("/admin/users?q=wang")
    assert USER_LINK.findall(page.get_data(as_text=True)) == ["Wang Fang"]
    page = admin.get("/admin/users?role=staff")
    assert USER_LINK.findall(page.get_data(as_text=True)) == ["Zhang Wei"]
    assert 'href="/admin/users" aria-current="page">Users' in page.get_data(as_text=True)
    assert len(USER_LINK.findall(admin.get("/admin/users?role=nonsense").get_data(as_text=True))) == 3


def test_a_created_account_with_a_made_up_password_shows_it_once_and_can_sign_in(app, admin):
    response = post_form(
        admin,
        "/admin/users/new",
        "/admin/users/new",
        {"name": "Otto Owner", "email": "Otto@Example.com", "role": "owner", "department": department_id(app, "sales")},
    )
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    password = re.search(r"<code>([^<]+)</code>", response.get_data(as_text=True)).group(1)
    user = stored(app, "otto@example.com")
    assert user.role == Role.OWNER and user.check_password(password) and password not in user.password_hash
    newcomer = app.test_client()
    assert sign_in(newcomer, email="otto@example.com", password=password).status_code == 302
    assert password not in admin.get(f"/admin/users/{user.id}").get_data(as_text=True)


def test_a_password_typed_by_the_admin_is_not_shown_back(app, admin):
    response = post_form(
        admin,
        "/admin/users/new",
        "/admin/users/new",
        {"name": "Sam", "email": "sam@example.com", "role": "staff", "department": "", "password": "typed-by-admin"},
    )
    assert response.status_code == 201 and "typed-by-admin" not in response.get_data(as_text=True)
    assert stored(app, "sam@example.com").check_password("typed-by-admin")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "ADMIN@example.com"}, "admin@example.com already has an account."),
        ({"role": "owner", "department": ""}, "An owner must belong to a department"),
        ({"password": "short"}, "Between 10 and 200 characters"),
        ({"email": "not-an-email"}, "Invalid email address"),
        ({"role": "emperor"}, "Not a valid choice"),
    ],
)
def test_a_new_account_that_breaks_a_rule_is_refused_with_a_message(app, admin, fields, message):
    data = {"name": "New One", "email": "new@example.com", "role": "staff", "department": "", **fields}
    response = post_form(admin, "/admin/users/new", "/admin/users/new", data)
    assert response.status_code in (400, 422)
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_without_a_csrf_token_nothing_is_created(app, admin):
    data = {"name": "X", "email": "x@example.com", "role": "staff", "department": ""}
    assert admin.post("/admin/users/new", data=data).status_code == 400
    assert stored(app, "x@example.com") is None


def test_an_admin_changes_role_department_and_active(app, admin):
    person = make_person(app, Role.STAFF, "Sam Staff")
    page = f"/admin/users/{person.id}"
    response = post_form(admin, page, page, {"role": "owner", "department": department_id(app, "sales"), "active": ""})
    assert response.status_code == 303
    user = stored(app, person.email)
    assert (user.role, user.department_id, user.active) == ("owner", department_id(app, "sales"), False)
    assert "Saved the changes to Sam Staff." in admin.get(page).get_data(as_text=True)


def test_an_admin_cannot_deactivate_or_demote_themself_on_the_page(app, admin):
    page = f"/admin/users/{admin.person.id}"
    response = post_form(admin, page, page, {"role": "admin", "department": ""})  # "active" unticked
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    response = post_form(admin, page, page, {"role": "manager", "department": "", "active": "y"})
    assert response.status_code == 422
    assert "You cannot take the administrator role from yourself" in response.get_data(as_text=True)
    user = stored(app, admin.person.email)
    assert (user.role, user.active) == ("admin", True)


def test_a_new_password_made_up_for_someone_is_shown_once(app, admin):
    person = make_person(app, Role.STAFF)
    page = f"/admin/users/{person.id}"
    response = post_form(admin, page, f"{page}/password", {"password": ""})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = re.search(r"<code>([^<]+)</code>", response.get_data(as_text=True)).group(1)
    assert stored(app, person.email).check_password(password)
    assert not stored(app, person.email).check_password("correct horse battery")
    too_short = post_form(admin, page, f"{page}/password", {"password": "tiny"})
    assert too_short.status_code == 400 and stored(app, person.email).check_password(password)


def test_an_unknown_account_is_a_404(admin):
    assert admin.get("/admin/users/999999").status_code == 404
