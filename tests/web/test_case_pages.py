"""The case pages: queues by role, one case's page, moving it step by step, and turning it into a suggestion."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import CaseEvent, Department, FollowUpCase, Role, Suggestion, SuggestionEvidence
from app.models.types import utcnow
from tests.factories import load_surveys, make_customer, make_response
from tests.services.test_cases import DETRACTOR
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user, sign_in


@pytest.fixture
def case(session) -> FollowUpCase:
    """A new detractor case in the field-service queue, for a named customer who wrote a comment."""
    load_surveys(session)
    customer = make_customer(session)
    make_response(session, dict(DETRACTOR, improve="<script>alert(1)</script> call first"), customer=customer)
    return session.scalars(sa.select(FollowUpCase)).one()


def _department_id(session, code: str) -> int:
    return session.scalar(sa.select(Department.id).where(Department.code == code))


def _as(client, session, email: str, role: str, department: str | None = None) -> None:
    """Sign in as a new user with ``role`` (in ``department``)."""
    department_id = _department_id(session, department) if department else None
    make_user(session, email=email, role=role, name=email.split("@")[0], department_id=department_id)
    token = _token(client, "/cases/")
    if token:  # someone else is signed in: sign them out first
        client.post("/logout", data={"csrf_token": token})
    assert sign_in(client, email=email).status_code == 302


def _token(client, path: str) -> str:
    return hidden_fields(client.get(path).get_data(as_text=True)).get("csrf_token", "")


def _step(client, case_id: int, target: str, **fields):
    """Post a step with the page's hidden fields (CSRF token and the version shown)."""
    form = hidden_fields(client.get(f"/cases/{case_id}").get_data(as_text=True))
    return client.post(f"/cases/{case_id}", data={**form, "target": target, **fields})


def _state(session, case_id: int) -> tuple[str, int]:
    session.expire_all()
    found = session.get(FollowUpCase, case_id)
    return found.state, session.scalar(sa.select(sa.func.count()).where(CaseEvent.case_id == case_id))


def test_staff_and_anonymous_people_cannot_reach_the_cases(client, session, case):
    assert client.get("/cases/").status_code == 302
    _as(client, session, "staff@example.com", Role.STAFF)
    assert client.get("/cases/").status_code == 403
    assert client.get(f"/cases/{case.id}").status_code == 403


def test_an_owner_of_another_department_may_not_see_the_case(client, session, case):
    _as(client, session, "owner.sales@example.com", Role.OWNER, "sales")
    assert client.get(f"/cases/{case.id}").status_code == 403
    assert f"/cases/{case.id}" not in client.get("/cases/").get_data(as_text=True)


def test_the_owners_queue_shows_the_departments_case_and_its_page_escapes_customer_text(client, session, case):
    _as(client, session, "owner.field@example.com", Role.OWNER, "field_service")
    queue = client.get("/cases/").get_data(as_text=True)
    assert f"/cases/{case.id}" in queue and "Cases</a>" in queue
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; call first" in page and "<script>alert" not in page
    assert f"/admin/customers/{case.customer_id}" in page
    assert 'value="acknowledged"' in page and 'value="closed"' not in page


def test_overdue_cases_come_first_in_the_queue(client, session, case):
    make_response(session, DETRACTOR)
    late = session.scalars(sa.select(FollowUpCase).order_by(FollowUpCase.id.desc())).first()
    late.deadline_at = utcnow() - timedelta(hours=1)
    session.commit()
    _as(client, session, "rep@example.com", Role.REPRESENTATIVE)
    queue = client.get("/cases/").get_data(as_text=True)
    assert queue.index(f"/cases/{late.id}") < queue.index(f"/cases/{case.id}")
    assert "Overdue" in queue


def test_a_step_without_the_csrf_token_is_refused(client, session, case):
    _as(client, session, "rep@example.com", Role.REPRESENTATIVE)
    response = client.post(f"/cases/{case.id}", data={"target": "acknowledged", "expected_version": "1"})
    assert response.status_code == 400
    assert _state(session, case.id) == ("new", 1)


def test_a_case_walks_from_new_to_closed_through_the_pages(client, session, case):
    _as(client, session, "owner.field@example.com", Role.OWNER, "field_service")
    assert _step(client, case.id, "acknowledged").status_code == 302
    assert _step(client, case.id, "contacted", note="Called the customer").status_code == 302
    resolved = _step(client, case.id, "resolved", root_cause="late_arrival", note="Rebooked the visit")
    assert resolved.status_code == 302
    assert _state(session, case.id) == ("resolved", 4)
    _as(client, session, "rep@example.com", Role.REPRESENTATIVE)
    assert _step(client, case.id, "closed").status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert _state(session, case.id) == ("closed", 5)
    assert session.get(FollowUpCase, case.id).root_cause == "late_arrival"
    for text in ("Acknowledged", "Customer contacted", "Rebooked the visit", "Late arrival or rescheduled visit"):
        assert text in page


def test_resolving_without_a_root_cause_is_refused_and_changes_nothing(client, session, case):
    _as(client, session, "owner.field@example.com", Role.OWNER, "field_service")
    _step(client, case.id, "contacted")
    response = _step(client, case.id, "resolved", note="Rebooked")
    assert response.status_code == 422
    assert "give a root-cause code" in response.get_data(as_text=True)
    assert _state(session, case.id) == ("contacted", 2)


def test_an_owner_may_not_close_what_they_resolved(client, session, case):
    _as(client, session, "owner.field@example.com", Role.OWNER, "field_service")
    _step(client, case.id, "contacted")
    _step(client, case.id, "resolved", root_cause="late_arrival", note="Rebooked")
    form = hidden_fields(client.get(f"/cases/{case.id}").get_data(as_text=True))
    response = client.post(f"/cases/{case.id}", data={**form, "target": "closed"})
    assert response.status_code == 422 and "can close it" in response.get_data(as_text=True)
    assert _state(session, case.id) == ("resolved", 3)


def test_a_step_on_a_stale_page_gets_409_and_changes_nothing(client, session, case):
    _as(client, session, "rep@example.com", Role.REPRESENTATIVE)
    stale = hidden_fields(client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert _step(client, case.id, "acknowledged").status_code == 302
    response = client.post(f"/cases/{case.id}", data={**stale, "target": "contacted"})
    assert response.status_code == 409
    assert "changed by someone else meanwhile" in response.get_data(as_text=True)
    assert _state(session, case.id) == ("acknowledged", 2)


def test_turning_a_case_into_a_suggestion_links_both_ways(client, session, case):
    _as(client, session, "rep@example.com", Role.REPRESENTATIVE)
    token = _token(client, f"/cases/{case.id}")
    response = client.post(f"/cases/{case.id}/suggestion", data={"csrf_token": token})
    suggestion = session.scalars(sa.select(Suggestion)).one()
    assert response.status_code == 302 and response.headers["Location"] == f"/suggestions/{suggestion.id}"
    assert (suggestion.origin_case_id, suggestion.state) == (case.id, "submitted")
    evidence = session.execute(sa.select(SuggestionEvidence.kind, SuggestionEvidence.reference)).all()
    assert sorted(tuple(row) for row in evidence) == [("case", str(case.id)), ("response", str(case.response_id))]
    assert f"/suggestions/{suggestion.id}" in client.get(f"/cases/{case.id}").get_data(as_text=True)
