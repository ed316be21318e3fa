"""Where each target stands: the metric over the target's period, place and segment, with its CI, against the target.

NPS and CSAT (in percent) come from the NPS and CSAT questions; a mean is the mean *experience* value of the
gap questions (of the target's dimension, or of all of them), a gap their mean gap. The figures come from the
analytics count tables (SQL GROUP BYs); the statistics from ``touchloop.stats``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from app.models.targets import Metric, Target
from app.services.analytics import DIMENSION, Filters, gap_counts, score_counts
from touchloop.stats import Interval, TargetCheck, csat, describe_gap, nps, target_status


@dataclass(frozen=True)
class Progress:
    """A target's check, with the number of answers it rests on."""

    check: TargetCheck
    n: int


def target_progress(session: Session, targets: Iterable[Target]) -> dict[int, Progress]:
    """Each target's status (met / not met / not yet clear) over its own period, place and segment."""
    return {target.id: _progress(session, target) for target in targets}


def target_progress_in(session: Session, target: Target, start: date, end: date) -> Progress:
    """A target's status over ``start``..``end`` instead of its own period (a monthly report checks its month)."""
    return _progress(session, target, replace(_filters(target), start=start, end=end))


def _progress(session: Session, target: Target, filters: Filters | None = None) -> Progress:
    """The estimate, CI and n of one target's metric (over its own period unless ``filters``), checked against it."""
    estimate, ci, n, too_small = _measure(session, target, filters or _filters(target))
    check = target_status(estimate, ci, target.value, too_small=too_small)
    return Progress(check=check, n=n)


def _measure(session: Session, target: Target, filters: Filters) -> tuple:
    """(estimate, CI, n, too_small) of the target's metric under ``filters``."""
    if target.metric in (Metric.NPS, Metric.CSAT):
        counts = score_counts(session, target.metric, filters).get((), {})
        if target.metric == Metric.NPS:
            figure = nps(counts)
            return figure.score, figure.ci, figure.n, figure.too_small
        share = csat(counts)
        ci = Interval(share.ci.low * 100, share.ci.high * 100) if share.ci else None
        return (None if share.share is None else share.share * 100), ci, share.n, share.too_small
    pairs = _gap_pairs(session, filters, target.dimension_id)
    gap = describe_gap(pairs)
    summary = gap.gap if target.metric == Metric.GAP else gap.experience
    return summary.mean, summary.ci, gap.n, gap.too_small


def _gap_pairs(session: Session, filters: Filters, dimension_id: int | None) -> dict:
    """The (expected, experienced) counts of one dimension's gap questions, or of all of them."""
    by_dimension = gap_counts(session, filters, (DIMENSION,))
    pairs: dict = {}
    for (dimension,), table in by_dimension.items():
        if dimension_id is None or dimension == dimension_id:
            for pair, count in table.items():
                pairs[pair] = pairs.get(pair, 0) + count
    return pairs


def _filters(target: Target) -> Filters:
    """The responses a target is about."""
    segments = {target.segment_attribute: {target.segment_value}} if target.segment_attribute else {}
    return Filters(
        start=target.period_start,
        end=target.period_end,
        touchpoint_ids=frozenset({target.touchpoint_id}) if target.touchpoint_id else frozenset(),
        segments=segments,
    )
