"""Targets and reference levels: checking what an admin enters, and storing it.

Functions add and flush; the caller commits. Every check returns the problems as ``(field, message)``
pairs so a form can put each message next to its field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import Dimension, Touchpoint, User
from app.models.targets import Metric, ReferenceKind, ReferenceLevel, Target
from app.services.journey import current_journey

# The widest range each metric can take on the scales Touchloop allows (ratings and gaps up to 1–11).
METRIC_RANGES: dict[str, tuple[float, float]] = {
    Metric.NPS: (-100.0, 100.0),
    Metric.CSAT: (0.0, 100.0),
    Metric.MEAN: (0.0, 11.0),
    Metric.GAP: (-10.0, 10.0),
}
# NPS and CSAT are whole-survey figures; a dimension only narrows a mean or a gap.
DIMENSION_METRICS = frozenset({Metric.MEAN, Metric.GAP})

Problems = list[tuple[str, object]]  # (field, lazily translated message)


class InvalidEntry(ValueError):
    """What an admin entered cannot be stored; ``problems`` are (field, message) pairs."""

    def __init__(self, problems: Problems):
        super().__init__("; ".join(field for field, _message in problems))
        self.problems = problems


@dataclass(frozen=True)
class TargetEntry:
    """A target as entered on the form or given by a script."""

    metric: str
    value: float
    period_start: date
    period_end: date
    touchpoint_id: int | None = None
    dimension_id: int | None = None
    segment_attribute: str | None = None
    segment_value: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ReferenceEntry:
    """An industry or ideal level as entered."""

    kind: str
    metric: str
    value: float
    touchpoint_id: int | None = None
    dimension_id: int | None = None
    source: str | None = None


def add_target(session: Session, entry: TargetEntry, *, creator: User | None) -> Target:
    """Store a checked target; raise InvalidEntry with every problem otherwise."""
    problems = _where_problems(session, entry.metric, entry.value, entry.touchpoint_id, entry.dimension_id)
    problems += _period_problems(entry.period_start, entry.period_end)
    problems += segment_problems(session, entry.segment_attribute, entry.segment_value)
    if problems:
        raise InvalidEntry(problems)
    target = Target(
        metric=entry.metric,
        value=float(entry.value),
        period_start=entry.period_start,
        period_end=entry.period_end,
        touchpoint_id=entry.touchpoint_id,
        dimension_id=entry.dimension_id,
        segment_attribute=entry.segment_attribute or None,
        segment_value=entry.segment_value if entry.segment_attribute else None,
        note=(entry.note or "").strip() or None,
        created_by_id=creator.id if creator is not None else None,
    )
    session.add(target)
    session.flush()
    return target


def remove_target(session: Session, target_id: int) -> bool:
    """Delete a target (a goal, not a record of what happened); False if there was none."""
    target = session.get(Target, target_id)
    if target is None:
        return False
    session.delete(target)
    session.flush()
    return True


def set_reference_level(session: Session, entry: ReferenceEntry) -> ReferenceLevel:
    """Store or replace the industry or ideal level for one metric and place."""
    problems = [] if entry.kind in set(ReferenceKind) else [("kind", _l("Choose industry or ideal."))]
    problems += _where_problems(session, entry.metric, entry.value, entry.touchpoint_id, entry.dimension_id)
    if problems:
        raise InvalidEntry(problems)
    level = session.scalar(
        sa.select(ReferenceLevel).where(
            ReferenceLevel.kind == entry.kind,
            ReferenceLevel.metric == entry.metric,
            _is(ReferenceLevel.touchpoint_id, entry.touchpoint_id),
            _is(ReferenceLevel.dimension_id, entry.dimension_id),
        )
    )
    if level is None:
        level = ReferenceLevel(
            kind=entry.kind, metric=entry.metric, touchpoint_id=entry.touchpoint_id, dimension_id=entry.dimension_id
        )
        session.add(level)
    level.value = float(entry.value)
    level.source = (entry.source or "").strip()[:200] or None
    session.flush()
    return level


def remove_reference_level(session: Session, level_id: int) -> bool:
    """Delete a reference level; False if there was none."""
    level = session.get(ReferenceLevel, level_id)
    if level is None:
        return False
    session.delete(level)
    session.flush()
    return True


def targets_in_force(session: Session, on: date | None = None) -> list[Target]:
    """Every target, or those whose period includes ``on``, journey-wide first then by touchpoint."""
    query = sa.select(Target).order_by(
        Target.touchpoint_id.is_not(None), Target.touchpoint_id, Target.metric, Target.id
    )
    if on is not None:
        query = query.where(Target.period_start <= on, Target.period_end >= on)
    return list(session.scalars(query))


def targets_overlapping(session: Session, start: date | None, end: date | None) -> list[Target]:
    """The targets whose period shares a day with [start, end] (an open end reaches any day), as listed above."""
    query = sa.select(Target).order_by(
        Target.touchpoint_id.is_not(None), Target.touchpoint_id, Target.metric, Target.period_start, Target.id
    )
    if start is not None:
        query = query.where(Target.period_end >= start)
    if end is not None:
        query = query.where(Target.period_start <= end)
    return list(session.scalars(query))


def reference_levels(session: Session) -> list[ReferenceLevel]:
    """Every reference level, journey-wide first then by touchpoint."""
    query = sa.select(ReferenceLevel).order_by(
        ReferenceLevel.touchpoint_id.is_not(None), ReferenceLevel.touchpoint_id, ReferenceLevel.metric
    )
    return list(session.scalars(query))


def segment_problems(session: Session, attribute: str | None, value: str | None) -> Problems:
    """Problems with a segment named by attribute and value (both empty means everyone)."""
    if not attribute:
        return [("segment_value", _l("Choose a segment attribute first."))] if value else []
    journey = current_journey(session)
    declared = {segment.code: segment for segment in journey.segments} if journey else {}
    if attribute not in declared:
        return [("segment_attribute", _l("Unknown segment attribute: %(name)s", name=attribute))]
    codes = [item.code for item in declared[attribute].values] + [band.code for band in declared[attribute].bands]
    if value not in codes:
        return [("segment_value", _l("Choose one of: %(codes)s", codes=", ".join(codes)))]
    return []


def _where_problems(session: Session, metric: str, value, touchpoint_id, dimension_id) -> Problems:
    """Problems with the metric, its value and the place (touchpoint, dimension) it is about."""
    if metric not in METRIC_RANGES:
        return [("metric", _l("Choose NPS, CSAT, mean or gap."))]
    low, high = METRIC_RANGES[metric]
    problems = []
    if not isinstance(value, int | float) or not math.isfinite(value) or not low <= value <= high:
        problems.append(("value", _l("Give a number from %(low)g to %(high)g.", low=low, high=high)))
    if touchpoint_id is not None and session.get(Touchpoint, touchpoint_id) is None:
        problems.append(("touchpoint_id", _l("There is no such touchpoint.")))
    if dimension_id is not None and metric not in DIMENSION_METRICS:
        problems.append(("dimension_id", _l("NPS and CSAT are not measured per dimension; leave it empty.")))
    elif dimension_id is not None and session.get(Dimension, dimension_id) is None:
        problems.append(("dimension_id", _l("There is no such dimension.")))
    return problems


def _period_problems(start: date | None, end: date | None) -> Problems:
    """Problems with a target's period."""
    if start is None or end is None:
        return [("period_start", _l("Give the first and the last day of the period."))]
    if end < start:
        return [("period_end", _l("The period ends before it starts."))]
    return []


def _is(column, value):
    """``column = value``, or ``column IS NULL`` for None."""
    return column.is_(None) if value is None else column == value
