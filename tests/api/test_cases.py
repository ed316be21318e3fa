"""Follow-up cases through the API: who may see which, the timeline, and steps with the pages' rules."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import FollowUpCase, Role
from tests.api.conftest import assert_problem, bearer, make_token
from tests.factories import load_surveys, make_customer, make_response
from tests.services.test_cases import DETRACTOR, make_user


def _setup(session):
    """A detractor case in the field-service queue, and tokens for a representative, owners and a manager."""
    load_surveys(session)
    make_response(session, DETRACTOR, customer=make_customer(session, external_id="C-9"))
    case_id = session.scalar(sa.select(FollowUpCase.id))
    users = {
        "rep": make_user(session, Role.REPRESENTATIVE),
        "owner": make_user(session, Role.OWNER, department="field_service"),
        "stranger": make_user(session, Role.OWNER, department="sales"),
        "manager": make_user(session, Role.MANAGER),
    }
    return case_id, {name: make_token(session, user, name=name) for name, user in users.items()}


def _transition(client, secret, case_id, **body):
    """POST a step."""
    return client.post(f"/api/v1/cases/{case_id}/transitions", json=body, headers=bearer(secret))


def test_owners_see_their_departments_cases_and_representatives_all(client, session):
    case_id, tokens = _setup(session)
    for name, expected in (("rep", [case_id]), ("owner", [case_id]), ("stranger", [])):
        items = client.get("/api/v1/cases", headers=bearer(tokens[name])).get_json()["items"]
        assert [item["id"] for item in items] == expected, name
    assert_problem(client.get(f"/api/v1/cases/{case_id}", headers=bearer(tokens["stranger"])), 403)
    assert client.get("/api/v1/cases?department=sales", headers=bearer(tokens["rep"])).get_json()["items"] == []


def test_a_case_comes_with_its_customer_timeline_and_the_steps_open_to_the_reader(client, session):
    case_id, tokens = _setup(session)
    response = client.get(f"/api/v1/cases/{case_id}", headers=bearer(tokens["owner"]))
    body = response.get_json()
    assert response.headers["ETag"] == '"1"'
    assert body["rule"] == "detractor" and body["customer"] == "C-9" and body["department"] == "field_service"
    assert body["title"]["en"] and body["overdue"] is False and body["state"] == "new"
    assert [step["to_state"] for step in body["timeline"]] == ["new"]
    assert body["allowed_transitions"] == ["acknowledged", "contacted"]


def test_a_case_is_worked_resolved_and_closed_with_the_pages_rules(client, session):
    case_id, tokens = _setup(session)
    assert _transition(client, tokens["owner"], case_id, target="contacted", expected_version=1).status_code == 200
    body = assert_problem(_transition(client, tokens["owner"], case_id, target="resolved"), 422)
    assert {reason["message"] for reason in body["reasons"]} == {
        "give a root-cause code",
        "say in a note what was done for the customer",
    }
    resolved = _transition(
        client, tokens["owner"], case_id, target="resolved", root_cause="late_arrival", note="Apologised"
    )
    assert resolved.status_code == 200 and resolved.get_json()["root_cause"] == "late_arrival"
    assert_problem(_transition(client, tokens["owner"], case_id, target="closed"), 422)  # owners do not close
    closed = _transition(client, tokens["manager"], case_id, target="closed")
    assert closed.get_json()["state"] == "closed" and closed.get_json()["closed_at"]
    assert [step["to_state"] for step in closed.get_json()["timeline"]] == ["new", "contacted", "resolved", "closed"]


def test_a_step_on_an_old_version_is_a_409_with_the_current_state(client, session):
    case_id, tokens = _setup(session)
    assert _transition(client, tokens["rep"], case_id, target="acknowledged").status_code == 200
    headers = bearer(tokens["rep"]) | {"If-Match": '"1"'}
    response = client.post(f"/api/v1/cases/{case_id}/transitions", json={"target": "contacted"}, headers=headers)
    body = assert_problem(response, 409)
    assert body["state"] == "acknowledged" and body["version"] == 2
