"""The report's aspects — a dimension's gap questions at one touchpoint — with importance, and segment differences.

- **Importance** of an aspect is the Pearson r of its experience value with the overall satisfaction (CSAT)
  given in the same response, over the month (``importance_sums``); the importance–performance grid puts it
  against its mean gap (``touchloop.stats.importance_performance``, crosshairs at the trusted aspects' means).
- **Segment differences**: for every aspect and segment attribute, the segments' gaps are compared with
  Kruskal–Wallis over the segments with at least MIN_N answers and Mann–Whitney pairs adjusted by Holm
  (``compare_segments``). The report runs many such comparisons, so their omnibus p-values are adjusted once
  more, by Benjamini–Hochberg over all of them; a difference is reported when that adjusted p and at least one
  Holm-adjusted pair are below 0.05. Answers without a known segment value are not a segment and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from app.services.analytics import DIMENSION, TOUCHPOINT, TYPE, Filters, Segment, gap_counts, importance_sums
from app.services.analytics.counts import TouchpointOverview
from app.services.report_figures import of_summary
from touchloop.charts import Estimate
from touchloop.journey import Journey
from touchloop.report.model import GapItem, SegmentDifference, SegmentGroup, SegmentPair
from touchloop.stats import (
    ItemPosition,
    SegmentComparison,
    benjamini_hochberg,
    compare_segments,
    describe_gap,
    importance_performance,
    pearson,
)
from touchloop.stats.tables import PairSums, differences

SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Names:
    """Id -> name in the report's language of stages, touchpoints and dimensions."""

    stages: dict[int, str]
    touchpoints: dict[int, str]
    dimensions: dict[int, str]
    other: str  # the name of gap questions without a dimension
    segment: str  # "%(attribute)s: %(value)s"


AspectKey = tuple[int, int | None]  # (touchpoint id, dimension id)


def gap_items(
    session: Session, overview: list[TouchpointOverview], filters: Filters, names: Names
) -> tuple[list[tuple[AspectKey, GapItem]], tuple[float | None, float | None]]:
    """Every aspect with answers in journey order, with its importance and quadrant, and the crosshairs.

    The crosshairs are (performance, importance): the trusted aspects' mean gap and mean importance.
    """
    # Only the gap questions' experience values: a rating of the same dimension is a different item.
    sums = {
        key[:2]: value
        for key, value in importance_sums(session, "csat", filters, (TOUCHPOINT, DIMENSION, TYPE)).items()
        if key[2] == "gap"
    }
    keys, items, positions = [], [], []
    for touchpoint in overview:
        for dimension, pairs in sorted(touchpoint.gaps.items(), key=lambda entry: (entry[0] is None, entry[0] or 0)):
            gap = describe_gap(pairs)
            importance = _importance(sums.get((touchpoint.touchpoint_id, dimension)))
            keys.append((touchpoint.touchpoint_id, dimension))
            items.append(
                GapItem(
                    names.stages[touchpoint.stage_id],
                    names.touchpoints[touchpoint.touchpoint_id],
                    names.dimensions.get(dimension, names.other),
                    of_summary(gap.gap),
                    None if gap.too_small else gap.classification,
                    importance,
                )
            )
            positions.append(
                ItemPosition(
                    str(len(positions)),
                    importance.value if importance else None,
                    gap.gap.mean,
                    gap.too_small or importance is None or importance.too_small,
                )
            )
    grid = importance_performance(positions)
    placed = [(key, replace(item, quadrant=place.quadrant)) for key, item, place in zip(keys, items, grid.items)]
    return placed, (grid.performance_line, grid.importance_line)


def _importance(sums: PairSums | None) -> Estimate | None:
    """Pearson r with its Fisher-z interval and n, or None without pairs or spread."""
    correlation = pearson(sums) if sums is not None else None
    if correlation is None or correlation.r is None:
        return None
    return Estimate.of(correlation.r, correlation.ci, correlation.n, correlation.too_small)


def segment_differences(
    session: Session, filters: Filters, journey: Journey, names: Names, lang: str
) -> tuple[list[SegmentDifference], int]:
    """The significant segment differences, largest effect (ε²) first, and how many comparisons were run."""
    candidates = []
    for attribute in journey.segments:
        labels = {item.code: item.name.get(lang) or item.code for item in (*attribute.values, *attribute.bands)}
        tables = gap_counts(session, filters, (TOUCHPOINT, DIMENSION, Segment(attribute.code)))
        places = sorted({key[:2] for key in tables}, key=lambda place: (place[0], place[1] is None, place[1] or 0))
        for touchpoint_id, dimension in places:
            groups = {
                labels[code]: differences(tables[(touchpoint_id, dimension, code)])
                for code in labels
                if (touchpoint_id, dimension, code) in tables
            }
            result = compare_segments(groups)
            if result.kruskal.p_value is not None:
                place = (names.touchpoints[touchpoint_id], names.dimensions.get(dimension, names.other))
                candidates.append((place, attribute.name.get(lang) or attribute.code, result))
    adjusted = benjamini_hochberg([result.kruskal.p_value for _, _, result in candidates])
    found = [
        _difference(place, attribute, result, p)
        for (place, attribute, result), p in zip(candidates, adjusted)
        if p < SIGNIFICANCE and any(pair.p_holm is not None and pair.p_holm < SIGNIFICANCE for pair in result.pairs)
    ]
    found.sort(key=lambda difference: -(difference.epsilon_squared or 0.0))
    return found, len(candidates)


def _difference(place: tuple[str, str], attribute: str, result: SegmentComparison, p: float) -> SegmentDifference:
    """A significant comparison as the report shows it: every group, the test, the pairs that differ."""
    pairs = tuple(
        SegmentPair(
            pair.first,
            pair.second,
            Estimate.of(pair.difference.estimate, pair.difference.ci),
            pair.p_holm,
            pair.cliffs_delta,
        )
        for pair in result.pairs
        if pair.p_holm is not None and pair.p_holm < SIGNIFICANCE
    )
    groups = tuple(SegmentGroup(label, of_summary(summary)) for label, summary in result.groups.items())
    return SegmentDifference(
        *place, attribute, groups, result.kruskal.statistic, result.kruskal.p_value, p, result.epsilon_squared, pairs
    )


def behind(difference: SegmentDifference, names: Names) -> list[str]:
    """The segments behind on a difference, with their attribute: "Region: West China"."""
    return [names.segment % {"attribute": difference.attribute, "value": name} for name in difference.behind()]
