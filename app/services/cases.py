"""Follow-up cases (the inner loop): opened with the response that trips a rule, then moved step by step.

Like every service, these add and flush; the caller commits. Opening runs inside the response's own
transaction, so a response that is rolled back (a duplicate, a lost race, a database error) leaves no case.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.models import CaseEvent, Customer, FollowUpCase, Response, Role, Touchpoint, User
from app.models.types import utcnow
from app.services.journey import current_journey
from app.services.step_notices import case_opened
from app.services.webhooks.outbox import emit
from app.services.webhooks.payloads import case_data
from touchloop import webhooks
from touchloop.case_flow import OWNER, CaseState, check_case_transition, matching_rules
from touchloop.refusal import Refusal
from touchloop.survey import Survey as SurveyDefinition


class CaseNotFound(LookupError):
    """No case has this id."""


class CaseTransitionRefused(Exception):
    """The step is not allowed; ``reasons`` says why. Nothing was changed."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class CaseChangedMeanwhile(Exception):
    """Someone else changed the case first; ``state`` is where it stands now."""

    def __init__(self, state: str):
        super().__init__(f"the case was changed by someone else; it is now {state}")
        self.state = state


def open_cases(
    session: Session,
    *,
    response: Response,
    definition: SurveyDefinition,
    answers: Mapping[str, object],
    customer: Customer | None,
    now: datetime,
) -> list[FollowUpCase]:
    """Open one case per follow-up rule of ``definition`` that ``answers`` match, each with its first event."""
    rules = matching_rules(definition.followups, answers)
    if not rules:
        return []
    department_id = session.scalar(sa.select(Touchpoint.department_id).where(Touchpoint.id == response.touchpoint_id))
    assignee_id = representative_id(session, customer.representative if customer else None)
    cases = [
        FollowUpCase(
            response_id=response.id,
            rule_id=rule.id,
            title=dict(rule.title),
            customer_id=response.customer_id,
            touchpoint_id=response.touchpoint_id,
            department_id=department_id,
            assignee_id=assignee_id,
            state=CaseState.NEW,
            deadline_at=now + timedelta(hours=rule.deadline_hours),
            created_at=now,
            updated_at=now,
        )
        for rule in rules
    ]
    session.add_all(cases)
    session.flush()
    events = [
        CaseEvent(case_id=case.id, at=now, from_state=None, to_state=CaseState.NEW, details={"rule": case.rule_id})
        for case in cases
    ]
    session.add_all(events)
    session.flush()
    for case, event in zip(cases, events):
        case_opened(session, case, event)
        emit(session, webhooks.CASE_OPENED, case_data(session, case), now=now)
    return cases


def representative_id(session: Session, email: str | None) -> int | None:
    """The active representative (or admin) whose e-mail is ``email``, ignoring case; None if there is none."""
    if not email or not email.strip():
        return None
    return session.scalar(
        sa.select(User.id)
        .where(
            sa.func.lower(User.email) == email.strip().lower(),
            User.active.is_(True),
            User.role.in_([Role.REPRESENTATIVE, Role.ADMIN]),
        )
        .order_by(User.id)
        .limit(1)
    )


def case_roles(actor: User, case: FollowUpCase) -> frozenset[str]:
    """The actor's roles for this case: an owner counts only for their department's queue or as its assignee."""
    if not actor.active:
        return frozenset()
    if actor.role == Role.OWNER:
        in_queue = case.department_id is not None and actor.department_id == case.department_id
        return frozenset({OWNER}) if in_queue or actor.id == case.assignee_id else frozenset()
    return frozenset({actor.role})


def advance_case(
    session: Session,
    case_id: int,
    target: str,
    *,
    actor: User,
    note: str | None = None,
    root_cause: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> FollowUpCase:
    """Move a case to ``target`` as ``actor`` and record the step; refuse without changing anything."""
    case = session.get(FollowUpCase, case_id)
    if case is None:
        raise CaseNotFound(case_id)
    if expected_version is not None and case.version != expected_version:
        raise CaseChangedMeanwhile(case.state)
    note = (note or "").strip() or None
    root_cause = (root_cause or "").strip() or None
    reasons = check_case_transition(case.state, target, roles=case_roles(actor, case), root_cause=root_cause, note=note)
    if not reasons and target == CaseState.RESOLVED:
        reasons = _root_cause_refusals(session, root_cause)
    if reasons:
        raise CaseTransitionRefused(reasons)
    _apply(session, case, CaseState(target), actor=actor, note=note, root_cause=root_cause, now=now or utcnow())
    try:
        session.flush()
    except StaleDataError:
        # The flush failed, so this transaction is lost anyway: roll back to read where the case stands now.
        session.rollback()
        raise CaseChangedMeanwhile(session.get(FollowUpCase, case_id).state) from None
    if target == CaseState.CLOSED:
        emit(session, webhooks.CASE_CLOSED, case_data(session, case), now=case.closed_at)
    return case


def _root_cause_refusals(session: Session, root_cause: str | None) -> list[str]:
    """Why ``root_cause`` is not one of journey.yaml's root-cause codes (empty if it is)."""
    journey = current_journey(session)
    codes = [named.code for named in journey.root_causes] if journey else []
    if root_cause in codes:
        return []
    if not codes:
        return [Refusal("case.no_root_causes", "journey.yaml declares no root-cause codes, so no case can be resolved")]
    known = ", ".join(codes)
    text = f"unknown root-cause code {root_cause!r} (known: {known})"
    return [Refusal("case.unknown_root_cause", text, {"code": root_cause or "", "known": known})]


def _apply(
    session: Session, case: FollowUpCase, target: CaseState, *, actor: User, note, root_cause, now: datetime
) -> None:
    """Change the case and add the event that records the step."""
    event = CaseEvent(case_id=case.id, actor_id=actor.id, at=now, from_state=case.state, to_state=target, note=note)
    if target == CaseState.RESOLVED:
        case.root_cause = root_cause
        event.details = {"root_cause": root_cause}
    if target == CaseState.CLOSED:
        case.closed_at = now
    elif target == CaseState.REOPENED:
        case.closed_at = None
    case.state = target
    case.updated_at = now
    session.add(event)
