"""The journey as last loaded, for code that needs its segments or contact rules."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import JourneySnapshot
from touchloop.journey import Journey, read_journey
from touchloop.yamlsource import YamlDocument

_parsed: dict[str, Journey] = {}  # content checksum -> Journey (ids can be reused after a wipe)


def current_journey(session: Session) -> Journey | None:
    """The newest loaded journey.yaml, or None before the first ``flask surveys load``."""
    row = session.execute(
        sa.select(JourneySnapshot.id, JourneySnapshot.checksum, JourneySnapshot.definition)
        .order_by(JourneySnapshot.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    journey = _parsed.get(row.checksum)
    if journey is None:
        journey, problems = read_journey(YamlDocument(f"journey snapshot {row.id}", row.definition, {}))
        if journey is None:
            raise ValueError(f"the stored journey no longer validates: {problems[0]}")
        _parsed.clear()  # only the newest is ever asked for
        _parsed[row.checksum] = journey
    return journey
