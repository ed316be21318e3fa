"""Rank tests from count tables equal SciPy on the expanded raw answers, ties included; degenerate data give no NaN."""

from __future__ import annotations

import pytest
from scipy import stats

from tests.domain.stats_samples import TIGHT, assert_no_nan, expand, random_counts, rng
from touchloop.stats import Note, kruskal_wallis, mann_whitney_u, wilcoxon_signed_rank


def test_mann_whitney_from_counts_equals_scipy_asymptotic_on_raw_answers():
    generator = rng(10)
    for index in range(300):
        first, second = random_counts(generator, 1, 5), random_counts(generator, 1, 5, most=20)
        continuity = index % 2 == 0
        ours = mann_whitney_u(first, second, continuity=continuity)
        theirs = stats.mannwhitneyu(expand(first), expand(second), use_continuity=continuity, method="asymptotic")
        assert ours.statistic == pytest.approx(theirs.statistic, **TIGHT)
        assert ours.p_value == pytest.approx(theirs.pvalue, **TIGHT)


def test_mann_whitney_on_wide_scales_and_lopsided_groups_equals_scipy():
    generator = rng(11)
    for _ in range(100):
        first, second = random_counts(generator, 0, 10, most=3), random_counts(generator, 0, 10, most=200)
        ours = mann_whitney_u(first, second)
        theirs = stats.mannwhitneyu(expand(first), expand(second), method="asymptotic")
        assert ours.p_value == pytest.approx(theirs.pvalue, **TIGHT)


def test_mann_whitney_with_every_answer_tied_has_p_one_like_scipy():
    ours = mann_whitney_u({5: 7}, {5: 3})
    theirs = stats.mannwhitneyu(expand({5: 7}), expand({5: 3}), method="asymptotic")
    assert (ours.statistic, ours.p_value, ours.note) == (10.5, 1.0, Note.NO_DIFFERENCE)
    assert theirs.pvalue == 1.0


def test_mann_whitney_with_an_empty_group_has_no_p():
    result = mann_whitney_u({}, {4: 3, 5: 1})
    assert (result.statistic, result.p_value, result.note) == (None, None, Note.TOO_FEW)


def test_kruskal_wallis_from_counts_equals_scipy_on_raw_answers():
    generator = rng(12)
    for index in range(200):
        groups = [random_counts(generator, 1, 5 + index % 3) for _ in range(2 + index % 5)]
        ours = kruskal_wallis(groups)
        theirs = stats.kruskal(*map(expand, groups))
        assert ours.statistic == pytest.approx(theirs.statistic, **TIGHT)
        assert ours.p_value == pytest.approx(theirs.pvalue, **TIGHT)
        assert ours.df == len(groups) - 1


def test_kruskal_wallis_leaves_empty_groups_out_of_the_degrees_of_freedom():
    groups = [{1: 4, 2: 5}, {}, {2: 3, 4: 6}, {3: 0}]
    ours = kruskal_wallis(groups)
    theirs = stats.kruskal(expand(groups[0]), expand(groups[2]))
    assert ours.df == 1
    assert ours.p_value == pytest.approx(theirs.pvalue, **TIGHT)


def test_kruskal_wallis_with_every_answer_tied_has_h_zero_and_p_one_instead_of_nan():
    result = kruskal_wallis([{5: 40}, {5: 31}, {5: 2}])
    assert (result.statistic, result.p_value, result.df, result.note) == (0.0, 1.0, 2, Note.NO_DIFFERENCE)


def test_kruskal_wallis_needs_two_groups_with_answers():
    assert kruskal_wallis([{3: 5}, {}]).note == Note.TOO_FEW
    assert kruskal_wallis([]).p_value is None


def test_wilcoxon_pratt_from_difference_counts_equals_scipy_on_raw_differences():
    generator = rng(13)
    for index in range(300):
        differences = random_counts(generator, -4 + index % 3, 4, most=25)
        differences[0] = int(generator.integers(0, 80))  # Likert gaps: many zeros
        ours = wilcoxon_signed_rank(differences)
        theirs = stats.wilcoxon(expand(differences), zero_method="pratt", correction=False, method="asymptotic")
        assert ours.statistic == pytest.approx(theirs.statistic, **TIGHT)
        assert ours.p_value == pytest.approx(theirs.pvalue, **TIGHT)


def test_wilcoxon_without_zeros_or_with_one_answer_equals_scipy():
    for differences in ({1: 3, 2: 1, -1: 2}, {3: 1}, {-2: 5}, {0: 1, 1: 1}):
        ours = wilcoxon_signed_rank(differences)
        theirs = stats.wilcoxon(expand(differences), zero_method="pratt", correction=False, method="asymptotic")
        assert ours.p_value == pytest.approx(theirs.pvalue, **TIGHT)


def test_wilcoxon_with_every_difference_zero_has_p_one_instead_of_nan():
    result = wilcoxon_signed_rank({0: 57})
    assert (result.statistic, result.p_value, result.note) == (0.0, 1.0, Note.NO_DIFFERENCE)
    assert wilcoxon_signed_rank({}).note == Note.TOO_FEW


def test_rank_tests_on_huge_count_tables_stay_finite():
    big = {1: 10**9, 2: 3 * 10**9, 5: 10**9}
    other = {1: 2 * 10**9, 2: 10**9, 5: 10**9}
    for result in (
        mann_whitney_u(big, other),
        kruskal_wallis([big, other]),
        wilcoxon_signed_rank({-1: 10**9, 0: 10**10}),
    ):
        assert_no_nan(result)
        assert result.p_value is not None
