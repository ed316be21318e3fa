"""Tests on means from summaries (n, mean, sd): one-sample and paired t, Welch's t, Welch's ANOVA.

- **One-sample t**: t = (x̄ − μ₀) / (s/√n), df = n − 1 — ``scipy.stats.ttest_1samp``; applied to the
  differences of paired answers it is the paired t-test, ``scipy.stats.ttest_rel``.
- **Welch's t** (Welch 1947): d = x̄₁ − x̄₂, se² = s₁²/n₁ + s₂²/n₂, Welch–Satterthwaite
  df = se⁴ / Σ (sᵢ²/nᵢ)²/(nᵢ − 1), CI d ± t(df)·se — ``scipy.stats.ttest_ind(equal_var=False)`` and its
  ``confidence_interval()``. ``satterthwaite`` gives the same df for any sum of independent variances (used by
  the difference-in-differences).
- **Welch's ANOVA** (Welch 1951): wᵢ = nᵢ/sᵢ², x̄w = Σwᵢx̄ᵢ/Σwᵢ, A = Σwᵢ(x̄ᵢ − x̄w)²/(k − 1),
  λ = Σ(1 − wᵢ/Σw)²/(nᵢ − 1), F = A / (1 + 2(k − 2)λ/(k² − 1)), df = (k − 1, (k² − 1)/(3λ)) —
  ``scipy.stats.f_oneway(equal_var=False)``. It does not assume equal variances across segments.

Zero spread: a t-test whose standard error is 0 has p = 1 when the estimate is exactly the null (note
NO_DIFFERENCE) and no p otherwise (NO_SPREAD; the CI, collapsed to the estimate, still says where it is).
Welch's ANOVA weights groups by 1/variance, so a group with zero spread leaves it undefined (NO_SPREAD, unless
every group is constant at the same value: p = 1); Kruskal–Wallis still answers then.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from touchloop.stats.distributions import f_sf
from touchloop.stats.inference import (
    CONFIDENCE,
    NO_SPREAD,
    NOT_ENOUGH,
    Interval,
    Significance,
    no_difference,
    t_interval,
    t_test,
)
from touchloop.stats.summary import Summary


@dataclass(frozen=True)
class MeanDifference:
    """A difference of means with its standard error, Welch–Satterthwaite df, CI and Welch t-test."""

    estimate: float | None
    se: float | None
    df: float | None
    ci: Interval | None
    test: Significance


def one_sample_t(summary: Summary, null: float = 0.0) -> Significance:
    """Two-sided t-test of mean == ``null`` from a summary (paired t-test when it summarises differences)."""
    if summary.sd is None or summary.mean is None:
        return NOT_ENOUGH
    return t_test(summary.mean, summary.sd / math.sqrt(summary.n), summary.n - 1, null)


def satterthwaite(parts: Sequence[tuple[float, int]]) -> float | None:
    """Welch–Satterthwaite df of Σ vᵢ/nᵢ from (variance, n) parts: (Σ vᵢ/nᵢ)² / Σ (vᵢ/nᵢ)²/(nᵢ − 1)."""
    terms = [(variance / n, n) for variance, n in parts]
    denominator = math.fsum(term * term / (n - 1) for term, n in terms)
    if denominator == 0:
        return None
    return math.fsum(term for term, _ in terms) ** 2 / denominator


def difference_of_means(first: Summary, second: Summary, *, confidence: float = CONFIDENCE) -> MeanDifference:
    """first.mean − second.mean with Welch's se, df, t-interval and two-sided t-test (unequal variances)."""
    if first.mean is None or second.mean is None:
        return MeanDifference(None, None, None, None, NOT_ENOUGH)
    estimate = first.mean - second.mean
    if first.variance is None or second.variance is None:
        return MeanDifference(estimate, None, None, None, NOT_ENOUGH)
    parts = [(first.variance, first.n), (second.variance, second.n)]
    se = math.sqrt(first.variance / first.n + second.variance / second.n)
    df = satterthwaite(parts)
    return MeanDifference(estimate, se, df, t_interval(estimate, se, df, confidence), t_test(estimate, se, df))


def welch_anova(groups: Sequence[Summary]) -> Significance:
    """Welch's ANOVA F-test of equal means from group summaries; empty groups are left out."""
    present = [group for group in groups if group.n]
    if len(present) < 2 or any(group.variance is None for group in present):
        return NOT_ENOUGH
    if any(group.variance == 0 for group in present):
        constant = all(group.variance == 0 for group in present) and len({group.mean for group in present}) == 1
        return no_difference() if constant else NO_SPREAD
    k = len(present)
    weights = [group.n / group.variance for group in present]
    total = math.fsum(weights)
    centre = math.fsum(w * group.mean for w, group in zip(weights, present)) / total
    between = math.fsum(w * (group.mean - centre) ** 2 for w, group in zip(weights, present)) / (k - 1)
    lam = math.fsum((1 - w / total) ** 2 / (group.n - 1) for w, group in zip(weights, present))
    f = between / (1 + 2 * (k - 2) * lam / (k * k - 1))
    df2 = (k * k - 1) / (3 * lam)
    return Significance(f, f_sf(f, k - 1, df2), k - 1, None, df2)
