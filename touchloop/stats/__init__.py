"""Touchloop's statistics: plain numbers in, frozen dataclasses out; no Flask, no database (issue 5).

Inputs are summaries the database computes with GROUP BYs (``tables``): count tables (score -> answers),
pair count tables of gap questions, pair sums for correlations, or n/Σx/Σx². Nothing here expands a table into
one value per answer; ``counts_of`` and friends make the same inputs from raw arrays. Every figure agrees with
SciPy (or the cited textbook formula) on the expanded answers, which tests/domain/test_stats_*.py pin.

Modules, by what they hold:

- ``tables``: the input types and the O(levels) helpers on them;
- ``inference``: ``Interval``, ``Significance`` (+ ``Note``), defaults ``CONFIDENCE`` = 0.95, ``MIN_N`` = 30;
- ``summary``: n, mean, sd, median, t-CI of the mean;
- ``shares``: CSAT top-2-box with Wilson interval, NPS with trinomial interval, CES;
- ``gaps``: expectation vs. experience — paired CI, t and Wilcoxon (Pratt) tests, negative/met/positive;
- ``ranks``: Mann–Whitney U, Kruskal–Wallis H, Wilcoxon signed-rank, exactly from counts with tie corrections;
- ``means``: one-sample/paired t, Welch's t, Welch's ANOVA from summaries;
- ``corrections``: Holm and Benjamini–Hochberg; ``effects``: Cliff's delta, ε², Cohen's d, Hedges' g;
- ``segments``: omnibus + pairwise comparison of segments; ``reliability``: Cronbach's alpha;
- ``importance``: Pearson r with Fisher-z CI, importance–performance quadrants;
- ``targets``: met / not met / not yet clear; ``impact``: difference-in-differences with a verdict.

Groups with fewer than ``min_n`` answers (default 30) are returned with ``too_small=True``. Undefined figures
are None, never NaN.
"""

from __future__ import annotations

from touchloop.stats.corrections import benjamini_hochberg, holm
from touchloop.stats.effects import cliffs_delta, cohens_d, epsilon_squared, hedges_g
from touchloop.stats.gaps import GapClass, GapSummary, classify_gap, describe_gap
from touchloop.stats.impact import Impact, Reason, Verdict, difference_in_differences
from touchloop.stats.importance import (
    Correlation,
    ImportancePerformance,
    ItemPosition,
    Quadrant,
    importance_performance,
    item_position,
    pearson,
)
from touchloop.stats.inference import CONFIDENCE, MIN_N, Interval, Note, Significance
from touchloop.stats.means import MeanDifference, difference_of_means, one_sample_t, satterthwaite, welch_anova
from touchloop.stats.ranks import kruskal_wallis, mann_whitney_u, wilcoxon_signed_rank
from touchloop.stats.reliability import (
    Reliability,
    cronbach_alpha,
    cronbach_alpha_from_sums,
    cronbach_alpha_of_matrix,
)
from touchloop.stats.segments import PairComparison, SegmentComparison, compare_segments
from touchloop.stats.shares import (
    NetPromoterScore,
    Share,
    ces,
    csat,
    nps,
    nps_codes,
    top_box,
    top_box_codes,
    wilson_interval,
)
from touchloop.stats.summary import Summary, describe, describe_sums, summary_from_moments
from touchloop.stats.tables import (
    Counts,
    PairCounts,
    PairSums,
    Table,
    counts_of,
    exact,
    pair_counts_of,
    pair_sums_of,
    table_of,
    variance_from_sums,
)
from touchloop.stats.targets import TargetCheck, TargetStatus, target_status

__all__ = [
    "CONFIDENCE",
    "MIN_N",
    "Correlation",
    "Counts",
    "GapClass",
    "GapSummary",
    "Impact",
    "ImportancePerformance",
    "Interval",
    "ItemPosition",
    "MeanDifference",
    "NetPromoterScore",
    "Note",
    "PairComparison",
    "PairCounts",
    "PairSums",
    "Quadrant",
    "Reason",
    "Reliability",
    "SegmentComparison",
    "Share",
    "Significance",
    "Summary",
    "Table",
    "TargetCheck",
    "TargetStatus",
    "Verdict",
    "benjamini_hochberg",
    "ces",
    "classify_gap",
    "cliffs_delta",
    "cohens_d",
    "compare_segments",
    "counts_of",
    "cronbach_alpha",
    "cronbach_alpha_from_sums",
    "cronbach_alpha_of_matrix",
    "csat",
    "describe",
    "describe_gap",
    "describe_sums",
    "difference_in_differences",
    "difference_of_means",
    "epsilon_squared",
    "exact",
    "hedges_g",
    "holm",
    "importance_performance",
    "item_position",
    "kruskal_wallis",
    "mann_whitney_u",
    "nps",
    "nps_codes",
    "one_sample_t",
    "pair_counts_of",
    "pair_sums_of",
    "pearson",
    "satterthwaite",
    "summary_from_moments",
    "table_of",
    "target_status",
    "top_box",
    "top_box_codes",
    "variance_from_sums",
    "welch_anova",
    "wilcoxon_signed_rank",
    "wilson_interval",
]
