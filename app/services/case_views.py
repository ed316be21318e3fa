"""What the case pages show: a person's queues, and one case with its response, timeline and next steps.

Read-only queries plus ``suggest_from_case``; like every service they add and flush, the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import CaseEvent, Customer, Department, FollowUpCase, Role, Suggestion, User
from app.services.cases import case_roles
from app.services.customer_history import ResponseLine, response_summary
from app.services.journey import current_journey
from app.services.suggestions import Evidence, submit_suggestion
from app.services.survey_titles import in_language
from touchloop.case_flow import ADMIN, OPEN_STATES, TRANSITIONS, CaseState, allowed_targets

QUEUE_LIMIT = 500  # a queue longer than this is a staffing problem, not a paging one


@dataclass(frozen=True)
class QueueLine:
    """One open case in a queue."""

    id: int
    title: str
    state: str
    deadline_at: datetime
    overdue: bool
    department: str
    customer: str | None


@dataclass(frozen=True)
class TimelineStep:
    """One recorded step of a case."""

    at: datetime
    actor: str | None
    from_state: str | None
    to_state: str
    note: str | None
    root_cause: str | None


@dataclass(frozen=True)
class CaseView:
    """Everything the case page shows."""

    case: FollowUpCase
    title: str
    department: str
    customer: Customer | None
    response: ResponseLine | None
    timeline: list[TimelineStep]
    targets: list[str]
    root_causes: list[tuple[str, str]]
    suggestions: list[Suggestion]
    overdue: bool


def case_queues(session: Session, user: User, lang: str, now: datetime) -> tuple[list[QueueLine], list[QueueLine]]:
    """The user's own open cases, and their wider queue (department's unassigned for owners, else all others)."""
    is_open = FollowUpCase.state.in_(list(OPEN_STATES))
    mine = _queue(session, [is_open, FollowUpCase.assignee_id == user.id], lang, now)
    if user.role == Role.OWNER:
        wider = [is_open, FollowUpCase.assignee_id.is_(None), FollowUpCase.department_id == user.department_id]
    else:
        wider = [is_open, sa.or_(FollowUpCase.assignee_id.is_(None), FollowUpCase.assignee_id != user.id)]
    return mine, _queue(session, wider, lang, now)


def _queue(session: Session, conditions: list, lang: str, now: datetime) -> list[QueueLine]:
    """Open cases matching ``conditions``, overdue first, then by deadline."""
    rows = session.execute(
        sa.select(FollowUpCase, Department.name, Customer.name)
        .outerjoin(Department, Department.id == FollowUpCase.department_id)
        .outerjoin(Customer, Customer.id == FollowUpCase.customer_id)
        .where(*conditions)
        .order_by(sa.case((FollowUpCase.deadline_at < now, 0), else_=1), FollowUpCase.deadline_at, FollowUpCase.id)
        .limit(QUEUE_LIMIT)
    ).all()
    return [
        QueueLine(
            id=case.id,
            title=in_language(case.title, lang, case.rule_id),
            state=case.state,
            deadline_at=case.deadline_at,
            overdue=_is_overdue(case, now),
            department=in_language(department, lang, ""),
            customer=customer,
        )
        for case, department, customer in rows
    ]


def _is_overdue(case: FollowUpCase, now: datetime) -> bool:
    """An open case whose deadline has passed (SQLite hands back naive UTC datetimes)."""
    deadline = case.deadline_at if case.deadline_at.tzinfo else case.deadline_at.replace(tzinfo=now.tzinfo)
    return case.state in OPEN_STATES and deadline < now


def may_see(user: User, case: FollowUpCase) -> bool:
    """True if the user has any role for this case (an owner only for their department's queue or as assignee)."""
    return bool(case_roles(user, case))


def offered_targets(user: User, case: FollowUpCase) -> list[str]:
    """The states this user may move the case to (what they may still lack, like a note, is checked on posting)."""
    roles = case_roles(user, case)
    return [
        target
        for target in allowed_targets(case.state)
        if ADMIN in roles or not TRANSITIONS[(CaseState(case.state), target)].roles.isdisjoint(roles)
    ]


def case_view(session: Session, case: FollowUpCase, user: User, lang: str, now: datetime) -> CaseView:
    """The case page's content, in ``lang``."""
    journey = current_journey(session)
    causes = [(c.code, in_language(c.name, lang, c.code)) for c in journey.root_causes] if journey else []
    department = session.get(Department, case.department_id) if case.department_id else None
    return CaseView(
        case=case,
        title=in_language(case.title, lang, case.rule_id),
        department=in_language(department.name, lang, "") if department else "",
        customer=session.get(Customer, case.customer_id) if case.customer_id else None,
        response=response_summary(session, case.response_id, lang),
        timeline=_timeline(session, case.id),
        targets=offered_targets(user, case),
        root_causes=causes,
        suggestions=session.scalars(
            sa.select(Suggestion).where(Suggestion.origin_case_id == case.id).order_by(Suggestion.id)
        ).all(),
        overdue=_is_overdue(case, now),
    )


def _timeline(session: Session, case_id: int) -> list[TimelineStep]:
    """The case's recorded steps, oldest first, with the actors' names."""
    rows = session.execute(
        sa.select(CaseEvent, User.name)
        .outerjoin(User, User.id == CaseEvent.actor_id)
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.at, CaseEvent.id)
    ).all()
    return [
        TimelineStep(
            event.at, name, event.from_state, event.to_state, event.note, (event.details or {}).get("root_cause")
        )
        for event, name in rows
    ]


def suggest_from_case(session: Session, case: FollowUpCase, *, actor: User, title: str, description: str) -> Suggestion:
    """Submit a suggestion that grew out of ``case``, with the case and its response as evidence."""
    return submit_suggestion(
        session,
        submitter=actor,
        title=title[:200],
        description=description,
        touchpoint_id=case.touchpoint_id,
        evidence=[Evidence("response", str(case.response_id)), Evidence("case", str(case.id))],
        origin_case_id=case.id,
    )
