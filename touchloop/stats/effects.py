"""Effect sizes: how large a difference is, as opposed to how sure we are that it exists (the p-value).

- **Cliff's delta** (Cliff 1993) of two count tables: δ = P(X > Y) − P(X < Y) for a random answer X of the
  first group and Y of the second, from −1 (every X below every Y) to 1; 0 means neither tends to be higher.
  It equals the rank-biserial correlation 2U₁/(n₁n₂) − 1 (Kerby 2014), so it comes from the Mann–Whitney U.
  Rough reading (Romano et al. 2006): |δ| < 0.147 negligible, < 0.33 small, < 0.474 medium, else large.
- **Epsilon squared** for Kruskal–Wallis (Tomczak & Tomczak 2014): ε² = H / ((N² − 1)/(N + 1)) = H/(N − 1),
  from 0 to 1: roughly the share of the variation in ranks that the segments account for.
- **Cohen's d** and **Hedges' g** of two means: d = (x̄₁ − x̄₂)/s_p with the pooled sd
  s_p = √(((n₁ − 1)s₁² + (n₂ − 1)s₂²)/(n₁ + n₂ − 2)); g = J·d with Hedges' small-sample correction
  J = 1 − 3/(4(n₁ + n₂) − 9) (Hedges & Olkin 1985). The difference in standard deviations; Cohen's reading
  0.2 small, 0.5 medium, 0.8 large.

Undefined effects are None: an empty group, or zero pooled spread with different means (equal means give 0).
"""

from __future__ import annotations

import math

from touchloop.stats.ranks import rank_sums
from touchloop.stats.summary import Summary
from touchloop.stats.tables import Counts, table_of


def cliffs_delta(first: Counts, second: Counts) -> float | None:
    """Cliff's delta P(X > Y) − P(X < Y) of two count tables (the rank-biserial correlation)."""
    a, b = table_of(first), table_of(second)
    if a.n == 0 or b.n == 0:
        return None
    (r1, _), _, _ = rank_sums([a, b])
    u1 = r1 - a.n * (a.n + 1) / 2
    return 2 * u1 / (a.n * b.n) - 1


def epsilon_squared(h: float | None, n: int) -> float | None:
    """Kruskal–Wallis effect size ε² = H / (N − 1), between 0 and 1; None without H or with N < 2."""
    if h is None or n < 2:
        return None
    return min(max(h / (n - 1), 0.0), 1.0)


def cohens_d(first: Summary, second: Summary) -> float | None:
    """Cohen's d: difference of means over the pooled standard deviation (n₁ + n₂ − 2 df)."""
    if first.mean is None or second.mean is None or first.n + second.n < 3:
        return None
    squares = (first.n - 1) * (first.variance or 0.0) + (second.n - 1) * (second.variance or 0.0)
    pooled = math.sqrt(squares / (first.n + second.n - 2))
    difference = first.mean - second.mean
    if pooled == 0:
        return 0.0 if difference == 0 else None
    return difference / pooled


def hedges_g(first: Summary, second: Summary) -> float | None:
    """Hedges' g: Cohen's d times J = 1 − 3/(4(n₁ + n₂) − 9), unbiased for small groups."""
    d = cohens_d(first, second)
    if d is None:
        return None
    return d * (1 - 3 / (4 * (first.n + second.n) - 9))
