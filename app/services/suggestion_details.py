"""One suggestion's page: who may see it, its timeline with names, and the steps this user may take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from app.models import Role, Suggestion, SuggestionEvent, SuggestionEvidence, User
from app.services.evidence import EvidenceLink, evidence_links
from app.services.notifications import is_follower
from app.services.suggestions import actor_of
from touchloop.suggestion_flow import TRANSITIONS, ItemFacts, Need, State, allowed_targets


@dataclass(frozen=True)
class TimelineEntry:
    """One step as the timeline shows it."""

    at: datetime
    actor_name: str | None
    from_state: str | None
    to_state: str
    note: str | None
    details: dict


@dataclass(frozen=True)
class Action:
    """A step this user may take, and the fields it needs."""

    target: str
    needs_owner: bool
    needs_reason: bool
    needs_merge_target: bool


def can_view(user: User, suggestion: Suggestion) -> bool:
    """True for the submitter, the owner, followers, representatives, managers and admins."""
    if user.id in (suggestion.submitter_id, suggestion.owner_id) or user.has_role(Role.REPRESENTATIVE, Role.MANAGER):
        return True
    session = object_session(suggestion)
    return session is not None and is_follower(session, suggestion.id, user.id)


def actions_for(user: User, suggestion: Suggestion) -> list[Action]:
    """The steps ``user`` may take from where ``suggestion`` stands, one form each."""
    current = State(suggestion.state)
    item = ItemFacts(owner_id=suggestion.owner_id, submitter_id=suggestion.submitter_id)
    actions = []
    for target in allowed_targets(current, actor_of(user), item):
        needs = TRANSITIONS[(current, target)].needs
        actions.append(
            Action(
                target=target,
                needs_owner=Need.OWNER_AND_DUE_DATE in needs,
                needs_reason=Need.REASON in needs,
                needs_merge_target=Need.MERGE_TARGET in needs,
            )
        )
    return actions


def timeline_entries(session: Session, suggestion_id: int) -> list[TimelineEntry]:
    """Every step of a suggestion with the actor's name, oldest first."""
    query = (
        sa.select(SuggestionEvent, User.name)
        .outerjoin(User, User.id == SuggestionEvent.actor_id)
        .where(SuggestionEvent.suggestion_id == suggestion_id)
        .order_by(SuggestionEvent.at, SuggestionEvent.id)
    )
    return [
        TimelineEntry(event.at, name, event.from_state, event.to_state, event.note, event.details or {})
        for event, name in session.execute(query)
    ]


def evidence_of(
    session: Session, suggestion_id: int, reader: User | None = None, lang: str = "en"
) -> list[EvidenceLink]:
    """The evidence of a suggestion in the order given, with links to what ``reader`` may open (none without)."""
    query = sa.select(SuggestionEvidence).where(SuggestionEvidence.suggestion_id == suggestion_id)
    return evidence_links(session, list(session.scalars(query.order_by(SuggestionEvidence.id))), reader, lang)
