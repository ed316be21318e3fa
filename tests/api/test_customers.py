"""POST /api/v1/customers: bulk upsert through the CSV import's checks; all or nothing, errors per customer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from app.models import Customer
from tests.api.conftest import assert_problem, bearer, make_token
from tests.factories import load_surveys, make_customer


def _upsert(client, secret, customers):
    """POST the customers."""
    return client.post("/api/v1/customers", json={"customers": customers}, headers=bearer(secret))


def test_new_customers_are_created_and_known_ones_updated(client, session):
    load_surveys(session)
    make_customer(session, external_id="C-1", name="Old name", email="old@example.com")
    secret = make_token(session, scopes=["customers:write"])
    response = _upsert(
        client,
        secret,
        [
            {"external_id": "C-1", "name": "New name"},
            {
                "external_id": "C-2",
                "name": "王芳",
                "email": "wang@example.com",
                "region": "south",
                "customer_since": "2020-05-01",
                "annual_value": "125000.50",
                "tier": "A",
            },
        ],
    )
    assert response.status_code == 200 and response.get_json() == {"created": 1, "updated": 1}
    updated = session.scalar(sa.select(Customer).where(Customer.external_id == "C-1"))
    assert updated.name == "New name" and updated.email == "old@example.com"  # left out: kept
    created = session.scalar(sa.select(Customer).where(Customer.external_id == "C-2"))
    assert created.customer_since == date(2020, 5, 1) and created.annual_value == Decimal("125000.50")
    assert created.tier == created.tier_given == "A" and created.region == "south"


def test_null_clears_a_field(client, session):
    load_surveys(session)
    make_customer(session, external_id="C-1", email="old@example.com")
    secret = make_token(session, scopes=["customers:write"])
    assert _upsert(client, secret, [{"external_id": "C-1", "name": "Same", "email": None}]).status_code == 200
    assert session.scalar(sa.select(Customer.email).where(Customer.external_id == "C-1")) is None


def test_one_bad_value_saves_nothing_and_every_problem_is_listed_by_pointer(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["customers:write"])
    response = _upsert(
        client,
        secret,
        [
            {"external_id": "C-1", "name": "Good"},
            {"external_id": "C-2", "name": "Bad mail", "email": "not an address"},
            {"external_id": "C-3", "name": "Bad date", "customer_since": "yesterday", "tier": "Z"},
        ],
    )
    body = assert_problem(response, 422)
    pointers = {error["pointer"] for error in body["errors"]}
    assert pointers == {"#/customers/1/email", "#/customers/2/customer_since", "#/customers/2/tier"}
    assert session.scalar(sa.select(sa.func.count()).select_from(Customer)) == 0


def test_a_customer_number_given_twice_is_refused(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["customers:write"])
    body = assert_problem(
        _upsert(client, secret, [{"external_id": "C-1", "name": "A"}, {"external_id": "C-1", "name": "B"}]), 422
    )
    assert {error["pointer"] for error in body["errors"]} == {"#/customers/0/external_id", "#/customers/1/external_id"}


def test_unknown_segment_attributes_and_fields_are_refused(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["customers:write"])
    response = _upsert(client, secret, [{"external_id": "C-1", "name": "A", "segments": {"shoe_size": "44"}}])
    assert assert_problem(response, 422)["errors"][0]["pointer"] == "#/customers/0/segments/shoe_size"
    response = _upsert(client, secret, [{"external_id": "C-1", "name": "A", "favourite_colour": "red"}])
    assert assert_problem(response, 422)["errors"][0]["pointer"] == "#/customers/0/favourite_colour"


def test_values_must_be_on_one_line(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["customers:write"])
    body = assert_problem(_upsert(client, secret, [{"external_id": "C-1", "name": "Two\nlines"}]), 422)
    assert body["errors"][0]["pointer"] == "#/customers/0/name"


def test_an_empty_list_and_too_many_customers_are_refused(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["customers:write"])
    assert_problem(_upsert(client, secret, []), 422)
    many = [{"external_id": f"C-{n}", "name": "x"} for n in range(1001)]
    assert_problem(_upsert(client, secret, many), 422)


def test_without_a_loaded_journey_nothing_can_be_imported(client, session):
    secret = make_token(session, scopes=["customers:write"])
    assert_problem(_upsert(client, secret, [{"external_id": "C-1", "name": "A"}]), 409)
