"""The four reference distributions the tests need — t, normal, chi-squared, F — as fast scalar functions.

Each is the very routine ``scipy.stats`` calls for that distribution (``t.sf`` is ``scipy.special.stdtr(df, −x)``,
``t.ppf`` is ``stdtrit``, ``norm`` uses ``ndtr``/``ndtri``, ``chi2.sf`` is ``chdtrc``, ``f.sf`` is ``fdtrc``),
called directly: about a microsecond each instead of the 100–300 µs of the generic ``rv_continuous`` argument
handling, which matters when a dashboard summarises hundreds of groups. tests/domain/test_stats_distributions.py
pins them against ``scipy.stats.t``, ``norm``, ``chi2`` and ``f``.
"""

from __future__ import annotations

from scipy import special


def t_sf(x: float, df: float) -> float:
    """P(T > x) for Student's t with ``df`` degrees of freedom (``scipy.stats.t.sf``)."""
    return float(special.stdtr(df, -x))


def t_ppf(q: float, df: float) -> float:
    """The ``q`` quantile of Student's t with ``df`` degrees of freedom (``scipy.stats.t.ppf``)."""
    return float(special.stdtrit(df, q))


def normal_sf(x: float) -> float:
    """P(Z > x) for the standard normal (``scipy.stats.norm.sf``)."""
    return float(special.ndtr(-x))


def normal_ppf(q: float) -> float:
    """The ``q`` quantile of the standard normal (``scipy.stats.norm.ppf``)."""
    return float(special.ndtri(q))


def chi2_sf(x: float, df: float) -> float:
    """P(X > x) for chi-squared with ``df`` degrees of freedom (``scipy.stats.chi2.sf``)."""
    return float(special.chdtrc(df, x))


def f_sf(x: float, dfn: float, dfd: float) -> float:
    """P(F > x) for Fisher's F with ``dfn`` and ``dfd`` degrees of freedom (``scipy.stats.f.sf``)."""
    return float(special.fdtrc(dfn, dfd, x))
