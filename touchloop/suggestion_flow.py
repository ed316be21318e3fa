"""The outer loop's rules: which suggestion state may follow which, who may move it, and what each step needs.

Everything is in one table, ``TRANSITIONS``. A step not in the table is refused; a step in it is refused
when the actor is the wrong person or something it requires is missing. No Flask, no database.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from touchloop.refusal import Refusal

ADMIN = "admin"  # mirrors app.models.people.Role: an admin holds every role
REPRESENTATIVE = "representative"
MANAGER = "manager"


class State(enum.StrEnum):
    """Where a suggestion stands."""

    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    VERIFIED = "verified"
    CLOSED = "closed"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    DEFERRED = "deferred"


class ActorRule(enum.StrEnum):
    """Who, among the holders of a step's roles, may make it."""

    ANY_WITH_ROLE = "any_with_role"  # anyone holding one of the roles
    OWNER = "owner"  # only the suggestion's owner, whatever their role
    NOT_OWNER = "not_owner"  # a holder of one of the roles who is not the owner (an independent check)


class Need(enum.StrEnum):
    """Something a step cannot be made without; the value is the message shown when it is missing.

    A missing need is refused with the code ``suggestion.need.<name in lower case>``.
    """

    OWNER_AND_DUE_DATE = "give an owner and a due date"
    REASON = "a reason is required"
    MERGE_TARGET = "say which suggestion it duplicates"


@dataclass(frozen=True)
class Transition:
    """One allowed step: who may make it, what it needs, and what it does besides changing the state."""

    roles: frozenset[str]
    actor: ActorRule
    action: str  # completes "only ... can <action>"
    needs: frozenset[Need] = frozenset()
    clears_owner: bool = False
    doer: str = "person doing this"  # named in the not-owner refusal: "the verifier must not be the owner"


@dataclass(frozen=True)
class Actor:
    """The person asking to make a step."""

    user_id: int
    roles: frozenset[str]

    def holds_any(self, roles: Iterable[str]) -> bool:
        """True if this actor holds one of ``roles`` (admins hold every role)."""
        return ADMIN in self.roles or not self.roles.isdisjoint(roles)


@dataclass(frozen=True)
class ItemFacts:
    """What the rules need to know about the suggestion itself."""

    owner_id: int | None
    submitter_id: int | None


@dataclass(frozen=True)
class Given:
    """What the actor supplied with the step."""

    owner_id: int | None = None
    due_date: date | None = None
    reason: str | None = None
    merge_into_id: int | None = None


def _step(*roles: str, actor: ActorRule = ActorRule.ANY_WITH_ROLE, **details) -> Transition:
    """A table row, kept short."""
    return Transition(roles=frozenset(roles), actor=actor, **details)


TRANSITIONS: dict[tuple[State, State], Transition] = {
    (State.SUBMITTED, State.UNDER_REVIEW): _step(REPRESENTATIVE, action="start the review"),
    (State.UNDER_REVIEW, State.ACCEPTED): _step(
        REPRESENTATIVE, action="accept it and assign an owner", needs=frozenset({Need.OWNER_AND_DUE_DATE})
    ),
    (State.UNDER_REVIEW, State.REJECTED): _step(REPRESENTATIVE, action="reject it", needs=frozenset({Need.REASON})),
    (State.UNDER_REVIEW, State.DUPLICATE): _step(
        REPRESENTATIVE, action="merge it as a duplicate", needs=frozenset({Need.MERGE_TARGET})
    ),
    (State.UNDER_REVIEW, State.DEFERRED): _step(
        REPRESENTATIVE, MANAGER, action="defer it", needs=frozenset({Need.REASON})
    ),
    (State.DEFERRED, State.UNDER_REVIEW): _step(REPRESENTATIVE, action="take it back into review"),
    (State.ACCEPTED, State.IN_PROGRESS): _step(actor=ActorRule.OWNER, action="accept the assignment"),
    (State.ACCEPTED, State.UNDER_REVIEW): _step(
        actor=ActorRule.OWNER, action="decline the assignment", needs=frozenset({Need.REASON}), clears_owner=True
    ),
    (State.IN_PROGRESS, State.IMPLEMENTED): _step(actor=ActorRule.OWNER, action="mark it implemented"),
    (State.IMPLEMENTED, State.VERIFIED): _step(
        REPRESENTATIVE, actor=ActorRule.NOT_OWNER, action="verify it", doer="verifier"
    ),
    (State.IMPLEMENTED, State.IN_PROGRESS): _step(
        REPRESENTATIVE,
        actor=ActorRule.NOT_OWNER,
        action="send it back after a failed verification",
        needs=frozenset({Need.REASON}),
        doer="verifier",
    ),
    (State.VERIFIED, State.CLOSED): _step(REPRESENTATIVE, action="close it"),
}

