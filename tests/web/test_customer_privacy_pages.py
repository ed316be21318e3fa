"""The customer page's data buttons: admins download everything held, or erase it after confirming (CSRF-checked)."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.models import AuditEntry, Customer, Role
from tests.factories import load_surveys, make_customer, make_response
from tests.services.test_cases import DETRACTOR
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user, sign_in


@pytest.fixture
def customer(session) -> Customer:
    load_surveys(session)
    customer = make_customer(session, name="Zhao Min", email="zhao.min@example.com")
    make_response(session, dict(DETRACTOR, improve="Zhao Min's flat is on the 9th floor"), customer=customer)
    return customer


def _as(client, session, role: str) -> None:
    make_user(session, email=f"{role}@example.com", role=role)
    assert sign_in(client, email=f"{role}@example.com").status_code == 302


def _token(client, path: str) -> str:
    return hidden_fields(client.get(path).get_data(as_text=True))["csrf_token"]


def test_admins_see_both_buttons_on_the_customer_page(client, session, customer):
    _as(client, session, Role.ADMIN)
    text = client.get(f"/admin/customers/{customer.id}").get_data(as_text=True)
    assert f'action="/admin/customers/{customer.id}/export"' in text
    assert f'href="/admin/customers/{customer.id}/erase"' in text


@pytest.mark.parametrize("role", [Role.MANAGER, Role.REPRESENTATIVE])
def test_other_roles_see_no_buttons_and_are_refused(client, session, customer, role):
    _as(client, session, role)
    text = client.get(f"/admin/customers/{customer.id}").get_data(as_text=True)
    assert f"/customers/{customer.id}/export" not in text and f"/customers/{customer.id}/erase" not in text
    token = _token(client, f"/admin/customers/{customer.id}")
    assert client.post(f"/admin/customers/{customer.id}/export", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/admin/customers/{customer.id}/erase", data={"csrf_token": token}).status_code == 403
    session.expire_all()
    assert session.get(Customer, customer.id).erased_at is None


def test_the_download_is_the_whole_record_never_cached_and_audited(client, session, customer):
    _as(client, session, Role.ADMIN)
    token = _token(client, f"/admin/customers/{customer.id}")
    response = client.post(f"/admin/customers/{customer.id}/export", data={"csrf_token": token})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert f'filename="customer-{customer.id}.json"' in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["name"] == "Zhao Min" and len(data["responses"]) == 1
    actions = session.execute(sa.select(AuditEntry.action, AuditEntry.actor_name)).tuples().all()
    assert actions == [("customer.exported", "admin@example.com")]


def test_erasing_asks_to_confirm_first_and_a_get_changes_nothing(client, session, customer):
    _as(client, session, Role.ADMIN)
    page = client.get(f"/admin/customers/{customer.id}/erase")
    assert page.status_code == 200 and "This cannot be undone" in page.get_data(as_text=True)
    session.expire_all()
    assert session.get(Customer, customer.id).erased_at is None


def test_confirming_erases_shows_it_on_the_page_and_is_audited(client, session, customer):
    _as(client, session, Role.ADMIN)
    token = _token(client, f"/admin/customers/{customer.id}/erase")
    response = client.post(f"/admin/customers/{customer.id}/erase", data={"csrf_token": token})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Personal data erased on request" in page and "Zhao Min" not in page
    assert f'href="/admin/customers/{customer.id}/erase"' not in page
    entry = session.scalars(sa.select(AuditEntry)).one()
    assert (entry.action, entry.object_id, entry.actor_name) == (
        "customer.erased",
        str(customer.id),
        "admin@example.com",
    )


def test_erasing_without_the_csrf_token_is_refused_and_changes_nothing(client, session, customer):
    _as(client, session, Role.ADMIN)
    response = client.post(f"/admin/customers/{customer.id}/erase", data={})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(Customer, customer.id).erased_at is None
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_an_erased_customer_cannot_be_erased_again(client, session, customer):
    _as(client, session, Role.ADMIN)
    token = _token(client, f"/admin/customers/{customer.id}/erase")
    client.post(f"/admin/customers/{customer.id}/erase", data={"csrf_token": token})
    again = client.get(f"/admin/customers/{customer.id}/erase", follow_redirects=True)
    assert "was erased before" in again.get_data(as_text=True)


def test_an_unknown_customer_is_404(client, session):
    _as(client, session, Role.ADMIN)
    assert client.get("/admin/customers/4242/erase").status_code == 404
