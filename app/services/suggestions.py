"""Suggestions (the outer loop): submitting one and moving it through its states, every step recorded.

The rules live in ``touchloop.suggestion_flow``; this module applies them to the rows. Functions add and
flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.models import Role, Suggestion, SuggestionEvent, SuggestionEvidence, User
from app.models.types import utcnow
from app.services.step_notices import suggestion_stepped, suggestion_submitted
from app.services.webhooks.outbox import emit
from app.services.webhooks.payloads import suggestion_data
from touchloop import webhooks
from touchloop.refusal import Refusal
from touchloop.suggestion_flow import (
    FINAL_STATES,
    TRANSITIONS,
    Actor,
    Given,
    ItemFacts,
    Need,
    State,
    Transition,
    check_transition,
)

EVIDENCE_KINDS = ("response", "case", "gap")


class TransitionRefused(Exception):
    """A step the rules do not allow; ``reasons`` say why, in plain words."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)


class ChangedMeanwhile(Exception):
    """Someone else changed the suggestion first; ``state`` is where it stands now."""

    def __init__(self, state: str | None):
        super().__init__(f"changed by someone else; it is now {state}")
        self.state = state


class SuggestionNotFound(LookupError):
    """No suggestion has this id."""


@dataclass(frozen=True)
class Evidence:
    """A link to what a suggestion is based on: a response, a case, or a gap on the analytics page."""

    kind: str
    reference: str
    note: str | None = None


def submit_suggestion(
    session: Session,
    *,
    submitter: User,
    title: str,
    description: str,
    touchpoint_id: int | None = None,
    dimension_id: int | None = None,
    expected_benefit: str | None = None,
    evidence: Iterable[Evidence | tuple] = (),
    origin_case_id: int | None = None,
) -> Suggestion:
    """Add a submitted suggestion with its evidence links and the first event of its timeline."""
    links = [item if isinstance(item, Evidence) else Evidence(*item) for item in evidence]
    _check_submission(title, links)
    suggestion = Suggestion(
        title=title.strip(),
        description=description.strip(),
        expected_benefit=expected_benefit,
        touchpoint_id=touchpoint_id,
        dimension_id=dimension_id,
        origin_case_id=origin_case_id,
        state=State.SUBMITTED,
        submitter=submitter,
    )
    session.add(suggestion)
    session.flush()
    session.add_all(
        SuggestionEvidence(suggestion_id=suggestion.id, kind=link.kind, reference=str(link.reference), note=link.note)
        for link in links
    )
    details = {"origin_case_id": origin_case_id} if origin_case_id is not None else None
    session.add(_event(suggestion, None, submitter, note=None, details=details))
    suggestion_submitted(session, suggestion)
    session.flush()
    return suggestion


def _check_submission(title: str, links: list[Evidence]) -> None:
    """Raise ValueError for a suggestion without a title or with evidence of an unknown kind."""
    reasons = [] if title and title.strip() else ["a title is required"]
    reasons += [f"unknown kind of evidence: {link.kind}" for link in links if link.kind not in EVIDENCE_KINDS]
    if reasons:
        raise ValueError("; ".join(reasons))


def advance_suggestion(
    session: Session,
    suggestion_id: int,
    target: State | str,
    *,
    actor: User,
    note: str | None = None,
    owner_id: int | None = None,
    due_date: date | None = None,
    merge_into_id: int | None = None,
    expected_version: int | None = None,
) -> Suggestion:
    """Move a suggestion to ``target`` if the rules allow it, and record the step; the caller commits.

    Raises TransitionRefused (nothing changed) or ChangedMeanwhile (someone else moved it first; the
    session is then rolled back, as a failed flush leaves nothing to commit).
    """
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise SuggestionNotFound(suggestion_id)
    if expected_version is not None and expected_version != suggestion.version:
        raise ChangedMeanwhile(suggestion.state)
    current, target = State(suggestion.state), _state(target)
    given = Given(owner_id=owner_id, due_date=due_date, reason=note, merge_into_id=merge_into_id)
    item = ItemFacts(owner_id=suggestion.owner_id, submitter_id=suggestion.submitter_id)
    reasons = check_transition(current, target, actor=actor_of(actor), item=item, given=given)
    step = TRANSITIONS.get((current, target))
    reasons = reasons or _check_references(session, suggestion, step, given)
    if reasons:
        raise TransitionRefused(reasons)
    details = _apply(session, suggestion, step, given)
    suggestion.state = target
    if target in FINAL_STATES:
        suggestion.closed_at = utcnow()
    event = _event(suggestion, current, actor, note=note, details=details or None)
    session.add(event)
    _flush(session, suggestion_id)
    suggestion_stepped(session, suggestion, event, actor)
    emit(session, webhooks.SUGGESTION_TRANSITIONED, suggestion_data(session, suggestion, event, actor), now=event.at)
    return suggestion


