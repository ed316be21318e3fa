"""Setting a customer's representative on the customer page: admins and representatives, among active ones."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Customer, FollowUpCase, Role
from tests.factories import load_surveys, make_customer, make_response
from tests.web.forms import hidden_fields
from tests.web.test_user_pages import client_for, make_person


@pytest.fixture
def customer_id(app) -> int:
    """A customer of the loaded demo journey, with no representative yet."""
    with app.app_context():
        load_surveys(db.session)
        return make_customer(db.session, name="Lin Wei").id


def representative_of(app, customer_id: int) -> str | None:
    """The customer's representative e-mail, read afresh."""
    with app.app_context():
        return db.session.get(Customer, customer_id).representative


def choose(browser, customer_id: int, email: str, *, token: str | None = None):
    """Post the representative form of the customer page."""
    page = f"/admin/customers/{customer_id}"
    if token is None:
        token = hidden_fields(browser.get(page).get_data(as_text=True))["csrf_token"]
    return browser.post(f"{page}/representative", data={"csrf_token": token, "representative": email})


@pytest.mark.parametrize("role", [Role.ADMIN, Role.REPRESENTATIVE])
def test_admins_and_representatives_set_the_representative_and_the_page_shows_it(app, customer_id, role):
    rita = make_person(app, Role.REPRESENTATIVE, "Rita Rep", email="rita@example.com")
    browser = client_for(app, make_person(app, role, "Actor"))
    page = browser.get(f"/admin/customers/{customer_id}").get_data(as_text=True)
    assert '<option value="rita@example.com">Rita Rep &lt;rita@example.com&gt;</option>' in page
    response = choose(browser, customer_id, rita.email)
    assert response.status_code == 303
    assert representative_of(app, customer_id) == "rita@example.com"
    page = browser.get(f"/admin/customers/{customer_id}").get_data(as_text=True)
    assert "Saved the customer representative." in page
    assert '<dd>Rita Rep <span class="muted">&lt;rita@example.com&gt;</span></dd>' in page
    assert '<option selected value="rita@example.com">' in page
    assert choose(browser, customer_id, "").status_code == 303  # nobody
    assert representative_of(app, customer_id) is None


def test_managers_see_the_representative_but_cannot_change_it(app, customer_id):
    make_person(app, Role.REPRESENTATIVE, "Rita Rep", email="rita@example.com")
    manager = client_for(app, make_person(app, Role.MANAGER))
    page = manager.get(f"/admin/customers/{customer_id}").get_data(as_text=True)
    assert "/representative" not in page
    token = hidden_fields(page)["csrf_token"]
    assert choose(manager, customer_id, "rita@example.com", token=token).status_code == 403
    assert representative_of(app, customer_id) is None


@pytest.mark.parametrize("role", [Role.STAFF, Role.OWNER])
def test_staff_and_owners_cannot_set_a_representative(app, customer_id, role):
    make_person(app, Role.REPRESENTATIVE, "Rita Rep", email="rita@example.com")
    browser = client_for(app, make_person(app, role))
    token = hidden_fields(browser.get("/suggestions/new").get_data(as_text=True))["csrf_token"]
    assert choose(browser, customer_id, "rita@example.com", token=token).status_code == 403
    assert representative_of(app, customer_id) is None


def test_only_active_representatives_can_be_chosen(app, customer_id):
    make_person(app, Role.REPRESENTATIVE, "Gone Rep", email="gone@example.com", active=False)
    make_person(app, Role.STAFF, "Sam Staff", email="sam@example.com")
    admin = client_for(app, make_person(app, Role.ADMIN))
    page = admin.get(f"/admin/customers/{customer_id}").get_data(as_text=True)
    assert "gone@example.com" not in page and "sam@example.com" not in page
    for email in ("gone@example.com", "sam@example.com", "nobody@example.com"):
        response = choose(admin, customer_id, email)
        assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    assert representative_of(app, customer_id) is None


def test_an_imported_representative_who_is_no_longer_active_is_shown_and_must_be_replaced(app, customer_id):
    with app.app_context():
        db.session.get(Customer, customer_id).representative = "Old.Rep@example.com"
        db.session.commit()
    make_person(app, Role.REPRESENTATIVE, "Rita Rep", email="rita@example.com")
    admin = client_for(app, make_person(app, Role.ADMIN))
    page = admin.get(f"/admin/customers/{customer_id}").get_data(as_text=True)
    assert 'Old.Rep@example.com <span class="badge">not an active representative</span>' in page
    assert '<option selected value="Old.Rep@example.com">' in page
    refused = choose(admin, customer_id, "Old.Rep@example.com")
    assert refused.status_code == 422
    assert "Choose one of the active customer representatives." in refused.get_data(as_text=True)
    assert choose(admin, customer_id, "rita@example.com").status_code == 303
    assert representative_of(app, customer_id) == "rita@example.com"


def test_the_change_needs_a_csrf_token(app, customer_id):
    make_person(app, Role.REPRESENTATIVE, "Rita Rep", email="rita@example.com")
    admin = client_for(app, make_person(app, Role.ADMIN))
    response = admin.post(f"/admin/customers/{customer_id}/representative", data={"representative": "rita@example.com"})
    assert response.status_code == 400
    assert representative_of(app, customer_id) is None


def test_the_new_representative_gets_the_customers_next_follow_up_case(app, customer_id):
    rita = make_person(app, Role.REPRESENTATIVE, "Rita Rep", email="rita@example.com")
    admin = client_for(app, make_person(app, Role.ADMIN))
    assert choose(admin, customer_id, rita.email).status_code == 303
    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        response = make_response(db.session, {"recommend": 2, "overall_satisfaction": 1}, customer=customer)
        assignees = set(
            db.session.scalars(sa.select(FollowUpCase.assignee_id).where(FollowUpCase.response_id == response.id))
        )
    assert assignees == {rita.id}
