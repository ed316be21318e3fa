"""Department scorecards: the independent monitoring view of the closed loop, per department, over a period.

A suggestion's department is its own (set when accepted), else its touchpoint's department, as on the
board. A case's department is its touchpoint's department. The period ``[start, end]`` covers whole UTC
days, both ends included. Counts come from SQL GROUP BY; only the median and the time in each state are
computed in Python, over the few rows of one period.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import CaseEvent, Department, FollowUpCase, Suggestion, SuggestionEvent, Touchpoint
from app.services.survey_titles import in_language
from touchloop.case_flow import CaseState
from touchloop.suggestion_flow import DUE_STATES, OPEN_STATES, State

DAY = 86400.0  # seconds


@dataclass(frozen=True)
class StateTime:
    """The average days a department's suggestions spent in one state, over ``n`` stays."""

    state: str
    average_days: float
    n: int


@dataclass(frozen=True)
class Scorecard:
    """One department's figures; each ``*_n`` or count says how many items a figure rests on."""

    department_id: int
    code: str
    name: str
    open: int  # suggestions in an open (not final) state now
    overdue: int  # of those, still owed after their due date (``is_overdue``)
    closed: int  # suggestions closed in the period
    assigned: int  # suggestions accepted (assigned to an owner) in the period
    closure_rate: float | None  # closed / assigned; None when nothing was assigned
    median_days_to_close: float | None  # over the ``closed_n`` closed suggestions with a closing time
    closed_n: int
    cases_resolved: int  # cases first resolved in the period
    cases_within_deadline: int  # of those, first resolved at or before their deadline
    cases_within_share: float | None  # cases_within_deadline / cases_resolved; None without cases
    time_in_state: tuple[StateTime, ...]  # in the order of ``State``


