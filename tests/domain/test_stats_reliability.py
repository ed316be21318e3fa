"""Cronbach's alpha from variances, from SQL sums and from a raw matrix: the textbook formula, three ways in."""

from __future__ import annotations

import numpy as np
import pytest

from tests.domain.stats_samples import TIGHT, rng
from touchloop.stats import Note, Reliability, cronbach_alpha, cronbach_alpha_from_sums, cronbach_alpha_of_matrix

MATRIX = [[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]]


def test_alpha_of_a_small_matrix_by_hand():
    # item variances 5/3, 19/12, 5/3 (sum 59/12); totals 5, 8, 10, 14 have variance 14.25
    # α = 3/2 · (1 − (59/12)/14.25) = 0.982456...
    result = cronbach_alpha_of_matrix(MATRIX)
    assert result.alpha == pytest.approx(1.5 * (1 - (59 / 12) / 14.25), **TIGHT)
    assert round(result.alpha, 5) == 0.98246
    assert (result.items, result.n, result.note) == (3, 4, None)


def test_alpha_from_variances_by_hand():
    assert cronbach_alpha([1.0, 1.0, 1.0], 6.0).alpha == pytest.approx(0.75)
    assert cronbach_alpha([2.0, 2.0], 4.0).alpha == pytest.approx(0.0)
    assert cronbach_alpha([1.0, 1.0], 1.0).alpha == pytest.approx(-2.0)  # items that disagree


def test_alpha_three_ways_agree_with_the_covariance_form_on_random_data():
    generator = rng(50)
    for _ in range(50):
        n, k = int(generator.integers(5, 80)), int(generator.integers(2, 7))
        trait = generator.normal(size=(n, 1))
        matrix = np.clip(np.round(3 + trait + generator.normal(scale=0.8, size=(n, k))), 1, 5)
        covariance = np.cov(matrix, rowvar=False)
        textbook = k / (k - 1) * (1 - np.trace(covariance) / covariance.sum())
        totals = matrix.sum(axis=1)
        sums = cronbach_alpha_from_sums(
            n, matrix.sum(axis=0).tolist(), (matrix**2).sum(axis=0).tolist(), totals.sum(), (totals**2).sum()
        )
        assert cronbach_alpha_of_matrix(matrix).alpha == pytest.approx(textbook, **TIGHT)
        assert sums.alpha == pytest.approx(textbook, **TIGHT)


def test_rows_with_a_missing_item_are_left_out():
    with_gap = MATRIX + [[5, float("nan"), 1]]
    assert cronbach_alpha_of_matrix(with_gap) == cronbach_alpha_of_matrix(MATRIX)


def test_alpha_is_none_with_a_reason_when_it_cannot_be_computed():
    assert cronbach_alpha([1.0], 1.0).note == Note.TOO_FEW
    assert cronbach_alpha([0.0, 0.0], 0.0) == Reliability(None, 2, None, Note.NO_SPREAD)
    assert cronbach_alpha_of_matrix([[5, 5, 5]] * 40).note == Note.NO_SPREAD
    assert cronbach_alpha_of_matrix([[5, 4]]).note == Note.TOO_FEW
    assert cronbach_alpha_from_sums(1, [5, 4], [25, 16], 9, 81).note == Note.TOO_FEW
    with pytest.raises(ValueError, match="one row per respondent"):
        cronbach_alpha_of_matrix([1, 2, 3])
