"""The figures the analytics pages show, from the database aggregates and the statistics core.

Everything here is computed from count tables (``app.services.analytics``), never from answer rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import Dimension, Stage, Touchpoint
from app.services.analytics import DIMENSION, Filters, Segment, gap_counts, journey_overview, score_counts
from app.services.dashboards import dimension_order, names
from touchloop.charts import DimensionRow, Distribution, Estimate, HeatmapColumn, HeatmapRow
from touchloop.journey import Journey
from touchloop.stats import (
    MIN_N,
    GapClass,
    GapSummary,
    SegmentComparison,
    Summary,
    classify_gap,
    compare_segments,
    csat,
    describe_gap,
    nps,
)
from touchloop.stats.tables import differences

SIGNIFICANCE = 0.05  # a pair of segments differs when its Holm-adjusted Mann–Whitney p is below this


@dataclass(frozen=True)
class Overview:
    """The heat map's rows and columns, and the touchpoint code of each row (for links)."""

    rows: tuple[HeatmapRow, ...]
    columns: tuple[HeatmapColumn, ...]
    codes: tuple[str, ...]


@dataclass(frozen=True)
class DimensionFigure:
    """One dimension of a touchpoint: its label and gap analysis."""

    label: str
    gap: GapSummary

    def row(self) -> DimensionRow:
        """The dimension as the charts draw it."""
        summaries = (self.gap.expectation, self.gap.experience, self.gap.gap)
        return DimensionRow(self.label, *(estimate(summary) for summary in summaries))


@dataclass(frozen=True)
class SegmentLine:
    """A segment in a comparison: its gap summary, its classification and the segments it differs from."""

    label: str
    summary: Summary
    classification: GapClass | None
    differs_from: tuple[tuple[str, float | None, float | None], ...]  # (other segment, Holm p, Cliff's delta)

    @property
    def marker(self) -> str:
        """ "*" when the segment differs significantly from another one."""
        return "*" if self.differs_from else ""


@dataclass(frozen=True)
class Comparison:
    """Segments of one attribute compared on the gap of one dimension."""

    dimension: str
    lines: tuple[SegmentLine, ...]
    result: SegmentComparison


def estimate(summary: Summary) -> Estimate:
    """A summary's mean with its CI, n and too-small flag."""
    return Estimate.of(summary.mean, summary.ci, summary.n, summary.too_small)


def overview(session: Session, filters: Filters, lang: str) -> Overview:
    """Every touchpoint's NPS, CSAT (top-2-box %) and mean gap per dimension, in journey order."""
    touchpoints = journey_overview(session, filters)
    stages, points = names(session, Stage, lang), names(session, Touchpoint, lang)
    used = {dimension for touchpoint in touchpoints for dimension in touchpoint.gaps}
    dimensions = [dimension for dimension in dimension_order(session) if dimension in used]
    dimension_names = names(session, Dimension, lang)
    columns = [HeatmapColumn(_("NPS"), 0, 0.0, 100.0), HeatmapColumn(_("CSAT %"), 0, 50.0, 50.0)]
    columns += [HeatmapColumn(_("Gap: %(dimension)s", dimension=dimension_names[d]), 2, 0.0, 2.0) for d in dimensions]
    rows = []
    for touchpoint in touchpoints:
        cells = [_nps_cell(touchpoint.nps), _csat_cell(touchpoint.csat)]
        cells += [_gap_cell(touchpoint.gaps.get(dimension)) for dimension in dimensions]
        rows.append(HeatmapRow(stages[touchpoint.stage_id], points[touchpoint.touchpoint_id], tuple(cells)))
    return Overview(tuple(rows), tuple(columns), tuple(touchpoint.touchpoint_code for touchpoint in touchpoints))


def _nps_cell(counts: dict[int, int]) -> Estimate | None:
    """The NPS of a count table, or None without answers."""
    if not counts:
        return None
    score = nps(counts)
    return Estimate.of(score.score, score.ci, score.n, score.too_small)


def _csat_cell(counts: dict[int, int]) -> Estimate | None:
    """The CSAT top-2-box share in percent, or None without answers."""
    if not counts:
        return None
    share = csat(counts)
    low, high = (share.ci.low * 100, share.ci.high * 100) if share.ci else (None, None)
    value = share.share * 100 if share.share is not None else None
    return Estimate(value, low, high, share.n, share.too_small)


def _gap_cell(pairs: dict[tuple[int, int], int] | None) -> Estimate | None:
    """The mean gap of a pair count table, or None without answers."""
    return estimate(describe_gap(pairs).gap) if pairs else None


def dimension_figures(session: Session, touchpoint: Touchpoint, filters: Filters, lang: str) -> list[DimensionFigure]:
    """Expectation, experience and gap of each dimension asked about at the touchpoint."""
    tables = gap_counts(session, replace(filters, touchpoint_ids={touchpoint.id}), (DIMENSION,))
    labels = names(session, Dimension, lang)
    order = {dimension: position for position, dimension in enumerate(dimension_order(session))}
    found = sorted(tables, key=lambda key: order.get(key[0], len(order)))
    return [DimensionFigure(labels.get(key[0]) or _("Other"), describe_gap(tables[key])) for key in found]


def nps_distribution(session: Session, touchpoint: Touchpoint, filters: Filters) -> Distribution:
    """How many answered each NPS score (0–10) at the touchpoint."""
    counts = score_counts(session, "nps", replace(filters, touchpoint_ids={touchpoint.id})).get((), {})
    return Distribution(counts, 0, 10, nps=True, too_small=sum(counts.values()) < MIN_N)


def comparisons(
    session: Session, touchpoint: Touchpoint, filters: Filters, attribute: str, journey: Journey, lang: str
) -> list[Comparison]:
    """Per dimension, the segments of ``attribute`` compared on their gaps (Kruskal–Wallis, Holm pairwise)."""
    grouping = (DIMENSION, Segment(attribute))
    tables = gap_counts(session, replace(filters, touchpoint_ids={touchpoint.id}), grouping)
    labels = names(session, Dimension, lang)
    values = _value_labels(journey, attribute, lang)
    found = []
    for dimension in [d for d in dimension_order(session) + [None] if any(key[0] == d for key in tables)]:
        groups = {
            values.get(value, value): differences(tables[(dimension, value)])
            for value in values
            if (dimension, value) in tables
        }
        result = compare_segments(groups)
        lines = tuple(_line(name, result) for name in groups)
        found.append(Comparison(labels.get(dimension) or _("Other"), lines, result))
    return found


def _value_labels(journey: Journey, attribute: str, lang: str) -> dict[str | None, str]:
    """Segment value code -> its name, in declared order; None (no value known) last."""
    segment = next(segment for segment in journey.segments if segment.code == attribute)
    labels: dict[str | None, str] = {
        item.code: item.name.get(lang) or item.code for item in (*segment.values, *segment.bands)
    }
    labels[None] = _("Not known")
    return labels


def _line(name: str, result: SegmentComparison) -> SegmentLine:
    """One segment's row: its summary, classification and the significant pairwise differences it is part of."""
    summary = result.groups[name]
    differs = []
    for pair in result.pairs:
        if name in (pair.first, pair.second) and pair.p_holm is not None and pair.p_holm < SIGNIFICANCE:
            other = pair.second if pair.first == name else pair.first
            delta = pair.cliffs_delta if pair.first == name or pair.cliffs_delta is None else -pair.cliffs_delta
            differs.append((other, pair.p_holm, delta))
    classification = None if summary.too_small else classify_gap(summary.ci)
    return SegmentLine(name, summary, classification, tuple(differs))