def department_scorecards(
    session: Session, *, start: date, end: date, today: date, lang: str = "en"
) -> list[Scorecard]:
    """Every department's scorecard for the period ``start``..``end`` (inclusive), by department code.

    - ``open`` / ``overdue``: now, whatever the period: open means not closed, rejected or duplicate;
      overdue means submitted, under review, accepted or in progress with a due date before ``today``.
    - ``closed``: distinct suggestions with an event to ``closed`` in the period.
    - ``assigned``: distinct suggestions with an event to ``accepted`` in the period.
    - ``closure_rate`` = closed / assigned. Both are flows in the same period, so the rate can exceed 1
      when older work is being closed.
    - ``median_days_to_close``: median of ``closed_at - created_at`` in days (fractional) over the
      suggestions counted in ``closed``.
    - ``cases_within_share``: of the cases whose *first* ``resolved`` event falls in the period, the share
      resolved at or before ``deadline_at``; later resolutions after a reopening do not count again.
    - ``time_in_state``: a stay in a state runs from the event entering it to the next event of the same
      suggestion; stays that end in the period are averaged per state. The current, unfinished stay is
      not counted.
    """
    since, until = _bounds(start, end)
    departments = session.execute(sa.select(Department.id, Department.code, Department.name).order_by(Department.code))
    now_counts = _open_counts(session, today)
    closed = _event_counts(session, State.CLOSED, since, until)
    assigned = _event_counts(session, State.ACCEPTED, since, until)
    medians = _median_days_to_close(session, since, until)
    cases = _case_counts(session, since, until)
    stays = _time_in_state(session, since, until)
    cards = []
    for department_id, code, name in departments:
        open_now, overdue = now_counts.get(department_id, (0, 0))
        n_closed, n_assigned = closed.get(department_id, 0), assigned.get(department_id, 0)
        median, closed_n = medians.get(department_id, (None, 0))
        resolved, within = cases.get(department_id, (0, 0))
        cards.append(
            Scorecard(
                department_id=department_id,
                code=code,
                name=in_language(name, lang, code),
                open=open_now,
                overdue=overdue,
                closed=n_closed,
                assigned=n_assigned,
                closure_rate=n_closed / n_assigned if n_assigned else None,
                median_days_to_close=median,
                closed_n=closed_n,
                cases_resolved=resolved,
                cases_within_deadline=within,
                cases_within_share=within / resolved if resolved else None,
                time_in_state=stays.get(department_id, ()),
            )
        )
    return cards


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as ``[since, until)`` in UTC: from the start of ``start`` to the start of the day after ``end``."""
    since = datetime.combine(start, time.min, tzinfo=timezone.utc)
    return since, datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.utc)


def _department():
    """A suggestion's department: its own once accepted, else its touchpoint's (needs the Touchpoint join)."""
    return sa.func.coalesce(Suggestion.department_id, Touchpoint.department_id)


def _suggestions(*columns):
    """``columns`` over suggestions joined to their touchpoint, for ``_department()``."""
    return sa.select(*columns).select_from(Suggestion).outerjoin(Touchpoint, Touchpoint.id == Suggestion.touchpoint_id)


def _flag(condition) -> sa.ColumnElement:
    """1 where ``condition`` holds, else 0, for summing."""
    return sa.case((condition, 1), else_=0)


def _open_counts(session: Session, today: date) -> dict[int, tuple[int, int]]:
    """Department id -> (open now, overdue now)."""
    department = _department()
    overdue = sa.and_(Suggestion.state.in_(DUE_STATES), Suggestion.due_date < today)
    query = (
        _suggestions(department, sa.func.count(), sa.func.sum(_flag(overdue)))
        .where(Suggestion.state.in_(OPEN_STATES))
        .group_by(department)
    )
    return {row[0]: (row[1], int(row[2] or 0)) for row in session.execute(query) if row[0] is not None}


def _event_counts(session: Session, to_state: State, since: datetime, until: datetime) -> dict[int, int]:
    """Department id -> distinct suggestions with an event to ``to_state`` in the period."""
    department = _department()
    query = (
        _suggestions(department, sa.func.count(sa.distinct(Suggestion.id)))
        .join(SuggestionEvent, SuggestionEvent.suggestion_id == Suggestion.id)
        .where(SuggestionEvent.to_state == to_state, SuggestionEvent.at >= since, SuggestionEvent.at < until)
        .group_by(department)
    )
    return {department_id: count for department_id, count in session.execute(query) if department_id is not None}


def _median_days_to_close(session: Session, since: datetime, until: datetime) -> dict[int, tuple[float, int]]:
    """Department id -> (median days from creation to closing, how many) for suggestions closed in the period."""
    closed_in_period = sa.exists().where(
        SuggestionEvent.suggestion_id == Suggestion.id,
        SuggestionEvent.to_state == State.CLOSED,
        SuggestionEvent.at >= since,
        SuggestionEvent.at < until,
    )
    query = _suggestions(_department(), Suggestion.created_at, Suggestion.closed_at).where(
        closed_in_period, Suggestion.closed_at.is_not(None)
    )
    days: dict[int, list[float]] = defaultdict(list)
    for department_id, created_at, closed_at in session.execute(query):
        if department_id is not None:
            days[department_id].append((closed_at - created_at).total_seconds() / DAY)
    return {department_id: (statistics.median(values), len(values)) for department_id, values in days.items()}


def _case_counts(session: Session, since: datetime, until: datetime) -> dict[int, tuple[int, int]]:
    """Department id -> (cases first resolved in the period, of which at or before their deadline)."""
    first = (
        sa.select(CaseEvent.case_id, sa.func.min(CaseEvent.at).label("resolved_at"))
        .where(CaseEvent.to_state == CaseState.RESOLVED)
        .group_by(CaseEvent.case_id)
        .subquery()
    )
    within = _flag(first.c.resolved_at <= FollowUpCase.deadline_at)
    query = (
        sa.select(Touchpoint.department_id, sa.func.count(), sa.func.sum(within))
        .select_from(FollowUpCase)
        .join(first, first.c.case_id == FollowUpCase.id)
        .join(Touchpoint, Touchpoint.id == FollowUpCase.touchpoint_id)
        .where(first.c.resolved_at >= since, first.c.resolved_at < until)
        .group_by(Touchpoint.department_id)
    )
    return {department_id: (count, int(inside or 0)) for department_id, count, inside in session.execute(query)}


def _time_in_state(session: Session, since: datetime, until: datetime) -> dict[int, tuple[StateTime, ...]]:
    """Department id -> average days per state, over the stays that ended in the period."""
    touched = sa.exists().where(
        SuggestionEvent.suggestion_id == Suggestion.id, SuggestionEvent.at >= since, SuggestionEvent.at < until
    )
    ids = _suggestions(Suggestion.id, _department().label("department_id")).where(touched).subquery()
    query = (
        sa.select(ids.c.department_id, SuggestionEvent.suggestion_id, SuggestionEvent.to_state, SuggestionEvent.at)
        .join(ids, ids.c.id == SuggestionEvent.suggestion_id)
        .where(SuggestionEvent.at < until, ids.c.department_id.is_not(None))
        .order_by(SuggestionEvent.suggestion_id, SuggestionEvent.at, SuggestionEvent.id)
    )
    spent: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    previous = None
    for department_id, suggestion_id, to_state, at in session.execute(query):
        if previous is not None and previous[0] == suggestion_id and at >= _naive_like(since, at):
            spent[department_id][previous[1]].append((at - previous[2]).total_seconds() / DAY)
        previous = (suggestion_id, to_state, at)
    return {
        department_id: tuple(
            StateTime(state.value, statistics.fmean(by_state[state]), len(by_state[state]))
            for state in State
            if by_state.get(state)
        )
        for department_id, by_state in spent.items()
    }


def _naive_like(moment: datetime, other: datetime) -> datetime:
    """``moment`` comparable with ``other``: SQLite hands back naive UTC datetimes, PostgreSQL aware ones."""
    return moment.replace(tzinfo=None) if other.tzinfo is None else moment
