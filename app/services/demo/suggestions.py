"""The demo's improvement suggestions: one per idea, each moved by the right people to a planned state.

The services stamp every step with the current time, so once a suggestion's path is walked its timeline is
spread back over the past months; a few are left past their due date.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import FollowUpCase, Suggestion, SuggestionEvent, Touchpoint
from app.services.demo.changes import planted_at
from app.services.demo.ideas import DUPLICATE_OF, IDEAS, REASONS
from app.services.suggestions import Evidence, advance_suggestion, submit_suggestion
from touchloop.suggestion_flow import FINAL_STATES, State

if TYPE_CHECKING:
    from app.services.demo.loop import DemoPeople

S = State
# The state each idea ends in, in IDEAS order (the last four are duplicates of earlier ideas).
PLAN = [
    S.CLOSED, S.VERIFIED, S.IN_PROGRESS, S.CLOSED, S.IMPLEMENTED, S.ACCEPTED, S.CLOSED, S.UNDER_REVIEW,
    S.IN_PROGRESS, S.DEFERRED, S.ACCEPTED, S.REJECTED, S.IMPLEMENTED, S.SUBMITTED, S.IN_PROGRESS, S.DEFERRED,
    S.CLOSED, S.VERIFIED, S.IN_PROGRESS, S.CLOSED, S.IMPLEMENTED, S.REJECTED, S.UNDER_REVIEW, S.SUBMITTED,
    S.IN_PROGRESS, S.ACCEPTED, S.REJECTED, S.SUBMITTED, S.UNDER_REVIEW, S.DEFERRED, S.IN_PROGRESS, S.ACCEPTED,
    S.SUBMITTED, S.UNDER_REVIEW, S.IMPLEMENTED, S.SUBMITTED, S.DUPLICATE, S.DUPLICATE, S.DUPLICATE, S.DUPLICATE,
]  # fmt: skip
WORK = [S.UNDER_REVIEW, S.ACCEPTED, S.IN_PROGRESS, S.IMPLEMENTED, S.VERIFIED, S.CLOSED]
OVERDUE = {2, 8, 25}  # open work whose due date has passed
DECLINED_FIRST = {8}  # first assigned to the wrong department, which declines
FAILED_VERIFICATION = {14}  # implemented, then sent back by the verifying representative
FROM_CASES = {4, 19, 20, 24, 30}  # grew out of a follow-up case


def make_demo_suggestions(
    session: Session, people: DemoPeople, cases: list[FollowUpCase], rng: random.Random, now: datetime
) -> list[Suggestion]:
    """Submit one suggestion per idea and walk each to its planned state as the right people."""
    touchpoints = dict(session.execute(sa.select(Touchpoint.code, Touchpoint).order_by(Touchpoint.id)).all())
    made: list[Suggestion] = []
    for index, (code, title, description, benefit) in enumerate(IDEAS):
        touchpoint = touchpoints.get(code)
        origin = _origin_case(cases, touchpoint, rng) if index in FROM_CASES else None
        submitter = rng.choice(people.representatives) if origin else rng.choice(people.staff + people.representatives)
        evidence = [Evidence("case", str(origin.id)), Evidence("response", str(origin.response_id))] if origin else []
        suggestion = submit_suggestion(
            session,
            submitter=submitter,
            title=title,
            description=description,
            touchpoint_id=touchpoint.id if touchpoint else None,
            expected_benefit=benefit,
            evidence=evidence,
            origin_case_id=origin.id if origin else None,
        )
        started = now - timedelta(days=rng.uniform(20, 150))
        anchor = planted_at(index, now)
        if anchor is not None:
            started = anchor - timedelta(days=30)  # its due date falls after the planted implementation
        _walk(session, suggestion, index, people, touchpoint, rng, started, now, made)
        _backdate(session, suggestion, rng, started, now, anchor)
        made.append(suggestion)
    return made


def _origin_case(cases: list[FollowUpCase], touchpoint: Touchpoint | None, rng: random.Random):
    """A case at the same touchpoint (else any case) for a suggestion to grow out of; None without cases."""
    same = [case for case in cases if touchpoint and case.touchpoint_id == touchpoint.id]
    return rng.choice(same or cases) if cases else None


def _walk(session, suggestion, index, people, touchpoint, rng, started, now, made) -> None:
    """Move the suggestion along its planned path, each step made by someone allowed to make it."""
    target = PLAN[index]
    reviewer = rng.choice(people.representatives)
    owner = people.owners.get(touchpoint.department_id) if touchpoint else None
    owner = owner or next(iter(people.owners.values()))
    verifier = next((rep for rep in people.representatives if rep is not reviewer), reviewer)
    due = (now - timedelta(days=rng.randint(3, 20))).date() if index in OVERDUE else None
    due = due or (started + timedelta(days=rng.randint(25, 60))).date()

    def step(state, actor, **given):
        advance_suggestion(session, suggestion.id, state, actor=actor, **given)

    if target == S.SUBMITTED:
        return
    step(S.UNDER_REVIEW, reviewer)
    if target in (S.REJECTED, S.DEFERRED):
        step(target, reviewer, note=rng.choice(REASONS[target]))
    elif target == S.DUPLICATE:
        step(target, reviewer, merge_into_id=made[DUPLICATE_OF[index]].id, note="与已有建议重复，已合并。")
    if target not in WORK[1:]:
        return
    if index in DECLINED_FIRST:
        wrong = next(user for user in people.owners.values() if user is not owner)
        step(S.ACCEPTED, reviewer, owner_id=wrong.id, due_date=due)
        step(S.UNDER_REVIEW, wrong, note="不属于本部门职责，请转给负责该触点的部门。")
    step(S.ACCEPTED, reviewer, owner_id=owner.id, due_date=due)
    _work(step, target, index, owner, reviewer, verifier)


def _work(step, target: State, index: int, owner, reviewer, verifier) -> None:
    """From accepted on: the owner works, a representative who is not the owner verifies and closes."""
    actors = {S.IN_PROGRESS: owner, S.IMPLEMENTED: owner, S.VERIFIED: verifier, S.CLOSED: reviewer}
    for state in WORK[2 : WORK.index(target) + 1]:
        step(state, actors[state])
    if index in FAILED_VERIFICATION:
        step(S.IMPLEMENTED, owner)
        step(S.IN_PROGRESS, verifier, note="抽查三位客户，仍有两位反映问题未改善，请继续跟进。")


def _backdate(
    session: Session,
    suggestion: Suggestion,
    rng: random.Random,
    started: datetime,
    now: datetime,
    implemented_at: datetime | None = None,
) -> None:
    """Spread the timeline from ``started`` on, a few days a step, never into the future.

    With ``implemented_at`` (a planted change) the whole timeline is shifted so that its last step into
    "implemented" happens exactly then.
    """
    events = session.scalars(
        sa.select(SuggestionEvent).where(SuggestionEvent.suggestion_id == suggestion.id).order_by(SuggestionEvent.id)
    ).all()
    times, at = [], started
    for _event in events:
        times.append(at)
        at += timedelta(days=rng.uniform(1, 12))
    implemented = [time for time, event in zip(times, events) if event.to_state == State.IMPLEMENTED]
    if implemented_at is not None and implemented:
        times = [time + (implemented_at - implemented[-1]) for time in times]
    for event, time in zip(events, times):
        event.at = min(time, now - timedelta(hours=1))
    suggestion.created_at = events[0].at
    suggestion.updated_at = events[-1].at
    suggestion.closed_at = events[-1].at if suggestion.state in FINAL_STATES else None
    session.flush()
