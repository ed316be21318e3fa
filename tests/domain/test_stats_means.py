"""Tests on means from summaries equal SciPy's t-tests and Welch ANOVA on the raw answers, and hand computations."""

from __future__ import annotations

import pytest
from scipy import stats

from tests.domain.stats_samples import TIGHT, assert_no_nan, expand, random_counts, rng
from touchloop.stats import (
    Note,
    describe,
    difference_of_means,
    one_sample_t,
    satterthwaite,
    summary_from_moments,
    welch_anova,
)


def test_welch_difference_of_means_equals_scipy_ttest_ind_unequal_variances():
    generator = rng(30)
    for _ in range(200):
        first, second = random_counts(generator, 1, 5), random_counts(generator, 1, 7, most=15)
        ours = difference_of_means(describe(first), describe(second))
        theirs = stats.ttest_ind(expand(first), expand(second), equal_var=False)
        low, high = theirs.confidence_interval(0.95)
        assert ours.estimate == pytest.approx(expand(first).mean() - expand(second).mean(), **TIGHT)
        assert ours.test.statistic == pytest.approx(theirs.statistic, **TIGHT)
        assert ours.test.p_value == pytest.approx(theirs.pvalue, **TIGHT)
        assert ours.df == pytest.approx(theirs.df, **TIGHT)
        assert (ours.ci.low, ours.ci.high) == pytest.approx((low, high), **TIGHT)


def test_one_sample_t_equals_scipy_ttest_1samp():
    generator = rng(31)
    for null in (0.0, 3.0, 4.2):
        counts = random_counts(generator, 1, 5)
        ours = one_sample_t(describe(counts), null)
        theirs = stats.ttest_1samp(expand(counts), null)
        assert ours.statistic == pytest.approx(theirs.statistic, **TIGHT)
        assert ours.p_value == pytest.approx(theirs.pvalue, **TIGHT)
        assert ours.df == len(expand(counts)) - 1


def test_satterthwaite_degrees_of_freedom_by_hand():
    # parts 4/10 = .4 and 9/20 = .45: (.85)² / (.4²/9 + .45²/19) = .7225 / (.017778 + .010658)
    assert satterthwaite([(4, 10), (9, 20)]) == pytest.approx(25.4083, abs=1e-4)
    assert satterthwaite([(0, 10), (0, 5)]) is None


def test_two_groups_without_spread_and_the_same_mean_do_not_differ():
    result = difference_of_means(describe({5: 40}), describe({5: 31}))
    assert (result.estimate, result.se, result.df) == (0.0, 0.0, None)
    assert (result.ci.low, result.ci.high) == (0.0, 0.0)
    assert (result.test.p_value, result.test.note) == (1.0, Note.NO_DIFFERENCE)


def test_two_groups_without_spread_but_different_means_have_no_t_p():
    result = difference_of_means(describe({5: 40}), describe({4: 31}))
    assert (result.estimate, result.ci.low, result.ci.high) == (1.0, 1.0, 1.0)
    assert (result.test.p_value, result.test.note) == (None, Note.NO_SPREAD)
    assert_no_nan(result)


def test_one_group_without_spread_still_has_a_welch_test_equal_to_scipy():
    first, second = {5: 40}, {3: 10, 4: 12, 5: 9}
    ours = difference_of_means(describe(first), describe(second))
    a, b = expand(first), expand(second)  # ttest_ind on raw answers warns about the constant group; same formula:
    theirs = stats.ttest_ind_from_stats(a.mean(), a.std(ddof=1), len(a), b.mean(), b.std(ddof=1), len(b), False)
    assert ours.test.p_value == pytest.approx(theirs.pvalue, **TIGHT)


def test_difference_needs_two_answers_per_group_for_an_interval():
    one = difference_of_means(describe({4: 1}), describe({3: 5, 4: 5}))
    assert (one.estimate, one.ci, one.test.note) == (0.5, None, Note.TOO_FEW)
    none = difference_of_means(describe({}), describe({3: 5}))
    assert (none.estimate, none.test.p_value) == (None, None)


def test_welch_anova_equals_scipy_f_oneway_with_unequal_variances():
    generator = rng(32)
    for index in range(150):
        groups = [random_counts(generator, 1, 5 + index % 3) for _ in range(2 + index % 4)]
        ours = welch_anova([describe(counts) for counts in groups])
        theirs = stats.f_oneway(*map(expand, groups), equal_var=False)
        assert ours.statistic == pytest.approx(theirs.statistic, **TIGHT)
        assert ours.p_value == pytest.approx(theirs.pvalue, **TIGHT)
        assert ours.df == len(groups) - 1


def test_welch_anova_by_hand():
    # w = n/s² = 10, 2.5, 10; x̄w = 120/22.5; A = 2.5/2; λ = .1383294; F = 1.25/(1 + 2λ/8); df2 = 8/(3λ)
    groups = [
        summary_from_moments(10, 5.0, 1.0),
        summary_from_moments(10, 6.0, 4.0),
        summary_from_moments(20, 5.5, 2.0),
    ]
    result = welch_anova(groups)
    assert result.statistic == pytest.approx(1.208217, abs=1e-6)
    assert (result.df, result.df2) == (2, pytest.approx(19.27767, abs=1e-5))
    assert result.p_value == pytest.approx(stats.f.sf(1.208217, 2, 19.27767), abs=1e-6)


def test_welch_anova_is_undefined_with_a_group_without_spread_but_never_nan():
    with_constant = welch_anova([describe({5: 40}), describe({3: 10, 4: 12})])
    assert (with_constant.p_value, with_constant.note) == (None, Note.NO_SPREAD)
    all_same = welch_anova([describe({5: 40}), describe({5: 12})])
    assert (all_same.p_value, all_same.note) == (1.0, Note.NO_DIFFERENCE)
    assert welch_anova([describe({4: 1, 5: 3}), describe({5: 1})]).note == Note.TOO_FEW
    assert welch_anova([describe({4: 2, 5: 3}), describe({})]).note == Note.TOO_FEW
