"""Changes the demo plants so the impact analysis has something to find: one that worked, one that backfired.

Each names an idea (its index in ``ideas.IDEAS``, whose planned end state is implemented), the touchpoint the
idea is about, how many days before the demo's "now" it was implemented, and how much the customers' mood at
that touchpoint moved from then on (the same latent mood ``answers.simulate`` draws every answer from). The
rest of the journey is untouched, so the difference-in-differences sees the shift and nothing else; the
year-long drift every touchpoint shares cancels out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class PlantedChange:
    """An implemented idea and what it did to its touchpoint's answers afterwards."""

    idea: int
    touchpoint: str
    days_ago: int
    mood_shift: float

    def implemented_at(self, now: datetime) -> datetime:
        """When the change was implemented, counted back from ``now``."""
        return now - timedelta(days=self.days_ago)


PLANTED = (
    PlantedChange(idea=4, touchpoint="call_centre", days_ago=120, mood_shift=0.4),  # a lock specialist desk: worked
    PlantedChange(idea=12, touchpoint="consultation", days_ago=150, mood_shift=-0.35),  # a config tool: backfired
)


def mood_shift(touchpoint: str, submitted: datetime, now: datetime) -> float:
    """How much the planted changes move the mood of an answer given at ``touchpoint`` at ``submitted``."""
    return sum(
        change.mood_shift
        for change in PLANTED
        if change.touchpoint == touchpoint and submitted > change.implemented_at(now)
    )


def planted_at(idea: int, now: datetime) -> datetime | None:
    """When the idea was implemented if the demo planted its effect, else None."""
    return next((change.implemented_at(now) for change in PLANTED if change.idea == idea), None)
