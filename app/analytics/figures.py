"""The figures the journey overview and the touchpoint page show, from the database aggregates and the statistics.

Everything here is computed from count tables (``app.services.analytics``), never from answer rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.analytics.segments import Block, compare_by, csat_estimate, estimate, nps_estimate
from app.models import Dimension, Stage, Touchpoint
from app.services.analytics import DIMENSION, Filters, gap_counts, journey_overview, score_counts
from app.services.dashboards import dimension_order, names
from app.services.reference_lines import ORDER, DimensionLevels, Level, dimension_levels
from touchloop.charts import DimensionRow, Distribution, Estimate, HeatmapColumn, HeatmapRow, Reference
from touchloop.journey import Journey
from touchloop.stats import MIN_N, GapSummary, describe_gap


@dataclass(frozen=True)
class Overview:
    """The heat map's rows and columns, and the touchpoint code of each row (for links)."""

    rows: tuple[HeatmapRow, ...]
    columns: tuple[HeatmapColumn, ...]
    codes: tuple[str, ...]


@dataclass(frozen=True)
class DimensionFigure:
    """One dimension of a touchpoint: its label, gap analysis and comparison levels."""

    label: str
    gap: GapSummary
    levels: DimensionLevels = DimensionLevels()

    def row(self, level_names: dict[str, str]) -> DimensionRow:
        """The dimension as the charts draw it, with its levels named by ``level_names`` (kind -> words)."""
        summaries = (self.gap.expectation, self.gap.experience, self.gap.gap)

        def lines(levels: tuple[Level, ...]) -> tuple[Reference, ...]:
            return tuple(Reference(level.kind, level_names[level.kind], level.value) for level in levels)

        estimates = (estimate(summary) for summary in summaries)
        return DimensionRow(self.label, *estimates, lines(self.levels.score), lines(self.levels.gap))


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
        cells = [nps_estimate(touchpoint.nps), csat_estimate(touchpoint.csat)]
        cells += [gap_estimate(touchpoint.gaps.get(dimension)) for dimension in dimensions]
        rows.append(HeatmapRow(stages[touchpoint.stage_id], points[touchpoint.touchpoint_id], tuple(cells)))
    return Overview(tuple(rows), tuple(columns), tuple(touchpoint.touchpoint_code for touchpoint in touchpoints))


def gap_estimate(pairs: dict[tuple[int, int], int] | None) -> Estimate | None:
    """The mean gap of a pair count table, or None without answers."""
    return estimate(describe_gap(pairs).gap) if pairs else None


def dimension_figures(session: Session, touchpoint: Touchpoint, filters: Filters, lang: str) -> list[DimensionFigure]:
    """Expectation, experience, gap and comparison levels of each dimension asked about at the touchpoint."""
    tables = gap_counts(session, replace(filters, touchpoint_ids={touchpoint.id}), (DIMENSION,))
    labels = names(session, Dimension, lang)
    order = {dimension: position for position, dimension in enumerate(dimension_order(session))}
    found = sorted(tables, key=lambda key: order.get(key[0], len(order)))
    levels = dimension_levels(session, touchpoint.id, [key[0] for key in found], filters)
    return [
        DimensionFigure(labels.get(key[0]) or _("Other"), describe_gap(tables[key]), levels[key[0]]) for key in found
    ]


def nps_distribution(session: Session, touchpoint: Touchpoint, filters: Filters) -> Distribution:
    """How many answered each NPS score (0–10) at the touchpoint."""
    counts = score_counts(session, "nps", replace(filters, touchpoint_ids={touchpoint.id})).get((), {})
    return Distribution(counts, 0, 10, nps=True, too_small=sum(counts.values()) < MIN_N)


def comparisons(
    session: Session, touchpoint: Touchpoint, filters: Filters, attribute: str, journey: Journey, lang: str
) -> list[Block]:
    """Per dimension, the segments of ``attribute`` compared on their gaps at one touchpoint."""
    return compare_by(session, replace(filters, touchpoint_ids={touchpoint.id}), attribute, "gap", journey, lang)


def level_kinds(found: list[DimensionFigure]) -> list[str]:
    """The kinds of comparison level any of the dimensions has, in the usual order."""
    kinds = {level.kind for figure in found for level in (*figure.levels.score, *figure.levels.gap)}
    return [kind for kind in ORDER if kind in kinds]
