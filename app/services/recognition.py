"""Recognition: employees and departments ranked by the suggestions that were implemented and verified.

Over a period ``[start, end]`` of whole UTC days, both ends included, counted from the timeline with SQL
GROUP BYs:

- an employee's figures count the suggestions they submitted: ``submitted`` those submitted in the period,
  ``implemented`` those marked implemented in the period, ``verified`` those verified in the period (a
  suggestion is verified once, and closing follows verification, so it counts what reached verified/closed);
- a department's ``implemented`` and ``verified`` count the suggestions it implemented: those assigned to it,
  the owner's department as recorded when the suggestion was accepted; its ``submitted`` counts the
  suggestions its own people submitted in the period.

Each suggestion counts at most once per figure, however often it went back and forth. People and
departments with nothing in the period are left out. The ranking is by ``verified``, then ``implemented``;
equal on both share a rank, and the next rank skips (1, 2, 2, 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Department, Suggestion, SuggestionEvent, User
from app.services.survey_titles import in_language
from touchloop.suggestion_flow import State


@dataclass(frozen=True)
class Standing:
    """One employee's or department's place in the ranking, with the counts it rests on."""

    rank: int
    id: int
    name: str
    submitted: int
    implemented: int
    verified: int


@dataclass(frozen=True)
class Recognition:
    """The two rankings of one period."""

    employees: list[Standing]
    departments: list[Standing]


def recognition(session: Session, *, start: date, end: date, lang: str = "en") -> Recognition:
    """Employees (as submitters) and departments (as implementers) ranked over ``start``..``end``."""
    since = datetime.combine(start, time.min, tzinfo=timezone.utc)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.utc)
    employees = _counts(session, User.id, since, until, join_on=Suggestion.submitter_id)
    names = dict(session.execute(sa.select(User.id, User.name).where(User.id.in_(list(employees)))).all())
    by_department = _counts(session, Suggestion.department_id, since, until)
    submitted_by_members = _counts(session, User.department_id, since, until, join_on=Suggestion.submitter_id)
    departments = {
        key: (submitted_by_members.get(key, (0, 0, 0))[0], *by_department.get(key, (0, 0, 0))[1:])
        for key in set(by_department) | set(submitted_by_members)
    }
    department_names = {
        row.id: in_language(row.name, lang, row.code)
        for row in session.execute(sa.select(Department.id, Department.name, Department.code))
    }
    return Recognition(
        employees=_ranked(employees, names),
        departments=_ranked({key: value for key, value in departments.items() if any(value)}, department_names),
    )


def _counts(session: Session, group, since: datetime, until: datetime, join_on=None) -> dict[int, tuple[int, int, int]]:
    """Group key -> (submitted, implemented, verified) distinct suggestions with that step in the period.

    ``group`` is a column of Suggestion, or of User when ``join_on`` names the Suggestion column to join users
    on. Rows whose key is NULL (no department yet) are left out.
    """

    def distinct_with(condition):
        """How many distinct suggestions have an event meeting ``condition``."""
        return sa.func.count(sa.distinct(sa.case((condition, SuggestionEvent.suggestion_id))))

    event = SuggestionEvent
    query = sa.select(
        group,
        distinct_with(sa.and_(event.to_state == State.SUBMITTED, event.from_state.is_(None))),
        distinct_with(event.to_state == State.IMPLEMENTED),
        distinct_with(event.to_state == State.VERIFIED),
    ).select_from(event)
    query = query.join(Suggestion, Suggestion.id == event.suggestion_id)
    if join_on is not None:
        query = query.join(User, User.id == join_on)
    query = query.where(
        event.at >= since,
        event.at < until,
        event.to_state.in_([State.SUBMITTED, State.IMPLEMENTED, State.VERIFIED]),
        group.is_not(None),
    ).group_by(group)
    return {key: (submitted, implemented, verified) for key, submitted, implemented, verified in session.execute(query)}


def _ranked(counts: dict[int, tuple[int, int, int]], names: dict[int, str]) -> list[Standing]:
    """Standings, best first: by verified, then implemented; equal on both share a rank, the next skips."""
    order = sorted(counts, key=lambda key: (-counts[key][2], -counts[key][1], -counts[key][0], names.get(key, "")))
    standings: list[Standing] = []
    for position, key in enumerate(order, start=1):
        submitted, implemented, verified = counts[key]
        tied = standings and (standings[-1].verified, standings[-1].implemented) == (verified, implemented)
        rank = standings[-1].rank if tied else position
        standings.append(Standing(rank, key, names.get(key, str(key)), submitted, implemented, verified))
    return standings
