"""The inner loop's rules: which follow-up case state may follow which, who may move it, and what each step needs.

Everything is in one table, ``TRANSITIONS``. A step not in the table is refused; a step in it is refused when
the actor holds none of its roles or something it requires is missing. No Flask, no database.

``roles`` are the actor's roles *for this case*: the caller grants ``owner`` only to an owner of the case's
department queue (or its assignee), so a step open to owners is open to the right owners only.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from touchloop.refusal import Refusal
from touchloop.survey import FollowUpRule

ADMIN = "admin"  # mirrors app.models.people.Role: an admin holds every role
REPRESENTATIVE = "representative"
OWNER = "owner"
MANAGER = "manager"


class CaseState(enum.StrEnum):
    """Where a follow-up case stands."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    CONTACTED = "contacted"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"


class Need(enum.StrEnum):
    """Something a step cannot be made without; the value is the message shown when it is missing.

    A missing need is refused with the code ``case.need.<name in lower case>``.
    """

    ROOT_CAUSE = "give a root-cause code"
    NOTE = "say in a note what was done for the customer"
    REASON = "give the reason for reopening it"


@dataclass(frozen=True)
class CaseStep:
    """One allowed step: who may make it and what it needs."""

    roles: frozenset[str]
    action: str  # completes "only ... can <action>"
    needs: frozenset[Need] = frozenset()


def _step(*roles: str, action: str, needs: Iterable[Need] = ()) -> CaseStep:
    """A table row, kept short."""
    return CaseStep(frozenset(roles), action, frozenset(needs))


_WORKERS = (REPRESENTATIVE, OWNER)  # the customer's representative, or the department queue's owner
_SUPERVISORS = (REPRESENTATIVE, MANAGER)  # closing and reopening are checks by someone who is not the doer
_RESOLVE_NEEDS = (Need.ROOT_CAUSE, Need.NOTE)

TRANSITIONS: dict[tuple[CaseState, CaseState], CaseStep] = {
    (CaseState.NEW, CaseState.ACKNOWLEDGED): _step(*_WORKERS, action="acknowledge it"),
    (CaseState.NEW, CaseState.CONTACTED): _step(*_WORKERS, action="record contacting the customer"),
    (CaseState.ACKNOWLEDGED, CaseState.CONTACTED): _step(*_WORKERS, action="record contacting the customer"),
    (CaseState.CONTACTED, CaseState.RESOLVED): _step(*_WORKERS, action="resolve it", needs=_RESOLVE_NEEDS),
    (CaseState.RESOLVED, CaseState.CLOSED): _step(*_SUPERVISORS, action="close it"),
    (CaseState.RESOLVED, CaseState.REOPENED): _step(*_SUPERVISORS, action="reopen it", needs=[Need.REASON]),
    (CaseState.CLOSED, CaseState.REOPENED): _step(*_SUPERVISORS, action="reopen it", needs=[Need.REASON]),
    (CaseState.REOPENED, CaseState.CONTACTED): _step(*_WORKERS, action="record contacting the customer"),
    (CaseState.REOPENED, CaseState.RESOLVED): _step(*_WORKERS, action="resolve it", needs=_RESOLVE_NEEDS),
}

OPEN_STATES = frozenset({CaseState.NEW, CaseState.ACKNOWLEDGED, CaseState.CONTACTED, CaseState.REOPENED})


def allowed_targets(current: str) -> list[CaseState]:
    """The states a case in ``current`` may move to, in table order (for offering buttons)."""
    return [target for (source, target) in TRANSITIONS if source == current]


def check_case_transition(
    current: str,
    target: str,
    *,
    roles: Collection[str],
    root_cause: str | None = None,
    note: str | None = None,
) -> list[Refusal]:
    """Why the step ``current`` -> ``target`` is refused for an actor with ``roles`` (empty if allowed)."""
    where = {"current": str(current), "target": str(target)}
    step = TRANSITIONS.get((current, target))
    if step is None:
        return [Refusal("case.no_such_step", f"a case cannot go from {current} to {target}", where)]
    reasons = []
    if ADMIN not in roles and step.roles.isdisjoint(roles):
        allowed = sorted(step.roles)
        text = f"only {' or '.join(_with_article(role) for role in allowed)} can {step.action}"
        reasons.append(Refusal("case.only_roles", text, {**where, "roles": tuple(allowed)}))
    given = {Need.ROOT_CAUSE: root_cause, Need.NOTE: note, Need.REASON: note}
    reasons.extend(
        Refusal(f"case.need.{need.name.lower()}", need.value)
        for need in Need
        if need in step.needs and not (given[need] or "").strip()
    )
    return reasons


def _with_article(role: str) -> str:
    """``a representative``, ``an owner``."""
    return f"{'an' if role[0] in 'aeiou' else 'a'} {role}"


def matching_rules(followups: Iterable[FollowUpRule], answers: Mapping[str, object]) -> list[FollowUpRule]:
    """The follow-up rules whose ``when`` holds for ``answers`` (the checked answers, by question id)."""
    return [rule for rule in followups if rule.when.evaluate(answers)]
