"""What every statistic reports about how sure it is: intervals, significance, and the shared defaults.

Quantiles and p-values come from the t and normal distributions of ``distributions`` (SciPy's own
routines). Results are plain Python floats, never NaN or infinity: where a figure is undefined (no answers,
no spread) it is None, and ``Significance.note`` says why.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from touchloop.stats.distributions import normal_ppf, normal_sf, t_ppf, t_sf

CONFIDENCE = 0.95
MIN_N = 30  # fewer answers than this: shown, but flagged too_small (issue 5)


class Note(enum.StrEnum):
    """Why a test has no p-value, or has one by convention rather than by its formula."""

    TOO_FEW = "too_few"  # not enough answers (or groups) for the test
    NO_SPREAD = "no_spread"  # zero variance with a non-null effect: the statistic would be infinite
    NO_DIFFERENCE = "no_difference"  # every answer equal / every difference zero: p = 1 by convention


@dataclass(frozen=True)
class Interval:
    """A confidence interval [low, high]; low == high when the data have no spread."""

    low: float
    high: float

    def contains(self, value: float) -> bool:
        """True when ``value`` lies inside the interval, ends included."""
        return self.low <= value <= self.high

    def clipped(self, lowest: float, highest: float) -> Interval:
        """The interval cut to the possible range of the figure (e.g. a share to [0, 1])."""
        return Interval(min(max(self.low, lowest), highest), max(min(self.high, highest), lowest))


@dataclass(frozen=True)
class Significance:
    """A hypothesis test: its statistic, two-sided p-value, degrees of freedom, and a note when p is conventional.

    ``df`` is None for normal (z) tests; an F-test has numerator ``df`` and denominator ``df2``.
    ``p_value`` is None when the test cannot be computed (``note`` is TOO_FEW or NO_SPREAD); it is 1.0 with
    note NO_DIFFERENCE when the data show no difference at all (e.g. every gap is zero).
    """

    statistic: float | None
    p_value: float | None
    df: float | None = None
    note: Note | None = None
    df2: float | None = None


NOT_ENOUGH = Significance(None, None, None, Note.TOO_FEW)
NO_SPREAD = Significance(None, None, None, Note.NO_SPREAD)


def no_difference(df: float | None = None) -> Significance:
    """The conventional result when nothing differs: statistic 0, p = 1."""
    return Significance(0.0, 1.0, df, Note.NO_DIFFERENCE)


def t_quantile(confidence: float, df: float) -> float:
    """The two-sided critical value of Student's t: ``t.ppf((1 + confidence) / 2, df)``."""
    return t_ppf(0.5 + confidence / 2, df)


def normal_quantile(confidence: float) -> float:
    """The two-sided critical value of the standard normal: ``norm.ppf((1 + confidence) / 2)`` (1.96 for 95%)."""
    return normal_ppf(0.5 + confidence / 2)


def t_interval(estimate: float, se: float, df: float | None, confidence: float) -> Interval:
    """estimate ± t(df) · se; collapses to the estimate when se is 0 (df may then be None)."""
    if se == 0 or df is None:
        return Interval(estimate, estimate)
    half = t_quantile(confidence, df) * se
    return Interval(estimate - half, estimate + half)


def normal_interval(estimate: float, se: float, confidence: float) -> Interval:
    """estimate ± z · se (Wald interval); collapses to the estimate when se is 0."""
    half = normal_quantile(confidence) * se
    return Interval(estimate - half, estimate + half)


def t_test(estimate: float, se: float, df: float | None, null: float = 0.0) -> Significance:
    """Two-sided t-test of ``estimate == null``: t = (estimate − null) / se, p = 2·t.sf(|t|, df).

    se == 0 (no spread): p = 1 when the estimate equals the null (note NO_DIFFERENCE), else no p (NO_SPREAD).
    """
    if se == 0 or df is None:
        return no_difference(df) if estimate == null else Significance(None, None, df, Note.NO_SPREAD)
    statistic = (estimate - null) / se
    return Significance(statistic, 2 * t_sf(abs(statistic), df), df)


def z_test(z: float) -> Significance:
    """Two-sided p-value of a standard normal statistic: 2·norm.sf(|z|), at most 1."""
    return Significance(z, min(1.0, 2 * normal_sf(abs(z))))
