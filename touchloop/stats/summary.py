"""One group's scores in figures: n, mean, standard deviation, median and the confidence interval of the mean.

Definitions (any statistics textbook; they equal numpy/SciPy on the expanded answers):

- mean x̄ = Σ c·x / n; sd = √(Σ c·(x − x̄)² / (n − 1)) (``np.std(ddof=1)``); median as ``np.median``;
- CI of the mean: x̄ ± t(1 − α/2, n − 1) · sd / √n (``scipy.stats.t.interval``).

Edge cases: n = 0 gives every figure None; n = 1 gives mean and median but no sd or CI; zero spread
(everyone answered 5) gives sd 0 and a CI collapsed to the mean. ``too_small`` marks n < ``min_n``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from touchloop.stats.inference import CONFIDENCE, MIN_N, Interval, t_interval
from touchloop.stats.tables import Counts, exact, mean_and_variance, median_of, table_of, variance_from_sums


@dataclass(frozen=True)
class Summary:
    """A group's n, mean, sd (ddof=1), median and t-interval of the mean; None where undefined."""

    n: int
    mean: float | None
    sd: float | None
    median: float | None
    ci: Interval | None
    too_small: bool

    @property
    def variance(self) -> float | None:
        """The sample variance sd² (ddof=1), or None."""
        return None if self.sd is None else self.sd**2

    @property
    def se(self) -> float | None:
        """The standard error of the mean, sd / √n, or None."""
        return None if self.sd is None else self.sd / math.sqrt(self.n)


def describe(counts: Counts, *, confidence: float = CONFIDENCE, min_n: int = MIN_N) -> Summary:
    """n, mean, sd, median and t-CI of the mean of a count table (score -> number of answers)."""
    table = table_of(counts)
    mean, variance = mean_and_variance(table)
    return summary_from_moments(table.n, mean, variance, median_of(table), confidence=confidence, min_n=min_n)


def describe_sums(
    n: int, total: float, total_sq: float, *, confidence: float = CONFIDENCE, min_n: int = MIN_N
) -> Summary:
    """The same figures from n, Σx and Σx² (as SQL COUNT/SUM give them); the median is then unknown (None)."""
    if n < 0:
        raise ValueError(f"n must be ≥ 0, not {n}")
    mean = exact(total) / n if n else None
    return summary_from_moments(n, mean, variance_from_sums(n, total, total_sq), None, confidence, min_n)


def summary_from_moments(
    n: int,
    mean: float | None,
    variance: float | None,
    median: float | None = None,
    confidence: float = CONFIDENCE,
    min_n: int = MIN_N,
) -> Summary:
    """A Summary from n, mean and sample variance: sd = √variance, CI = mean ± t(n − 1)·sd/√n."""
    if n == 0 or mean is None:
        return Summary(0, None, None, None, None, 0 < min_n)
    median = None if median is None else float(median)
    if variance is None or n < 2:
        return Summary(n, float(mean), None, median, None, n < min_n)
    sd = math.sqrt(variance)
    ci = t_interval(float(mean), sd / math.sqrt(n), n - 1, confidence)
    return Summary(n, float(mean), sd, median, ci, n < min_n)
