"""The departments pages: admins only; the list, setting the head, adding and removing members under the rules."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Department, Role, User
from tests.factories import load_surveys
from tests.web.forms import hidden_fields
from tests.web.test_user_pages import client_for, make_person, post_form


def department_id(app, code: str) -> int:
    """The id of a demo department."""
    with app.app_context():
        return db.session.scalar(sa.select(Department.id).where(Department.code == code))


def head_of(app, code: str) -> int | None:
    """The head id of a demo department, read afresh."""
    with app.app_context():
        return db.session.scalar(sa.select(Department.head_id).where(Department.code == code))


def department_of(app, user_id: int) -> int | None:
    """The department id of a user, read afresh."""
    with app.app_context():
        return db.session.get(User, user_id).department_id


@pytest.fixture
def admin(app):
    """The demo journey loaded, and a browser signed in as an admin."""
    with app.app_context():
        load_surveys(db.session)
    return client_for(app, make_person(app, Role.ADMIN, "Ada Admin"))


@pytest.mark.parametrize("role", [Role.STAFF, Role.OWNER, Role.REPRESENTATIVE, Role.MANAGER])
def test_only_admins_reach_the_departments_pages(app, role):
    with app.app_context():
        load_surveys(db.session)
    field = department_id(app, "field_service")
    browser = client_for(app, make_person(app, role, department_id=field if role == Role.OWNER else None))
    assert browser.get("/admin/departments").status_code == 403
    assert browser.get(f"/admin/departments/{field}").status_code == 403
    token = hidden_fields(browser.get("/suggestions/new").get_data(as_text=True))["csrf_token"]
    for action in ("head", "members", "members/1/remove"):
        response = browser.post(f"/admin/departments/{field}/{action}", data={"csrf_token": token, "head": "1"})
        assert response.status_code == 403, action
    assert head_of(app, "field_service") is None


def test_the_list_shows_each_department_with_its_head_and_a_missing_head(app, admin):
    field = department_id(app, "field_service")
    head = make_person(app, Role.OWNER, "Hu Head", department_id=field)
    with app.app_context():
        db.session.get(Department, field).head_id = head.id
        db.session.commit()
    page = admin.get("/admin/departments").get_data(as_text=True)
    assert "Hu Head" in page and "No head" in page
    assert f'href="/admin/departments/{field}"' in page


def test_an_admin_sets_the_head_among_the_departments_owners_and_managers(app, admin):
    field = department_id(app, "field_service")
    owner = make_person(app, Role.OWNER, "Otto Owner", department_id=field)
    staff = make_person(app, Role.STAFF, "Sam Staff", department_id=field)
    page = f"/admin/departments/{field}"
    assert f'<option value="{staff.id}"' not in admin.get(page).get_data(as_text=True)
    refused = post_form(admin, page, f"{page}/head", {"head": staff.id})
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    assert head_of(app, "field_service") is None
    assert post_form(admin, page, f"{page}/head", {"head": owner.id}).status_code == 303
    assert head_of(app, "field_service") == owner.id
    assert post_form(admin, page, f"{page}/head", {"head": ""}).status_code == 303
    assert head_of(app, "field_service") is None


def test_adding_a_member_moves_them_but_not_the_head_of_another_department(app, admin):
    field, sales = department_id(app, "field_service"), department_id(app, "sales")
    mover = make_person(app, Role.OWNER, "Mo Mover", department_id=sales)
    head = make_person(app, Role.OWNER, "Sally Sales", department_id=sales)
    with app.app_context():
        db.session.get(Department, sales).head_id = head.id
        db.session.commit()
    page = f"/admin/departments/{field}"
    assert post_form(admin, page, f"{page}/members", {"user": mover.id}).status_code == 303
    assert department_of(app, mover.id) == field
    refused = post_form(admin, page, f"{page}/members", {"user": head.id})
    assert refused.status_code == 422
    assert "This person heads Sales: choose another head for it first." in refused.get_data(as_text=True)
    assert department_of(app, head.id) == sales


def test_removing_members_keeps_owners_and_the_head_in_a_department(app, admin):
    field = department_id(app, "field_service")
    staff = make_person(app, Role.STAFF, "Sam Staff", department_id=field)
    owner = make_person(app, Role.OWNER, "Otto Owner", department_id=field)
    page = f"/admin/departments/{field}"
    assert post_form(admin, page, f"{page}/members/{staff.id}/remove", {}).status_code == 303
    assert department_of(app, staff.id) is None
    refused = post_form(admin, page, f"{page}/members/{owner.id}/remove", {})
    assert refused.status_code == 422 and "An owner must belong to a department" in refused.get_data(as_text=True)
    assert department_of(app, owner.id) == field
    assert admin.post(f"{page}/members/{owner.id}/remove").status_code == 400  # no CSRF token
    assert post_form(admin, page, f"{page}/members/{staff.id}/remove", {}).status_code == 404  # not a member


def test_a_head_cannot_be_deactivated_on_the_user_page(app, admin):
    field = department_id(app, "field_service")
    head = make_person(app, Role.OWNER, "Hu Head", department_id=field)
    with app.app_context():
        db.session.get(Department, field).head_id = head.id
        db.session.commit()
    page = f"/admin/users/{head.id}"
    refused = post_form(admin, page, page, {"role": "owner", "department": field})
    assert refused.status_code == 422
    assert "This person heads Delivery &amp; Field Service" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, head.id).active
