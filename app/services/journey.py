"""The journey as last loaded, for code that needs its segments or contact rules."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import JourneySnapshot
from touchloop.journey import Journey, read_journey
from touchloop.yamlsource import YamlDocument

_parsed: dict[int, Journey] = {}  # snapshot id -> Journey; snapshots never change


def current_journey(session: Session) -> Journey | None:
    """The newest loaded journey.yaml, or None before the first ``flask surveys load``."""
    row = session.execute(
        sa.select(JourneySnapshot.id, JourneySnapshot.definition).order_by(JourneySnapshot.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    if row.id not in _parsed:
        journey, problems = read_journey(YamlDocument(f"journey snapshot {row.id}", row.definition, {}))
        if journey is None:
            raise ValueError(f"the stored journey no longer validates: {problems[0]}")
        _parsed.clear()  # only the newest is ever asked for
        _parsed[row.id] = journey
    return _parsed[row.id]
