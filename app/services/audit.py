"""The audit log of administrative actions: record one, and read them a page at a time.

The view or command that makes a change records it right after calling the service, before its one commit:
the entry is written in the same transaction as the change, so the log has an action exactly when it took
effect. Summaries hold names, ids and before/after values, never a password, token or secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import AuditEntry, User

COMMAND_LINE = "command line"
PAGE_SIZE = 50
# Every action the log knows, in the order the filter lists them.
ACTIONS = (
    "user.created",
    "user.changed",
    "user.password_set",
    "department.head_set",
    "department.member_moved",
    "survey.loaded",
    "target.added",
    "target.removed",
    "reference_level.set",
    "reference_level.removed",
    "customers.imported",
    "customer.representative_set",
    "customer.exported",
    "customer.erased",
    "batch.created",
    "batch.sent",
    "api_token.created",
    "api_token.revoked",
    "webhook.subscribed",
    "webhook.switched",
    "webhook.tested",
    "webhook.deleted",
    "webhook.retried",
)
SECRET_KEYS = frozenset({"password", "password_hash", "secret", "secret_hash", "token", "api_key"})


@dataclass(frozen=True)
class AuditPage:
    """One page of entries, newest first, and whether there are more."""

    entries: list[AuditEntry]
    number: int
    has_next: bool


def record(
    session: Session, action: str, actor: User | None, object_id: Any = None, *, summary: dict[str, Any] | None = None
) -> AuditEntry:
    """Add one entry: ``actor`` (None: the command line) did ``action`` to the object ``object_id``; caller commits.

    The object's kind is the action's first part ("user.created": a user); customers.imported names no one.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    summary = dict(summary or {})
    secrets_named = SECRET_KEYS & {key.lower() for key in summary}
    if secrets_named:
        raise ValueError(f"an audit summary must not hold secrets: {sorted(secrets_named)}")
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.email if actor is not None else COMMAND_LINE,
        action=action,
        object_type=action.split(".")[0].removesuffix("s"),
        object_id=None if object_id is None else str(object_id),
        summary=summary,
    )
    session.add(entry)
    return entry


def audit_page(session: Session, *, actor_id: int | None = None, action: str | None = None, page: int = 1) -> AuditPage:
    """Entries by ``actor_id`` and of ``action`` (either may be None: all), newest first, PAGE_SIZE a page."""
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    page = max(1, page)
    rows = list(session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return AuditPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def audit_actors(session: Session) -> list[tuple[int, str]]:
    """The accounts that have entries in the log, as (id, "name <e-mail>"), by name."""
    query = (
        sa.select(User.id, User.name, User.email)
        .where(User.id.in_(sa.select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None))))
        .order_by(User.name, User.id)
    )
    return [(row.id, f"{row.name} <{row.email}>") for row in session.execute(query)]
