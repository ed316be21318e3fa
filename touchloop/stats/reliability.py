"""Cronbach's alpha: do the items of one experience dimension measure the same thing?

α = k/(k − 1) · (1 − Σ sᵢ² / s_T²) (Cronbach 1951), with k items, sᵢ² the variance of item i and s_T² the
variance of each respondent's total over the k items (all with the same ddof; ddof=1 here). Usually read as
≥ 0.7 acceptable, ≥ 0.8 good; it can be negative when items disagree. It is computed separately for the
expectation and the experience items of a dimension.

Three ways in, one formula: from the variances (``cronbach_alpha``), from SQL sums — n, Σxᵢ and Σxᵢ² per
item plus ΣT and ΣT² of the per-response totals (``cronbach_alpha_from_sums``) — and from a raw
respondents × items matrix (``cronbach_alpha_of_matrix``; rows with a missing item are dropped, listwise).
Undefined (alpha None): fewer than 2 items, fewer than 2 respondents, or totals without spread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from touchloop.stats.inference import Note
from touchloop.stats.tables import variance_from_sums


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha over ``items`` items and ``n`` respondents; ``note`` says why alpha is None."""

    alpha: float | None
    items: int
    n: int | None
    note: Note | None = None


def cronbach_alpha(item_variances: Sequence[float], total_variance: float, *, n: int | None = None) -> Reliability:
    """α = k/(k − 1) · (1 − Σ item variances / variance of the total score)."""
    k = len(item_variances)
    if k < 2 or (n is not None and n < 2):
        return Reliability(None, k, n, Note.TOO_FEW)
    if total_variance <= 0:
        return Reliability(None, k, n, Note.NO_SPREAD)
    alpha = k / (k - 1) * (1 - sum(item_variances) / total_variance)
    return Reliability(float(alpha), k, n)


def cronbach_alpha_from_sums(
    n: int, item_sums: Sequence[float], item_sums_sq: Sequence[float], total_sum: float, total_sum_sq: float
) -> Reliability:
    """Alpha from n, per-item Σx and Σx², and ΣT, ΣT² of the per-response totals (complete responses only)."""
    if len(item_sums) != len(item_sums_sq):
        raise ValueError("give Σx and Σx² for the same items")
    if n < 2:
        return Reliability(None, len(item_sums), n, Note.TOO_FEW)
    variances = [variance_from_sums(n, total, squares) or 0.0 for total, squares in zip(item_sums, item_sums_sq)]
    return cronbach_alpha(variances, variance_from_sums(n, total_sum, total_sum_sq) or 0.0, n=n)


def cronbach_alpha_of_matrix(rows: Sequence[Sequence[float]] | np.ndarray) -> Reliability:
    """Alpha of a respondents × items matrix (NaN = missing; such rows are dropped)."""
    matrix = np.asarray(rows, dtype=float)
    if matrix.ndim != 2:
        raise ValueError("give one row per respondent and one column per item")
    matrix = matrix[~np.isnan(matrix).any(axis=1)]
    n, k = matrix.shape
    if n < 2:
        return Reliability(None, k, n, Note.TOO_FEW)
    item_variances = matrix.var(axis=0, ddof=1)
    return cronbach_alpha(item_variances.tolist(), float(matrix.sum(axis=1).var(ddof=1)), n=n)
