"""Expectation vs. reality: the gap (experience − expectation) of a gap question, from its pair count table.

For each aspect the customer gives an expected and an experienced value on the same scale (DESIGN.md,
"Expectation vs. reality"). From the pair counts this module reports:

- the mean expectation and mean experience (each a ``Summary``);
- the gap d = experience − expectation per answer, summarised with the **paired** t-interval
  d̄ ± t(n − 1)·s_d/√n (the CI of ``scipy.stats.ttest_rel(experience, expected)``);
- the paired t-test (``ttest_rel``) and the Wilcoxon signed-rank test with Pratt's zeros
  (see ``ranks.wilcoxon_signed_rank`` for why);
- the classification of the seeds: **negative** (the whole CI below 0: experience fell short),
  **positive** (the whole CI above 0: expectations exceeded), **met** (the CI includes 0). None when there is
  no CI (fewer than 2 answers). With zero spread the CI collapses to the mean gap, so all-zero gaps are "met".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from touchloop.stats.inference import CONFIDENCE, MIN_N, Interval, Significance
from touchloop.stats.means import one_sample_t
from touchloop.stats.ranks import wilcoxon_signed_rank
from touchloop.stats.summary import Summary, describe
from touchloop.stats.tables import PairCounts, checked_pairs, differences, marginals, table_of


class GapClass(enum.StrEnum):
    """How experience compared with expectation."""

    NEGATIVE = "negative"
    MET = "met"
    POSITIVE = "positive"


@dataclass(frozen=True)
class GapSummary:
    """Expectation, experience and gap (with its paired CI and tests) of one aspect, and its classification."""

    n: int
    expectation: Summary
    experience: Summary
    gap: Summary
    t_test: Significance
    wilcoxon: Significance
    classification: GapClass | None
    too_small: bool


def classify_gap(ci: Interval | None) -> GapClass | None:
    """negative when the CI lies below 0, positive when above, met when it includes 0; None without a CI."""
    if ci is None:
        return None
    if ci.high < 0:
        return GapClass.NEGATIVE
    if ci.low > 0:
        return GapClass.POSITIVE
    return GapClass.MET


def describe_gap(pairs: PairCounts, *, confidence: float = CONFIDENCE, min_n: int = MIN_N) -> GapSummary:
    """The gap analysis of a pair count table (expected, experienced) -> number of answers."""
    pairs = checked_pairs(pairs)
    expected, experienced = marginals(pairs)
    gaps = table_of(differences(pairs))
    gap = describe(gaps, confidence=confidence, min_n=min_n)
    return GapSummary(
        n=gap.n,
        expectation=describe(expected, confidence=confidence, min_n=min_n),
        experience=describe(experienced, confidence=confidence, min_n=min_n),
        gap=gap,
        t_test=one_sample_t(gap),
        wilcoxon=wilcoxon_signed_rank(gaps),
        classification=classify_gap(gap.ci),
        too_small=gap.too_small,
    )