def actor_of(user: User) -> Actor:
    """The rules' view of a signed-in user."""
    return Actor(user_id=user.id, roles=frozenset({user.role}))


def _state(value: State | str) -> State:
    """``value`` as a State, or a refusal naming it."""
    try:
        return State(value)
    except ValueError:
        raise TransitionRefused(
            [Refusal("suggestion.no_such_state", f"there is no state {value!r}", {"state": str(value)})]
        ) from None


def _check_references(session: Session, suggestion: Suggestion, step: Transition, given: Given) -> list[str]:
    """What the rules cannot see: that the new owner and the merge target exist and fit."""
    reasons = []
    if Need.OWNER_AND_DUE_DATE in step.needs:
        owner = session.get(User, given.owner_id)
        if owner is None or not owner.active or not owner.has_role(Role.OWNER):
            reasons.append(
                Refusal("suggestion.owner_not_eligible", "the owner must be an active user with the owner role")
            )
    if Need.MERGE_TARGET in step.needs:
        original = session.get(Suggestion, given.merge_into_id)
        if original is None:
            reasons.append(
                Refusal(
                    "suggestion.no_such_suggestion",
                    f"there is no suggestion #{given.merge_into_id}",
                    {"id": given.merge_into_id},
                )
            )
        elif original.id == suggestion.id:
            reasons.append(Refusal("suggestion.self_duplicate", "a suggestion cannot duplicate itself"))
        elif original.state == State.DUPLICATE:
            reasons.append(
                Refusal(
                    "suggestion.duplicate_of_duplicate",
                    f"#{original.id} is itself a duplicate; merge into its original",
                    {"id": original.id},
                )
            )
    return reasons


def _apply(session: Session, suggestion: Suggestion, step: Transition, given: Given) -> dict:
    """Set what the step sets besides the state; return what it set, for the event."""
    details: dict = {}
    if Need.OWNER_AND_DUE_DATE in step.needs:
        owner = session.get(User, given.owner_id)
        suggestion.owner, suggestion.due_date, suggestion.department_id = owner, given.due_date, owner.department_id
        details.update(owner_id=owner.id, due_date=given.due_date.isoformat(), department_id=owner.department_id)
    if step.clears_owner:
        details.update(previous_owner_id=suggestion.owner_id, previous_department_id=suggestion.department_id)
        # The due date belonged to the declined assignment; the next acceptance sets a new one.
        suggestion.owner, suggestion.due_date, suggestion.department_id = None, None, None
    if Need.MERGE_TARGET in step.needs:
        suggestion.merged_into_id = details["merged_into_id"] = given.merge_into_id
    # ``reason`` holds the reason for where the suggestion stands now, shown to the submitter.
    suggestion.reason = given.reason.strip() if Need.REASON in step.needs else None
    return details


def _event(suggestion: Suggestion, from_state: State | None, actor: User, *, note, details) -> SuggestionEvent:
    """A timeline row for the step to the suggestion's (new) state."""
    return SuggestionEvent(
        suggestion_id=suggestion.id,
        actor_id=actor.id,
        from_state=from_state,
        to_state=suggestion.state,
        note=note,
        details=details,
    )


def _flush(session: Session, suggestion_id: int) -> None:
    """Flush; if another session moved the suggestion first, roll back and say where it stands now."""
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        state = session.scalar(sa.select(Suggestion.state).where(Suggestion.id == suggestion_id))
        raise ChangedMeanwhile(state) from None


def timeline(session: Session, suggestion_id: int) -> list[SuggestionEvent]:
    """Every step of a suggestion, oldest first."""
    query = (
        sa.select(SuggestionEvent)
        .where(SuggestionEvent.suggestion_id == suggestion_id)
        .order_by(SuggestionEvent.at, SuggestionEvent.id)
    )
    return list(session.scalars(query))
