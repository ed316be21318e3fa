"""The comparison levels a chart draws beside a touchpoint's own figures: industry, ideal, satisfied customers, target.

- **industry** and **ideal**: what an admin entered (``ReferenceLevel``); the most specific entry wins:
  this touchpoint and dimension, then this touchpoint, then the dimension journey-wide, then journey-wide.
- **satisfied**: computed from the responses under the page's filters (``analytics.satisfied``); drawn only
  when it rests on at least ``MIN_N`` answers, since a line carries no CI.
- **target**: a target for the same metric, touchpoint and dimension, for every customer (no segment), whose
  period overlaps the period shown; the one that starts last wins.

Levels of the metric ``mean`` are on the answer scale, levels of ``gap`` on the gap scale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from app.models.targets import Metric, ReferenceLevel, Target
from app.services.analytics import DIMENSION, Filters
from app.services.analytics.satisfied import satisfied_levels
from app.services.targets import reference_levels, targets_overlapping

ORDER = ("industry", "satisfied", "ideal", "target")  # the order lines are listed in legends and tables


@dataclass(frozen=True)
class Level:
    """One comparison level: its kind, value, and for the satisfied customers' level the answers it rests on."""

    kind: str
    value: float
    n: int | None = None


@dataclass(frozen=True)
class DimensionLevels:
    """The levels of one dimension: on the answer scale (mean experience) and on the gap scale."""

    score: tuple[Level, ...] = ()
    gap: tuple[Level, ...] = ()


def dimension_levels(
    session: Session, touchpoint_id: int, dimension_ids: Iterable[int | None], filters: Filters
) -> dict[int | None, DimensionLevels]:
    """Dimension id -> its comparison levels at the touchpoint, under the page's filters."""
    satisfied = satisfied_levels(session, replace(filters, touchpoint_ids={touchpoint_id}), (DIMENSION,))
    entered = reference_levels(session)
    targets = _targets(session, filters.start, filters.end, touchpoint_id)
    found = {}
    for dimension in dimension_ids:
        levels = {}
        for metric in (Metric.MEAN, Metric.GAP):
            chosen = [_entered(entered, kind, metric, touchpoint_id, dimension) for kind in ("industry", "ideal")]
            level = satisfied.get((dimension,))
            if level is not None and not level.gap.too_small:
                summary = level.experience if metric == Metric.MEAN else level.gap
                chosen.append(Level("satisfied", summary.mean, summary.n))
            chosen.append(_target(targets, metric, dimension))
            levels[metric] = tuple(sorted((c for c in chosen if c), key=lambda c: ORDER.index(c.kind)))
        found[dimension] = DimensionLevels(levels[Metric.MEAN], levels[Metric.GAP])
    return found


def metric_levels(
    session: Session,
    metric: str,
    touchpoint_id: int | None,
    start: date | None,
    end: date | None,
    dimension_id: int | None = None,
) -> tuple[Level, ...]:
    """Industry, ideal and target levels of a metric at a touchpoint (None: the journey), of one dimension's gap."""
    entered = reference_levels(session)
    chosen = [_entered(entered, kind, metric, touchpoint_id, dimension_id) for kind in ("industry", "ideal")]
    chosen.append(_target(_targets(session, start, end, touchpoint_id), metric, dimension_id))
    return tuple(level for level in chosen if level)


def _entered(levels: list[ReferenceLevel], kind: str, metric: str, touchpoint_id, dimension_id) -> Level | None:
    """The most specific entered level of this kind and metric for the place, or None."""
    places = [(touchpoint_id, dimension_id), (touchpoint_id, None), (None, dimension_id), (None, None)]
    for place in dict.fromkeys(places):
        for level in levels:
            if (level.kind, level.metric, level.touchpoint_id, level.dimension_id) == (kind, metric, *place):
                return Level(kind, level.value)
    return None


def _targets(session: Session, start: date | None, end: date | None, touchpoint_id: int | None) -> list[Target]:
    """Targets for every customer at exactly this touchpoint (None: journey-wide) overlapping the period."""
    return [
        target
        for target in targets_overlapping(session, start, end)
        if target.touchpoint_id == touchpoint_id and not target.segment_attribute
    ]


def _target(targets: list[Target], metric: str, dimension_id: int | None) -> Level | None:
    """The target of this metric and dimension that starts last, as a level; None without one."""
    matching = [target for target in targets if target.metric == metric and target.dimension_id == dimension_id]
    if not matching:
        return None
    latest = max(matching, key=lambda target: (target.period_start, target.id))
    return Level("target", latest.value)
