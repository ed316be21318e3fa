"""The departments list: head, owners and members, open suggestions (and overdue) and open cases per department."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from app.models import Department, FollowUpCase, Role, Suggestion, Touchpoint
from app.services.department_admin import department_rows, head_candidates, others
from tests.factories import load_surveys, make_response
from tests.web.test_auth import make_user

TODAY = date(2026, 3, 10)


def test_each_department_counts_its_people_and_open_work(session):
    load_surveys(session)
    departments = {d.code: d for d in session.scalars(sa.select(Department))}
    field, sales = departments["field_service"], departments["sales"]
    installation = session.scalar(sa.select(Touchpoint).where(Touchpoint.code == "installation"))
    assert installation.department_id == field.id
    head = make_user(session, email="head@example.com", role=Role.OWNER, department_id=field.id, name="Hu Head")
    make_user(session, email="o2@example.com", role=Role.OWNER, department_id=field.id)
    make_user(session, email="gone@example.com", role=Role.OWNER, department_id=field.id, active=False)
    make_user(session, email="s@example.com", role=Role.STAFF, department_id=field.id)
    field.head_id = head.id
    submitter = make_user(session, email="sub@example.com", role=Role.STAFF)
    late = TODAY - timedelta(days=1)
    for state, department_id, due in [
        ("submitted", None, None),  # counted under its touchpoint's department
        ("in_progress", field.id, late),  # overdue
        ("implemented", field.id, late),  # open, but no longer owed by a due date
        ("closed", field.id, None),
        ("accepted", sales.id, None),  # its own department wins over the touchpoint's
    ]:
        session.add(
            Suggestion(
                title="Idea",
                description="-",
                state=state,
                submitter_id=submitter.id,
                touchpoint_id=installation.id,
                department_id=department_id,
                due_date=due,
            )
        )
    response = make_response(session, {"recommend": 10, "overall_satisfaction": 5})  # trips no rule
    now = datetime(2026, 3, 1, tzinfo=timezone.utc)
    for rule, state in (("a", "new"), ("b", "contacted"), ("c", "closed")):
        session.add(
            FollowUpCase(
                response_id=response.id,
                rule_id=rule,
                title={"en": rule},
                touchpoint_id=installation.id,
                department_id=field.id,
                state=state,
                deadline_at=now,
            )
        )
    session.commit()
    rows = {row.code: row for row in department_rows(session, lang="en", today=TODAY)}
    assert len(rows) == len(departments)
    got = rows["field_service"]
    assert (got.head, got.head_active, got.owners, got.members) == ("Hu Head", True, 2, 3)
    assert (got.open_suggestions, got.overdue_suggestions, got.open_cases) == (3, 1, 2)
    assert (rows["sales"].open_suggestions, rows["sales"].head, rows["sales"].owners) == (1, None, 0)


def test_head_candidates_are_active_owners_and_managers_of_the_department(session):
    load_surveys(session)
    field = session.scalar(sa.select(Department).where(Department.code == "field_service"))
    owner = make_user(session, email="o@example.com", role=Role.OWNER, department_id=field.id)
    manager = make_user(session, email="m@example.com", role=Role.MANAGER, department_id=field.id)
    make_user(session, email="s@example.com", role=Role.STAFF, department_id=field.id)
    make_user(session, email="x@example.com", role=Role.OWNER, department_id=field.id, active=False)
    outsider = make_user(session, email="out@example.com", role=Role.STAFF)
    assert {user.id for user in head_candidates(session, field.id)} == {owner.id, manager.id}
    assert [user_id for user_id, _label in others(session, field.id, lang="en")] == [outsider.id]
