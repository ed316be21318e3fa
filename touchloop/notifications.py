"""What people are told about the closed loop, and how: the kinds of notification, the ways to receive each,
the defaults, and the rules for reminders and escalations. No Flask, no database.

Every notification carries a ``dedup_key`` naming exactly what it is about (the step, or the item, its due
date and the recipient), so a reminder or an escalation is never made twice, however often cron runs.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone

DUE_SOON_DAYS = 2  # a suggestion due within this many days gets a reminder to its owner
CASE_DUE_SOON_HOURS = 12  # a case whose deadline is within this many hours gets a reminder to its assignee


class Kind(enum.StrEnum):
    """What a notification is about."""

    ASSIGNED = "assigned"  # a suggestion or a case was given to you
    DUE_SOON = "due_soon"  # something you own is due soon
    OVERDUE = "overdue"  # something is overdue: escalated to the department head and the representative
    STATE_CHANGED = "state_changed"  # a suggestion you submitted, follow or own moved to another state


class Delivery(enum.StrEnum):
    """How a user wants one kind of notification."""

    IMMEDIATE = "immediate"  # in the inbox, and an e-mail at once
    DIGEST = "digest"  # in the inbox, and in one e-mail a day
    IN_APP = "in_app"  # in the inbox only
    OFF = "off"  # not at all


# Without a choice of their own: what needs acting on is e-mailed at once, the rest comes once a day.
DEFAULT_DELIVERY: dict[Kind, Delivery] = {
    Kind.ASSIGNED: Delivery.IMMEDIATE,
    Kind.OVERDUE: Delivery.IMMEDIATE,
    Kind.DUE_SOON: Delivery.DIGEST,
    Kind.STATE_CHANGED: Delivery.DIGEST,
}


def delivery_for(kind: Kind | str, chosen: str | None) -> Delivery:
    """The user's choice for ``kind`` if it is a valid one, else the default."""
    try:
        return Delivery(chosen)
    except ValueError:
        return DEFAULT_DELIVERY[Kind(kind)]


def step_key(kind: Kind, item: str, event_id: int, user_id: int) -> str:
    """The dedup key of a notification caused by one step (one timeline event) of a suggestion or a case."""
    return f"{kind}:{item}:event{event_id}:user{user_id}"


def step_of_key(key: str) -> tuple[str, int] | None:
    """The item kind ("suggestion" or "case") and event id a ``step_key`` names; None for any other key."""
    parts = key.split(":")
    if len(parts) == 4 and parts[2].startswith("event") and parts[2][5:].isdigit():
        return parts[1], int(parts[2][5:])
    return None


def reminder_key(kind: Kind, item: str, item_id: int, due: date | datetime, user_id: int) -> str:
    """The dedup key of a reminder or escalation: one per item, due date and recipient.

    A new due date (the item was reassigned and accepted again) makes a new key, so the new one is
    reminded and escalated in its turn.
    """
    return f"{kind}:{item}{item_id}:due{due_marker(due)}:user{user_id}"


def due_marker(due: date | datetime) -> str:
    """A due date or deadline as a fixed string (deadlines in UTC, to the minute)."""
    if isinstance(due, datetime):
        moment = due if due.tzinfo else due.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M")
    return due.strftime("%Y%m%d")


def due_soon_window(today: date, days: int) -> tuple[date, date]:
    """The due dates (first and last, inclusive) that count as due soon on ``today``."""
    return today, today + timedelta(days=days)


def deadline_soon_window(now: datetime, hours: int) -> tuple[datetime, datetime]:
    """The deadlines (from, to, inclusive) that count as due soon at ``now``."""
    return now, now + timedelta(hours=hours)


def recipients(*user_ids: int | None, leave_out: Iterable[int | None] = ()) -> list[int]:
    """The distinct user ids given, in order, without None and without those in ``leave_out``."""
    left_out = set(leave_out)
    found: list[int] = []
    for user_id in user_ids:
        if user_id is not None and user_id not in left_out and user_id not in found:
            found.append(user_id)
    return found


def digest_cutoff(now: datetime, hour: int) -> datetime | None:
    """The moment today's digest covers notifications up to, or None before that moment (UTC).

    A digest goes out on the first run after ``hour``:00 UTC each day, with everything that came before.
    """
    start = now.astimezone(timezone.utc).replace(hour=hour, minute=0, second=0, microsecond=0)
    return start if now >= start else None
