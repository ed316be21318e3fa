"""The report's figures from count tables: NPS, CSAT and gaps as estimates, and whether a month moved.

Only conversions and merges of the analytics count tables; every statistic comes from ``touchloop.stats``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from touchloop.charts import Estimate
from touchloop.stats import (
    Interval,
    Summary,
    csat,
    describe,
    describe_gap,
    difference_of_means,
    nps,
    nps_codes,
    top_box_codes,
)

EMPTY = Estimate(None)


def merged(tables: Iterable[Mapping]) -> dict:
    """The sum of several count tables (score or pair -> answers)."""
    total: dict = {}
    for table in tables:
        for key, count in table.items():
            total[key] = total.get(key, 0) + count
    return total


def of_summary(summary: Summary) -> Estimate:
    """A summary's mean with its CI, n and too-small flag."""
    return Estimate.of(summary.mean, summary.ci, summary.n, summary.too_small)


def nps_figure(counts: Mapping[int, int]) -> Estimate:
    """NPS in points with its interval; empty without answers."""
    if not counts:
        return EMPTY
    score = nps(counts)
    return Estimate.of(score.score, score.ci, score.n, score.too_small)


def csat_figure(counts: Mapping[int, int]) -> Estimate:
    """CSAT (top-2-box) in percent with its Wilson interval; empty without answers."""
    if not counts:
        return EMPTY
    share = csat(counts)
    ci = Interval(share.ci.low * 100, share.ci.high * 100) if share.ci else None
    return Estimate.of(None if share.share is None else share.share * 100, ci, share.n, share.too_small)


def gap_figure(pairs: Mapping[tuple[int, int], int]) -> Estimate:
    """The mean gap (experience − expectation) with its paired t-interval; empty without answers."""
    return of_summary(describe_gap(pairs).gap) if pairs else EMPTY


def figure_of(kind: str, table: Mapping) -> Estimate:
    """The figure of a count table of kind "nps", "csat" or "gap"."""
    return {"nps": nps_figure, "csat": csat_figure, "gap": gap_figure}[kind](table)


def _as_means(kind: str, table: Mapping) -> Summary:
    """The table as a mean with a t-interval, so two periods compare with Welch's t (NPS, CSAT as codes)."""
    if kind == "nps":
        return describe(nps_codes(table))
    if kind == "csat":
        return describe(top_box_codes(table))
    return describe_gap(table).gap


def change(kind: str, now: Mapping, before: Mapping) -> int:
    """+1 or −1 when ``now`` differs from ``before`` (Welch's 95% CI of the difference excludes 0), else 0.

    Both periods need enough answers to trust; a difference resting on a small group is not called a change.
    """
    if not now or not before:
        return 0
    first, second = _as_means(kind, now), _as_means(kind, before)
    if first.too_small or second.too_small:
        return 0
    ci = difference_of_means(first, second).ci
    if ci is None:
        return 0
    return 1 if ci.low > 0 else -1 if ci.high < 0 else 0
