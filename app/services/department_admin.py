"""Departments on the admin pages: each with its head, owners, members and open work.

Departments themselves come from journey.yaml (``flask surveys load``); here only their head and members
change, through the rules of ``user_admin``. Counts are SQL GROUP BYs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Department, FollowUpCase, Role, Suggestion, Touchpoint, User
from app.services.survey_titles import in_language
from app.services.user_admin import HEAD_ROLES
from touchloop.case_flow import OPEN_STATES as OPEN_CASE_STATES
from touchloop.suggestion_flow import DUE_STATES, OPEN_STATES


@dataclass(frozen=True)
class DepartmentRow:
    """One department as the list shows it."""

    id: int
    code: str
    name: str
    head: str | None
    head_active: bool
    owners: int  # active owners belonging to it
    members: int  # active users belonging to it, whatever their role
    open_suggestions: int  # not closed, rejected or duplicate (its own department, else its touchpoint's)
    overdue_suggestions: int
    open_cases: int


def department_rows(session: Session, *, lang: str, today: date) -> list[DepartmentRow]:
    """Every department by code, with its head and counts (a few GROUP BY queries)."""
    people = _people_counts(session)
    suggestions = _suggestion_counts(session, today)
    cases = dict(
        session.execute(
            sa.select(FollowUpCase.department_id, sa.func.count())
            .where(FollowUpCase.state.in_(list(OPEN_CASE_STATES)))
            .group_by(FollowUpCase.department_id)
        ).all()
    )
    rows = session.execute(
        sa.select(Department.id, Department.code, Department.name, User.name, User.active)
        .outerjoin(User, User.id == Department.head_id)
        .order_by(Department.code)
    )
    return [
        DepartmentRow(
            id=department_id,
            code=code,
            name=in_language(name, lang, code),
            head=head,
            head_active=bool(head_active),
            owners=people.get(department_id, (0, 0))[0],
            members=people.get(department_id, (0, 0))[1],
            open_suggestions=suggestions.get(department_id, (0, 0))[0],
            overdue_suggestions=suggestions.get(department_id, (0, 0))[1],
            open_cases=cases.get(department_id, 0),
        )
        for department_id, code, name, head, head_active in rows
    ]


def members_of(session: Session, department_id: int) -> list[User]:
    """Everyone who belongs to the department (deactivated accounts too), by name."""
    return list(
        session.scalars(sa.select(User).where(User.department_id == department_id).order_by(User.name, User.id))
    )


def head_candidates(session: Session, department_id: int) -> list[User]:
    """The department's members who may head it: active owners, managers and admins."""
    return [
        user
        for user in members_of(session, department_id)
        if user.active and (user.role in HEAD_ROLES or user.role == Role.ADMIN)
    ]


def others(session: Session, department_id: int, *, lang: str) -> list[tuple[int, str]]:
    """Active users not in the department, as (id, "name · role · their department"), by name."""
    rows = session.execute(
        sa.select(User.id, User.name, User.email, Department.name, Department.code)
        .outerjoin(Department, Department.id == User.department_id)
        .where(User.active.is_(True), sa.or_(User.department_id.is_(None), User.department_id != department_id))
        .order_by(User.name, User.id)
    )
    return [
        (uid, f"{name} <{email}>" + (f" · {in_language(dname, lang, dcode)}" if dcode else ""))
        for uid, name, email, dname, dcode in rows
    ]


def _people_counts(session: Session) -> dict[int, tuple[int, int]]:
    """Department id -> (active owners, active members)."""
    is_owner = sa.case((User.role == Role.OWNER, 1), else_=0)
    rows = session.execute(
        sa.select(User.department_id, sa.func.sum(is_owner), sa.func.count())
        .where(User.active.is_(True), User.department_id.is_not(None))
        .group_by(User.department_id)
    )
    return {department_id: (int(owners or 0), members) for department_id, owners, members in rows}


def _suggestion_counts(session: Session, today: date) -> dict[int, tuple[int, int]]:
    """Department id -> (open suggestions, of which overdue), by the department the board shows them under."""
    department = sa.func.coalesce(Suggestion.department_id, Touchpoint.department_id)
    overdue = sa.case((sa.and_(Suggestion.state.in_(list(DUE_STATES)), Suggestion.due_date < today), 1), else_=0)
    rows = session.execute(
        sa.select(department, sa.func.count(), sa.func.sum(overdue))
        .select_from(Suggestion)
        .outerjoin(Touchpoint, Touchpoint.id == Suggestion.touchpoint_id)
        .where(Suggestion.state.in_(list(OPEN_STATES)))
        .group_by(department)
    )
    return {department_id: (count, int(late or 0)) for department_id, count, late in rows if department_id is not None}
