"""Segments compared at each touchpoint on one metric: the gap of each dimension, NPS, or CSAT.

One SQL GROUP BY gives a count table per (touchpoint[, dimension], segment value); ``compare_segments`` then
reports each segment's summary, Kruskal–Wallis over the segments with at least ``MIN_N`` answers, and every
pair of those with Welch's difference, Mann–Whitney p (Holm-adjusted) and Cliff's delta. NPS and CSAT are
compared on their answer codes (NPS: −100/0/100 per answer, CSAT: 100/0), whose mean is the figure itself; the
figure shown beside it keeps the interval the rest of the dashboards use (trinomial for NPS, Wilson for CSAT).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import Dimension
from app.services.analytics import DIMENSION, TOUCHPOINT, Filters, Segment, gap_counts, score_counts
from app.services.dashboards import dimension_order, names, touchpoints_in_order
from touchloop.charts import Estimate
from touchloop.journey import Journey
from touchloop.stats import (
    GapClass,
    SegmentComparison,
    Summary,
    classify_gap,
    compare_segments,
    csat,
    nps,
    nps_codes,
    top_box_codes,
)
from touchloop.stats.tables import differences

METRICS = ("gap", "nps", "csat")
SIGNIFICANCE = 0.05  # a pair of segments differs when its Holm-adjusted Mann–Whitney p is below this


@dataclass(frozen=True)
class SegmentLine:
    """A segment in a comparison: the figure shown, the summary tested, and the segments it differs from."""

    label: str
    summary: Summary
    shown: Estimate
    classification: GapClass | None
    differs_from: tuple[tuple[str, float | None, float | None], ...]  # (other segment, Holm p, Cliff's delta)

    @property
    def marker(self) -> str:
        """ "*" when the segment differs significantly from another one."""
        return "*" if self.differs_from else ""


@dataclass(frozen=True)
class Block:
    """The segments of one touchpoint (and, for gaps, one dimension) compared."""

    touchpoint_code: str
    touchpoint: str
    dimension: str  # the dimension's name for gaps; "" for NPS and CSAT
    lines: tuple[SegmentLine, ...]
    result: SegmentComparison


def estimate(summary: Summary) -> Estimate:
    """A summary's mean with its CI, n and too-small flag."""
    return Estimate.of(summary.mean, summary.ci, summary.n, summary.too_small)


def nps_estimate(counts: dict[int, int]) -> Estimate | None:
    """The NPS of a count table with its interval, or None without answers."""
    if not counts:
        return None
    score = nps(counts)
    return Estimate.of(score.score, score.ci, score.n, score.too_small)


def csat_estimate(counts: dict[int, int]) -> Estimate | None:
    """The CSAT top-2-box share in percent with its Wilson interval, or None without answers."""
    if not counts:
        return None
    share = csat(counts)
    low, high = (share.ci.low * 100, share.ci.high * 100) if share.ci else (None, None)
    value = share.share * 100 if share.share is not None else None
    return Estimate(value, low, high, share.n, share.too_small)


def compare_by(
    session: Session, filters: Filters, attribute: str, metric: str, journey: Journey, lang: str
) -> list[Block]:
    """Each touchpoint (× dimension for gaps) with answers, in journey order, its segments of ``attribute`` compared."""
    values = value_labels(journey, attribute, lang)
    if metric == "gap":
        tables = gap_counts(session, filters, (TOUCHPOINT, DIMENSION, Segment(attribute)))
    else:
        found = score_counts(session, metric, filters, (TOUCHPOINT, Segment(attribute)))
        tables = {(touchpoint, None, value): counts for (touchpoint, value), counts in found.items()}
    dimension_names = names(session, Dimension, lang)
    dimensions = [*dimension_order(session), None]
    blocks = []
    for touchpoint in touchpoints_in_order(session):
        for dimension in dimensions:
            keys = [(touchpoint.id, dimension, value) for value in values]
            raw = {key[2]: tables[key] for key in keys if key in tables}
            if raw:
                heading = (dimension_names.get(dimension) or _("Other")) if metric == "gap" else ""
                name = touchpoint.name.get(lang) or touchpoint.code
                blocks.append(Block(touchpoint.code, name, heading, *_compared(metric, raw, values)))
    return blocks


def _compared(
    metric: str, raw: dict, values: dict[str | None, str]
) -> tuple[tuple[SegmentLine, ...], SegmentComparison]:
    """The lines and the comparison of one block's segments (value code -> count table)."""
    labelled = {values[value]: table for value, table in raw.items()}
    coded = {label: _codes(metric, table) for label, table in labelled.items()}
    result = compare_segments(coded)
    lines = tuple(
        _line(label, result, _shown(metric, labelled[label], result.groups[label]), classify=metric == "gap")
        for label in labelled
    )
    return lines, result


def _codes(metric: str, table: dict) -> dict:
    """What the tests compare: gaps (experience − expectation), NPS codes or CSAT codes."""
    if metric == "gap":
        return differences(table)
    return nps_codes(table) if metric == "nps" else top_box_codes(table)


def _shown(metric: str, table: dict, summary: Summary) -> Estimate:
    """The figure a segment shows: the mean gap, or NPS / CSAT % with the dashboards' usual intervals."""
    if metric == "gap":
        return estimate(summary)
    return nps_estimate(table) if metric == "nps" else csat_estimate(table)


def value_labels(journey: Journey, attribute: str, lang: str) -> dict[str | None, str]:
    """Segment value code -> its name, in declared order; None (no value known) last."""
    segment = next(segment for segment in journey.segments if segment.code == attribute)
    labels: dict[str | None, str] = {
        item.code: item.name.get(lang) or item.code for item in (*segment.values, *segment.bands)
    }
    labels[None] = _("Not known")
    return labels


def _line(name: str, result: SegmentComparison, shown: Estimate, *, classify: bool) -> SegmentLine:
    """One segment's row: its summary, its gap classification (``classify``) and the pairs it differs in."""
    summary = result.groups[name]
    differs = []
    for pair in result.pairs:
        if name in (pair.first, pair.second) and pair.p_holm is not None and pair.p_holm < SIGNIFICANCE:
            other = pair.second if pair.first == name else pair.first
            delta = pair.cliffs_delta if pair.first == name or pair.cliffs_delta is None else -pair.cliffs_delta
            differs.append((other, pair.p_holm, delta))
    classification = classify_gap(summary.ci) if classify and not summary.too_small else None
    return SegmentLine(name, summary, shown, classification, tuple(differs))