FINAL_STATES = frozenset({State.CLOSED, State.REJECTED, State.DUPLICATE})
OPEN_STATES = frozenset(State) - FINAL_STATES
# The due date is the date the work is due; once implemented, the work is no longer late.
# A deferred suggestion is parked on purpose, so it is not late either.
DUE_STATES = frozenset({State.SUBMITTED, State.UNDER_REVIEW, State.ACCEPTED, State.IN_PROGRESS})


def _actor_refusals(pair: tuple[State, State], step: Transition, actor: Actor, item: ItemFacts) -> list[Refusal]:
    """Why ``actor`` may not make ``step`` (from ``pair[0]`` to ``pair[1]``) on ``item`` (empty if they may)."""
    is_owner = item.owner_id is not None and actor.user_id == item.owner_id
    where = {"current": pair[0].value, "target": pair[1].value}
    if step.actor is ActorRule.OWNER:
        return [] if is_owner else [Refusal("suggestion.only_owner", f"only the owner can {step.action}", where)]
    if step.roles and not actor.holds_any(step.roles):
        roles = sorted(step.roles)
        text = f"only a {' or a '.join(roles)} can {step.action}"
        return [Refusal("suggestion.only_roles", text, {**where, "roles": tuple(roles)})]
    if step.actor is ActorRule.NOT_OWNER and is_owner:
        text = f"the {step.doer} must not be the owner"
        return [Refusal("suggestion.not_owner", text, {**where, "doer": step.doer})]
    return []


def _missing(step: Transition, given: Given) -> list[Refusal]:
    """The refusals for what ``step`` needs and ``given`` lacks."""
    present = {
        Need.OWNER_AND_DUE_DATE: given.owner_id is not None and given.due_date is not None,
        Need.REASON: bool(given.reason and given.reason.strip()),
        Need.MERGE_TARGET: given.merge_into_id is not None,
    }
    return [
        Refusal(f"suggestion.need.{need.name.lower()}", need.value)
        for need in Need
        if need in step.needs and not present[need]
    ]


def check_transition(current: State, target: State, *, actor: Actor, item: ItemFacts, given: Given) -> list[Refusal]:
    """The reasons moving from ``current`` to ``target`` is refused; an empty list means it is allowed."""
    pair = (State(current), State(target))
    step = TRANSITIONS.get(pair)
    if step is None:
        where = {"current": pair[0].value, "target": pair[1].value}
        return [Refusal("suggestion.no_such_step", f"cannot go from {pair[0]} to {pair[1]}", where)]
    return _actor_refusals(pair, step, actor, item) + _missing(step, given)


def allowed_targets(current: State, actor: Actor, item: ItemFacts) -> list[State]:
    """The states ``actor`` may move the suggestion to from ``current`` (one button each)."""
    return [
        target
        for (source, target), step in TRANSITIONS.items()
        if source == current and not _actor_refusals((source, target), step, actor, item)
    ]


def is_overdue(state: State, due_date: date | None, today: date) -> bool:
    """True if the work on a suggestion is still owed after its due date (derived, never stored)."""
    return due_date is not None and State(state) in DUE_STATES and due_date < today
