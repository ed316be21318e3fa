"""Reminders and escalations of the closed loop, made by ``flask loop remind``; each exactly once.

Due soon: a suggestion due within a few days reminds its owner; a case due within a few hours reminds its
assignee. Overdue: the item is escalated to the department head and the representative (for a suggestion,
the one who assigned it; for a case, the customer's), and its owner or assignee is told too.

Each notice's ``dedup_key`` names the item, its due date and the recipient, and is inserted with "on
conflict do nothing": a second run, or another run at the same moment, makes nothing twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from app.models import Customer, Department, FollowUpCase, Notification, NotificationSetting, Suggestion, User
from app.models import SuggestionEvent as Event
from app.services.cases import representative_id
from app.services.notifications import deliveries_of
from touchloop.case_flow import OPEN_STATES as OPEN_CASE_STATES
from touchloop.notifications import (
    CASE_DUE_SOON_HOURS,
    DUE_SOON_DAYS,
    Delivery,
    Kind,
    deadline_soon_window,
    due_soon_window,
    recipients,
    reminder_key,
)
from touchloop.suggestion_flow import DUE_STATES, State


@dataclass(frozen=True)
class Reminder:
    """One notice to be made, unless its key exists already."""

    user_id: int
    kind: Kind
    key: str
    params: dict
    suggestion_id: int | None = None
    case_id: int | None = None


def make_reminders(
    session: Session, *, now: datetime, days: int = DUE_SOON_DAYS, hours: int = CASE_DUE_SOON_HOURS
) -> Counter:
    """Add every due-soon reminder and overdue escalation not made before; how many of each kind were added."""
    now = now.astimezone(timezone.utc)
    wanted = (
        _suggestions_due_soon(session, now, days)
        + _overdue_suggestions(session, now)
        + _cases_due_soon(session, now, hours)
        + _overdue_cases(session, now)
    )
    return _insert_new(session, wanted, now)


def _suggestions_due_soon(session: Session, now: datetime, days: int) -> list[Reminder]:
    """A reminder to the owner of each suggestion whose work is due within ``days`` days."""
    first, last = due_soon_window(now.date(), days)
    rows = session.execute(
        sa.select(Suggestion.id, Suggestion.title, Suggestion.due_date, Suggestion.owner_id).where(
            Suggestion.state.in_(DUE_STATES),
            Suggestion.owner_id.isnot(None),
            Suggestion.due_date.between(first, last),
        )
    )
    found = []
    for sid, title, due, owner_id in rows:
        key = reminder_key(Kind.DUE_SOON, "suggestion", sid, due, owner_id)
        params = {"id": sid, "title": title, "due": due.isoformat()}
        found.append(Reminder(owner_id, Kind.DUE_SOON, key, params, suggestion_id=sid))
    return found


def _overdue_suggestions(session: Session, now: datetime) -> list[Reminder]:
    """An escalation of each overdue suggestion to its owner, department head and assigning representative."""
    owner = aliased(User)
    assigned_by = (
        sa.select(Event.actor_id)
        .where(Event.suggestion_id == Suggestion.id, Event.to_state == State.ACCEPTED)
        .order_by(Event.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(Suggestion.id, Suggestion.title, Suggestion.due_date, owner.id, owner.name, Department.head_id)
        .add_columns(assigned_by)
        .outerjoin(owner, owner.id == Suggestion.owner_id)
        .outerjoin(Department, Department.id == Suggestion.department_id)
        .where(Suggestion.state.in_(DUE_STATES), Suggestion.due_date < now.date())
    )
    found = []
    for sid, title, due, owner_id, owner_name, head_id, representative in rows:
        params = {"id": sid, "title": title, "due": due.isoformat(), "responsible": owner_name}
        for user_id in recipients(owner_id, head_id, representative):
            key = reminder_key(Kind.OVERDUE, "suggestion", sid, due, user_id)
            found.append(Reminder(user_id, Kind.OVERDUE, key, params, suggestion_id=sid))
    return found


def _cases_due_soon(session: Session, now: datetime, hours: int) -> list[Reminder]:
    """A reminder to the assignee of each open case whose deadline is within ``hours`` hours."""
    first, last = deadline_soon_window(now, hours)
    rows = session.execute(
        sa.select(FollowUpCase.id, FollowUpCase.title, FollowUpCase.deadline_at, FollowUpCase.assignee_id).where(
            FollowUpCase.state.in_(OPEN_CASE_STATES),
            FollowUpCase.assignee_id.isnot(None),
            FollowUpCase.deadline_at.between(first, last),
        )
    )
    found = []
    for case_id, title, deadline, assignee_id in rows:
        key = reminder_key(Kind.DUE_SOON, "case", case_id, deadline, assignee_id)
        params = {"id": case_id, "title": title, "deadline": _utc(deadline).isoformat()}
        found.append(Reminder(assignee_id, Kind.DUE_SOON, key, params, case_id=case_id))
    return found


def _overdue_cases(session: Session, now: datetime) -> list[Reminder]:
    """An escalation of each open case past its deadline to its assignee, department head and representative."""
    assignee = aliased(User)
    rows = session.execute(
        sa.select(FollowUpCase.id, FollowUpCase.title, FollowUpCase.deadline_at, assignee.id, assignee.name)
        .add_columns(Department.head_id, Customer.representative)
        .outerjoin(assignee, assignee.id == FollowUpCase.assignee_id)
        .outerjoin(Department, Department.id == FollowUpCase.department_id)
        .outerjoin(Customer, Customer.id == FollowUpCase.customer_id)
        .where(FollowUpCase.state.in_(OPEN_CASE_STATES), FollowUpCase.deadline_at < now)
    )
    representatives: dict[str, int | None] = {}
    found = []
    for case_id, title, deadline, assignee_id, assignee_name, head_id, email in rows:
        if email and email not in representatives:
            representatives[email] = representative_id(session, email)
        params = {"id": case_id, "title": title, "deadline": _utc(deadline).isoformat(), "responsible": assignee_name}
        for user_id in recipients(assignee_id, head_id, representatives.get(email or "")):
            key = reminder_key(Kind.OVERDUE, "case", case_id, deadline, user_id)
            found.append(Reminder(user_id, Kind.OVERDUE, key, params, case_id=case_id))
    return found


def _insert_new(session: Session, wanted: list[Reminder], now: datetime) -> Counter:
    """Insert the reminders whose keys are new and whose recipients want them; count them by kind."""
    made: Counter = Counter()
    existing = _existing_keys(session, [reminder.key for reminder in wanted])
    fresh = [reminder for reminder in wanted if reminder.key not in existing]
    users = _active_users_with_settings(session, {reminder.user_id for reminder in fresh})
    for reminder in fresh:
        if reminder.user_id not in users:
            continue
        delivery = deliveries_of(users[reminder.user_id])[reminder.kind]
        if delivery is not Delivery.OFF and _insert_once(session, reminder, delivery, now):
            made[reminder.kind] += 1
    return made


def _existing_keys(session: Session, keys: list[str], chunk: int = 500) -> set[str]:
    """Those of ``keys`` some notification already has."""
    found: set[str] = set()
    for start in range(0, len(keys), chunk):
        part = keys[start : start + chunk]
        found.update(session.scalars(sa.select(Notification.dedup_key).where(Notification.dedup_key.in_(part))))
    return found


def _active_users_with_settings(session: Session, user_ids: set[int]) -> dict[int, NotificationSetting | None]:
    """The active ones among ``user_ids``, each with their notification choices (None: the defaults)."""
    if not user_ids:
        return {}
    rows = session.execute(
        sa.select(User.id, NotificationSetting)
        .outerjoin(NotificationSetting, NotificationSetting.user_id == User.id)
        .where(User.id.in_(user_ids), User.active.is_(True))
    )
    return {user_id: setting for user_id, setting in rows}


def _insert_once(session: Session, reminder: Reminder, delivery: Delivery, now: datetime) -> bool:
    """Insert one notification unless its key exists (another run may have just made it); True if inserted."""
    values = {
        "user_id": reminder.user_id,
        "kind": reminder.kind.value,
        "delivery": delivery.value,
        "suggestion_id": reminder.suggestion_id,
        "case_id": reminder.case_id,
        "params": reminder.params,
        "dedup_key": reminder.key,
        "created_at": now,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Notification.__table__)
        .values(values)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(Notification.__table__.c.id)
    )
    return session.execute(statement).first() is not None


def _utc(moment: datetime) -> datetime:
    """A stored moment as aware UTC (SQLite hands back naive UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
