"""Who hears of a step of the loop, called by the services in the step's own transaction.

A suggestion's step is told to its followers (the submitter, and the submitters of duplicates merged into
it), to its owner before and after the step, and, when an owner declines, to the representative who had
assigned it; never to the person who made the step. A new owner hears "assigned to you" instead.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import CaseEvent, FollowUpCase, Suggestion, SuggestionEvent, User
from app.services.notifications import follow, followers, notify
from touchloop.notifications import Kind, recipients, step_key
from touchloop.suggestion_flow import State

NOTE_LIMIT = 500  # characters of a step's note repeated in a notice


def suggestion_submitted(session: Session, suggestion: Suggestion) -> None:
    """The submitter follows their suggestion from the start."""
    follow(session, suggestion.id, [suggestion.submitter_id])


def suggestion_stepped(session: Session, suggestion: Suggestion, event: SuggestionEvent, actor: User) -> None:
    """Notify everyone concerned by one step (``event``, flushed) of ``suggestion``, except ``actor``."""
    details = event.details or {}
    following = followers(session, suggestion.id)
    new_owner = details.get("owner_id") if event.to_state == State.ACCEPTED else None
    if new_owner is not None and new_owner != actor.id:
        _tell(session, new_owner, Kind.ASSIGNED, suggestion, event, actor)
    if event.to_state == State.DUPLICATE and suggestion.merged_into_id is not None:
        follow(session, suggestion.merged_into_id, following)
    assigner = _assigner(session, suggestion.id, event.id) if "previous_owner_id" in details else None
    concerned = recipients(
        *following, suggestion.owner_id, details.get("previous_owner_id"), assigner, leave_out=(actor.id, new_owner)
    )
    for user_id in concerned:
        _tell(session, user_id, Kind.STATE_CHANGED, suggestion, event, actor)


def case_opened(session: Session, case: FollowUpCase, event: CaseEvent) -> None:
    """Tell a new case's assignee (if it has one) that it was assigned to them."""
    if case.assignee_id is None:
        return
    params = {"title": dict(case.title), "deadline": case.deadline_at.isoformat(), "id": case.id}
    notify(
        session,
        case.assignee_id,
        Kind.ASSIGNED,
        dedup_key=step_key(Kind.ASSIGNED, "case", event.id, case.assignee_id),
        params=params,
        case_id=case.id,
    )


def _tell(
    session: Session, user_id: int, kind: Kind, suggestion: Suggestion, event: SuggestionEvent, actor: User
) -> None:
    """One notice of ``kind`` about this step for ``user_id``."""
    note = (event.note or "").strip()
    params = {
        "id": suggestion.id,
        "title": suggestion.title,
        "from": event.from_state,
        "to": event.to_state,
        "actor": actor.name,
        "note": note[:NOTE_LIMIT] or None,
        "due": suggestion.due_date.isoformat() if suggestion.due_date else None,
        "merged_into": suggestion.merged_into_id,
    }
    key = step_key(kind, "suggestion", event.id, user_id)
    notify(session, user_id, kind, dedup_key=key, params=params, suggestion_id=suggestion.id)


def _assigner(session: Session, suggestion_id: int, before_event_id: int) -> int | None:
    """Who made the latest acceptance (the assignment) before the event ``before_event_id``."""
    return session.scalar(
        sa.select(SuggestionEvent.actor_id)
        .where(
            SuggestionEvent.suggestion_id == suggestion_id,
            SuggestionEvent.to_state == State.ACCEPTED,
            SuggestionEvent.id < before_event_id,
        )
        .order_by(SuggestionEvent.id.desc())
        .limit(1)
    )
