"""Comparing segments (tier, region, lifecycle…) on one score: omnibus tests, pairwise tests, effect sizes.

``compare_segments`` takes one count table per segment value and returns:

- every group's ``Summary``, each flagged ``too_small`` when n < ``min_n``;
- the **omnibus** tests over the groups large enough to trust: Kruskal–Wallis H (ranks; right for ordinal
  scales, robust to skew) with ε², and Welch's ANOVA (means; no equal-variance assumption);
- for each pair of those groups: Welch's difference of means with CI and t-test, the Mann–Whitney U test
  with its p adjusted by Holm (family-wise; use it for significance markers) and by Benjamini–Hochberg
  (false discovery rate), Cliff's delta and Hedges' g.

Groups below ``min_n`` are reported but left out of every test (``compared`` lists those tested), so a
handful of answers can neither create nor hide a significant difference — shown, never silently mixed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

from touchloop.stats.corrections import benjamini_hochberg, holm
from touchloop.stats.effects import cliffs_delta, epsilon_squared, hedges_g
from touchloop.stats.inference import CONFIDENCE, MIN_N, Significance
from touchloop.stats.means import MeanDifference, difference_of_means, welch_anova
from touchloop.stats.ranks import kruskal_wallis, mann_whitney_u
from touchloop.stats.summary import Summary, describe
from touchloop.stats.tables import Counts, Table, table_of


@dataclass(frozen=True)
class PairComparison:
    """Two segments compared: Welch difference of means (first − second), Mann–Whitney p raw and adjusted."""

    first: str
    second: str
    difference: MeanDifference
    mann_whitney: Significance
    p_holm: float | None
    p_bh: float | None
    cliffs_delta: float | None
    hedges_g: float | None


@dataclass(frozen=True)
class SegmentComparison:
    """Per-group summaries, the omnibus tests over the trusted groups, and their pairwise comparisons."""

    groups: dict[str, Summary]
    compared: tuple[str, ...]
    kruskal: Significance
    epsilon_squared: float | None
    welch_anova: Significance
    pairs: tuple[PairComparison, ...]


def compare_segments(
    groups: Mapping[str, Counts], *, confidence: float = CONFIDENCE, min_n: int = MIN_N
) -> SegmentComparison:
    """Summaries of each segment's count table, omnibus and pairwise tests over those with n ≥ ``min_n``."""
    tables = {name: table_of(counts) for name, counts in groups.items()}  # checked once, used by every test
    summaries = {name: describe(table, confidence=confidence, min_n=min_n) for name, table in tables.items()}
    compared = tuple(name for name, summary in summaries.items() if summary.n and not summary.too_small)
    kruskal = kruskal_wallis([tables[name] for name in compared])
    total = sum(summaries[name].n for name in compared)
    return SegmentComparison(
        groups=summaries,
        compared=compared,
        kruskal=kruskal,
        epsilon_squared=epsilon_squared(kruskal.statistic, total),
        welch_anova=welch_anova([summaries[name] for name in compared]),
        pairs=_pairs(tables, summaries, compared, confidence),
    )


def _pairs(
    groups: Mapping[str, Table], summaries: Mapping[str, Summary], compared: tuple[str, ...], confidence: float
) -> tuple[PairComparison, ...]:
    """Every pair of compared groups, with Mann–Whitney p-values adjusted over all the pairs."""
    names = list(combinations(compared, 2))
    tests = [mann_whitney_u(groups[first], groups[second]) for first, second in names]
    by_holm = holm([test.p_value for test in tests])
    by_bh = benjamini_hochberg([test.p_value for test in tests])
    return tuple(
        PairComparison(
            first=first,
            second=second,
            difference=difference_of_means(summaries[first], summaries[second], confidence=confidence),
            mann_whitney=test,
            p_holm=p_holm,
            p_bh=p_bh,
            cliffs_delta=cliffs_delta(groups[first], groups[second]),
            hedges_g=hedges_g(summaries[first], summaries[second]),
        )
        for (first, second), test, p_holm, p_bh in zip(names, tests, by_holm, by_bh)
    )
