"""Lists of suggestions for the pages: mine, an owner's queue, and the representatives' board.

Each row carries what a list shows, with ``overdue`` derived from the due date (never stored).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from app.models import Department, Dimension, Role, Suggestion, SuggestionFollower, Touchpoint, User
from app.services.survey_titles import in_language
from touchloop.suggestion_flow import OPEN_STATES, State, is_overdue

BOARD_LIMIT = 1000  # open items on one board; a real company has far fewer at once
STATE_ORDER = {state: position for position, state in enumerate(State)}


@dataclass(frozen=True)
class SuggestionRow:
    """One suggestion as a list shows it."""

    id: int
    title: str
    state: str
    owner_name: str | None
    department_id: int | None
    department_name: str | None
    touchpoint_name: str | None
    due_date: date | None
    overdue: bool
    reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class BoardFilter:
    """The board's filters; None means all."""

    state: str | None = None
    department_id: int | None = None
    touchpoint_id: int | None = None


@dataclass(frozen=True)
class BoardGroup:
    """The open suggestions in one state and one department."""

    state: str
    department_name: str | None
    rows: list[SuggestionRow]


def _department_id():
    """The suggestion's department: its owner's once accepted, else the touchpoint's."""
    return sa.func.coalesce(Suggestion.department_id, Touchpoint.department_id)


def _select():
    """Suggestions with their owner's, department's and touchpoint's names."""
    owner = aliased(User)
    department_id = _department_id()
    return (
        sa.select(Suggestion, owner.name, department_id, Department.name, Touchpoint.name)
        .outerjoin(owner, owner.id == Suggestion.owner_id)
        .outerjoin(Touchpoint, Touchpoint.id == Suggestion.touchpoint_id)
        .outerjoin(Department, Department.id == department_id)
    )


def _rows(session: Session, query, lang: str, today: date) -> list[SuggestionRow]:
    """Run ``query`` (built on ``_select``) and turn its results into rows."""
    return [
        SuggestionRow(
            id=item.id,
            title=item.title,
            state=item.state,
            owner_name=owner_name,
            department_id=department_id,
            department_name=in_language(department_name, lang) or None,
            touchpoint_name=in_language(touchpoint_name, lang) or None,
            due_date=item.due_date,
            overdue=is_overdue(item.state, item.due_date, today),
            reason=item.reason,
            created_at=item.created_at,
        )
        for item, owner_name, department_id, department_name, touchpoint_name in session.execute(query)
    ]


def my_suggestions(session: Session, submitter_id: int, lang: str, today: date) -> list[SuggestionRow]:
    """What ``submitter_id`` suggested, newest first."""
    query = _select().where(Suggestion.submitter_id == submitter_id).order_by(Suggestion.id.desc())
    return _rows(session, query, lang, today)


def followed_suggestions(session: Session, user_id: int, lang: str, today: date) -> list[SuggestionRow]:
    """What ``user_id`` follows without having suggested it (e.g. an original their duplicate was merged into)."""
    follows = sa.exists().where(
        SuggestionFollower.suggestion_id == Suggestion.id, SuggestionFollower.user_id == user_id
    )
    query = _select().where(follows, Suggestion.submitter_id != user_id).order_by(Suggestion.id.desc())
    return _rows(session, query, lang, today)


def owner_queue(session: Session, owner_id: int, lang: str, today: date) -> list[SuggestionRow]:
    """The open suggestions ``owner_id`` owns: overdue first, then by due date."""
    query = (
        _select()
        .where(Suggestion.owner_id == owner_id, Suggestion.state.in_(OPEN_STATES))
        .order_by(Suggestion.due_date.is_(None), Suggestion.due_date, Suggestion.id)
    )
    return sorted(_rows(session, query, lang, today), key=lambda row: not row.overdue)


def board(session: Session, wanted: BoardFilter, lang: str, today: date) -> list[BoardGroup]:
    """Open suggestions matching ``wanted``, grouped by state and department, overdue first in each group."""
    query = _select().where(Suggestion.state.in_(OPEN_STATES))
    if wanted.state:
        query = query.where(Suggestion.state == wanted.state)
    if wanted.department_id:
        query = query.where(_department_id() == wanted.department_id)
    if wanted.touchpoint_id:
        query = query.where(Suggestion.touchpoint_id == wanted.touchpoint_id)
    query = query.order_by(Suggestion.due_date.is_(None), Suggestion.due_date, Suggestion.id).limit(BOARD_LIMIT)
    rows = _rows(session, query, lang, today)
    rows.sort(key=lambda row: (STATE_ORDER[State(row.state)], row.department_name or "", not row.overdue))
    groups: list[BoardGroup] = []
    for row in rows:
        if not groups or (groups[-1].state, groups[-1].department_name) != (row.state, row.department_name):
            groups.append(BoardGroup(row.state, row.department_name, []))
        groups[-1].rows.append(row)
    return groups


def owner_choices(session: Session) -> list[tuple[int, str]]:
    """Active owners, by name: who an accepted suggestion may be given to."""
    query = sa.select(User.id, User.name).where(User.active, User.role == Role.OWNER).order_by(User.name)
    return [(user_id, name) for user_id, name in session.execute(query)]


def named_choices(session: Session, model, lang: str) -> list[tuple[int, str]]:
    """``(id, name in lang)`` of every Touchpoint, Dimension or Department, by name."""
    if model not in (Touchpoint, Dimension, Department):
        raise ValueError(f"no choices for {model!r}")
    found = [(row.id, in_language(row.name, lang, row.code)) for row in session.scalars(sa.select(model))]
    return sorted(found, key=lambda choice: choice[1].casefold())
