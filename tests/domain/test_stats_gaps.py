"""Expectation vs. experience gaps from pair counts equal SciPy's paired tests on the raw answers."""

from __future__ import annotations

import pytest
from scipy import stats

from tests.domain.stats_samples import TIGHT, assert_no_nan, expand_pairs, random_pairs, rng
from touchloop.stats import GapClass, Interval, Note, classify_gap, describe_gap, pair_counts_of


def test_gap_figures_equal_scipy_paired_tests_on_the_expanded_answers():
    generator = rng(20)
    for index in range(200):
        pairs = random_pairs(generator, 1, 5 + index % 3)
        expected, experienced = expand_pairs(pairs)
        result = describe_gap(pairs)
        paired = stats.ttest_rel(experienced, expected)
        low, high = paired.confidence_interval(0.95)
        signed_rank = stats.wilcoxon(experienced, expected, zero_method="pratt", correction=False, method="asymptotic")
        assert result.n == len(expected)
        assert result.expectation.mean == pytest.approx(expected.mean(), **TIGHT)
        assert result.experience.mean == pytest.approx(experienced.mean(), **TIGHT)
        assert result.gap.mean == pytest.approx((experienced - expected).mean(), **TIGHT)
        assert (result.gap.ci.low, result.gap.ci.high) == pytest.approx((low, high), **TIGHT)
        assert result.t_test.statistic == pytest.approx(paired.statistic, **TIGHT)
        assert result.t_test.p_value == pytest.approx(paired.pvalue, **TIGHT)
        assert result.wilcoxon.p_value == pytest.approx(signed_rank.pvalue, **TIGHT)


def test_gap_is_classified_by_where_its_interval_lies():
    assert classify_gap(Interval(-0.8, -0.1)) == GapClass.NEGATIVE
    assert classify_gap(Interval(-0.2, 0.3)) == GapClass.MET
    assert classify_gap(Interval(0.0, 0.4)) == GapClass.MET
    assert classify_gap(Interval(0.05, 0.4)) == GapClass.POSITIVE
    assert classify_gap(None) is None


def test_experience_falling_short_of_expectation_is_a_negative_gap():
    result = describe_gap({(5, 3): 20, (5, 4): 25, (4, 4): 30, (4, 5): 5})
    assert result.gap.mean == pytest.approx(-0.75)
    assert result.classification == GapClass.NEGATIVE
    assert result.t_test.p_value < 0.001 and result.wilcoxon.p_value < 0.001


def test_everyone_getting_what_they_expected_is_met_with_p_one_and_no_nan():
    result = describe_gap({(4, 4): 25, (5, 5): 15})
    assert (result.gap.mean, result.gap.sd) == (0.0, 0.0)
    assert (result.gap.ci.low, result.gap.ci.high) == (0.0, 0.0)
    assert result.classification == GapClass.MET
    assert (result.t_test.p_value, result.t_test.note) == (1.0, Note.NO_DIFFERENCE)
    assert (result.wilcoxon.p_value, result.wilcoxon.note) == (1.0, Note.NO_DIFFERENCE)
    assert_no_nan(result)


def test_everyone_one_point_above_expectation_is_positive_with_a_wilcoxon_p_but_no_t_p():
    result = describe_gap({(3, 4): 12, (4, 5): 20})
    assert (result.gap.ci.low, result.gap.ci.high) == (1.0, 1.0)
    assert result.classification == GapClass.POSITIVE
    assert (result.t_test.p_value, result.t_test.note) == (None, Note.NO_SPREAD)
    expected, experienced = expand_pairs({(3, 4): 12, (4, 5): 20})
    theirs = stats.wilcoxon(experienced, expected, zero_method="pratt", correction=False, method="asymptotic")
    assert result.wilcoxon.p_value == pytest.approx(theirs.pvalue, **TIGHT)
    assert_no_nan(result)


def test_no_answers_gives_a_gap_without_figures_and_one_answer_a_gap_without_interval():
    empty = describe_gap({})
    assert (empty.n, empty.gap.mean, empty.expectation.mean, empty.classification) == (0, None, None, None)
    assert empty.t_test.note == empty.wilcoxon.note == Note.TOO_FEW
    assert empty.too_small
    single = describe_gap({(5, 3): 1})
    assert (single.gap.mean, single.gap.ci, single.classification, single.t_test.note) == (
        -2.0,
        None,
        None,
        Note.TOO_FEW,
    )
    assert_no_nan(single)


def test_gap_groups_under_the_minimum_are_too_small():
    assert describe_gap({(4, 4): 29}).too_small
    assert not describe_gap({(4, 4): 29}, min_n=20).too_small


def test_raw_answer_pairs_become_the_same_pair_table():
    assert pair_counts_of([5, 5, 4, 3], [3, 3, 4, float("nan")]) == {(4, 4): 1, (5, 3): 2}


@pytest.mark.parametrize(
    "pairs, message",
    [
        ({(4, 4): -1, (4, 5): 2}, "the count for the pair (4, 4) must be a whole number ≥ 0, not -1"),
        ({(4,): 3}, "a gap answer must be a pair of finite numbers (expected, experienced), not (4,)"),
        ({("4", 5): 3}, "a gap answer must be a pair of finite numbers (expected, experienced), not ('4', 5)"),
    ],
)
def test_malformed_pair_tables_are_refused_with_what_is_wrong(pairs, message):
    with pytest.raises(ValueError) as error:
        describe_gap(pairs)
    assert str(error.value) == message
