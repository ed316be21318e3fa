"""flask demo also fills the closed loop: department heads, worked cases and suggestions in every state."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import CaseEvent, Department, FollowUpCase, Suggestion, User
from app.models.types import utcnow


def _demo(runner, *args: str) -> None:
    """Run flask demo on a small company and insist that it succeeded."""
    result = runner.invoke(args=["demo", "--customers", "60", "--responses", "1500", *args])
    assert result.exit_code == 0, result.output


def _loop_fingerprint(session) -> tuple:
    """Case and suggestion states and case root causes, which change if any drawn value changes."""
    session.expire_all()
    return (
        tuple(session.execute(sa.select(FollowUpCase.state, FollowUpCase.root_cause).order_by(FollowUpCase.id))),
        tuple(session.execute(sa.select(Suggestion.title, Suggestion.state).order_by(Suggestion.id))),
    )


def test_demo_fills_cases_and_suggestions_in_every_state(runner, session):
    _demo(runner)
    case_states = set(session.scalars(sa.select(FollowUpCase.state)))
    assert {"new", "contacted", "closed"} <= case_states and len(case_states) >= 4
    assert session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) > session.scalar(
        sa.select(sa.func.count()).select_from(FollowUpCase)
    )
    resolved = session.scalars(sa.select(FollowUpCase).where(FollowUpCase.state.in_(["resolved", "closed"]))).all()
    assert resolved and all(case.root_cause for case in resolved)
    suggestion_states = set(session.scalars(sa.select(Suggestion.state)))
    assert suggestion_states == {
        "submitted", "under_review", "accepted", "in_progress", "implemented",
        "verified", "closed", "rejected", "duplicate", "deferred",
    }  # fmt: skip
    rejected = session.scalars(sa.select(Suggestion).where(Suggestion.state == "rejected")).all()
    assert all(suggestion.reason for suggestion in rejected)
    assert session.scalar(sa.select(sa.func.count()).where(Suggestion.origin_case_id.isnot(None))) >= 1
    today = utcnow().date()
    overdue = session.scalars(
        sa.select(Suggestion).where(Suggestion.due_date < today, Suggestion.state.in_(["accepted", "in_progress"]))
    ).all()
    assert overdue


def test_each_department_is_headed_by_its_demo_owner(runner, session):
    _demo(runner)
    for department in session.scalars(sa.select(Department)):
        head = session.get(User, department.head_id)
        assert (head.email, head.role, head.department_id) == (
            f"owner.{department.code}@huachen.example",
            "owner",
            department.id,
        )


def test_the_same_seed_makes_the_same_loop(runner, session):
    _demo(runner, "--seed", "7")
    first = _loop_fingerprint(session)
    _demo(runner, "--seed", "7", "--force")
    assert _loop_fingerprint(session) == first and first[0]
