"""The demo's inboxes: the notices its loop left, dated at their steps, plus today's reminders and escalations.

The services stamp a notice with the moment it is made; the demo walks months of steps in seconds, so each
notice is moved back to its step's time. What is older than a few days counts as read, and everything as
already e-mailed, so the first ``flask loop remind`` after ``flask demo`` writes to nobody about the past.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import CaseEvent, Notification, SuggestionEvent
from app.services.loop_reminders import make_reminders
from touchloop.notifications import step_of_key

READ_AFTER_DAYS = 3


def settle_demo_notices(session: Session, now: datetime) -> int:
    """Date the demo's notices at their steps, add today's reminders, mark the past read and all e-mailed."""
    notices = session.scalars(sa.select(Notification)).all()
    steps = [step_of_key(notice.dedup_key) for notice in notices]
    times = {
        item: _event_times(session, model, [event for kind, event in filter(None, steps) if kind == item])
        for item, model in (("suggestion", SuggestionEvent), ("case", CaseEvent))
    }
    for notice, step in zip(notices, steps):
        if step is not None:
            notice.created_at = times[step[0]].get(step[1], now)
    session.flush()
    made = make_reminders(session, now=now)
    unsynchronized = {"synchronize_session": False}  # the loaded notices are not used again before the commit
    session.execute(
        sa.update(Notification).values(emailed_at=Notification.created_at), execution_options=unsynchronized
    )
    old = Notification.created_at < now - timedelta(days=READ_AFTER_DAYS)
    marked = sa.update(Notification).where(old).values(read_at=Notification.created_at)
    session.execute(marked, execution_options=unsynchronized)
    return len(notices) + sum(made.values())


def _event_times(session: Session, model, ids: list[int]) -> dict[int, datetime]:
    """When each event of ``model`` (SuggestionEvent or CaseEvent) in ``ids`` happened."""
    if not ids:
        return {}
    return dict(session.execute(sa.select(model.id, model.at).where(model.id.in_(ids))).all())
