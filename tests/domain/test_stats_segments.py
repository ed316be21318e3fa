"""Segment comparisons: multiple-comparison corrections, effect sizes, and the omnibus + pairwise table."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tests.domain.stats_samples import TIGHT, assert_no_nan, expand, random_counts, rng
from touchloop.stats import (
    Note,
    benjamini_hochberg,
    cliffs_delta,
    cohens_d,
    compare_segments,
    describe,
    epsilon_squared,
    hedges_g,
    holm,
    mann_whitney_u,
    summary_from_moments,
)


def test_holm_adjustment_by_hand():
    # sorted .005·4 = .02, .01·3 = .03, .03·2 = .06, .04·1 = .04 -> running maximum .06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx((0.03, 0.06, 0.06, 0.02))
    assert holm([0.3, 0.5]) == pytest.approx((0.6, 0.6))
    assert holm([0.9, 0.8]) == (1.0, 1.0)


def test_benjamini_hochberg_by_hand_and_equal_to_scipy():
    # sorted .005·4/1 = .02, .01·4/2 = .02, .03·4/3 = .04, .04·4/4 = .04
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx((0.02, 0.04, 0.04, 0.02))
    generator = rng(40)
    for size in range(1, 30):
        p_values = generator.random(size) ** 3
        expected = stats.false_discovery_control(p_values, method="bh")
        assert benjamini_hochberg(p_values.tolist()) == pytest.approx(tuple(expected), **TIGHT)


def test_corrections_skip_tests_without_a_p_value_and_refuse_impossible_ones():
    assert holm([0.01, None, 0.02]) == pytest.approx((0.02, None, 0.02))
    assert benjamini_hochberg([None]) == (None,)
    with pytest.raises(ValueError, match="p-value number 2 is 1.5, outside"):
        holm([0.1, 1.5])


def test_cliffs_delta_is_the_share_of_higher_minus_lower_pairs():
    generator = rng(41)
    for _ in range(100):
        first, second = random_counts(generator, 1, 5, most=20), random_counts(generator, 1, 5, most=20)
        a, b = expand(first), expand(second)
        assert cliffs_delta(first, second) == pytest.approx(np.sign(a[:, None] - b[None, :]).mean(), **TIGHT)
    assert cliffs_delta({5: 3}, {1: 4}) == 1.0
    assert cliffs_delta({3: 3}, {3: 4}) == 0.0
    assert cliffs_delta({}, {3: 4}) is None


def test_epsilon_squared_is_h_over_n_minus_one():
    assert epsilon_squared(10.0, 51) == pytest.approx(0.2)
    assert epsilon_squared(None, 51) is None
    assert epsilon_squared(3.0, 1) is None


def test_hedges_g_by_hand_and_cohens_d_equal_to_the_pooled_formula_on_raw_answers():
    # d = (5 − 4)/1 = 1; J = 1 − 3/(4·20 − 9) = 68/71
    first, second = summary_from_moments(10, 5.0, 1.0), summary_from_moments(10, 4.0, 1.0)
    assert hedges_g(first, second) == pytest.approx(68 / 71, **TIGHT)
    a, b = expand({1: 3, 4: 9, 5: 2}), expand({2: 5, 5: 7})
    pooled = np.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2))
    assert cohens_d(describe({1: 3, 4: 9, 5: 2}), describe({2: 5, 5: 7})) == pytest.approx(
        (a.mean() - b.mean()) / pooled, **TIGHT
    )


def test_effect_sizes_without_spread_are_zero_for_equal_means_and_none_otherwise():
    assert hedges_g(describe({5: 30}), describe({5: 31})) == 0.0
    assert hedges_g(describe({5: 30}), describe({4: 31})) is None
    assert cohens_d(describe({5: 1}), describe({4: 1})) is None
    assert cohens_d(describe({}), describe({4: 3})) is None


def segment_counts() -> dict[str, dict[int, int]]:
    """Three trusted segments, one too small and one empty."""
    return {
        "A": {1: 2, 2: 4, 3: 10, 4: 20, 5: 14},
        "B": {1: 9, 2: 12, 3: 15, 4: 15, 5: 9},
        "C": {3: 4, 5: 5},
        "D": {},
        "E": {2: 3, 3: 8, 4: 15, 5: 18},
    }


def test_segment_comparison_tests_the_trusted_groups_and_shows_the_small_ones_flagged():
    groups = segment_counts()
    result = compare_segments(groups)
    assert list(result.groups) == ["A", "B", "C", "D", "E"]
    assert [name for name, summary in result.groups.items() if summary.too_small] == ["C", "D"]
    assert result.compared == ("A", "B", "E")
    theirs = stats.kruskal(expand(groups["A"]), expand(groups["B"]), expand(groups["E"]))
    assert result.kruskal.p_value == pytest.approx(theirs.pvalue, **TIGHT)
    total = sum(result.groups[name].n for name in result.compared)
    assert result.epsilon_squared == pytest.approx(theirs.statistic / (total - 1), **TIGHT)
    welch = stats.f_oneway(expand(groups["A"]), expand(groups["B"]), expand(groups["E"]), equal_var=False)
    assert result.welch_anova.p_value == pytest.approx(welch.pvalue, **TIGHT)


def test_segment_pairs_carry_adjusted_p_values_and_effect_sizes():
    groups = segment_counts()
    result = compare_segments(groups)
    assert [(pair.first, pair.second) for pair in result.pairs] == [("A", "B"), ("A", "E"), ("B", "E")]
    raw = [mann_whitney_u(groups[pair.first], groups[pair.second]).p_value for pair in result.pairs]
    assert tuple(pair.p_holm for pair in result.pairs) == pytest.approx(holm(raw), **TIGHT)
    assert tuple(pair.p_bh for pair in result.pairs) == pytest.approx(benjamini_hochberg(raw), **TIGHT)
    first = result.pairs[0]
    assert first.mann_whitney.p_value == raw[0]
    assert first.difference.estimate == pytest.approx(result.groups["A"].mean - result.groups["B"].mean)
    assert first.cliffs_delta == cliffs_delta(groups["A"], groups["B"])
    assert first.hedges_g == hedges_g(result.groups["A"], result.groups["B"])
    assert first.p_holm < 0.05 < result.pairs[1].p_holm


def test_a_segment_where_everyone_answered_five_compares_without_nan():
    result = compare_segments({"all fives": {5: 40}, "mixed": {3: 10, 4: 20, 5: 10}})
    assert result.welch_anova.note == Note.NO_SPREAD
    assert 0 < result.kruskal.p_value < 1
    assert result.pairs[0].cliffs_delta == 0.75  # 5 beats the 30 answers of 3 or 4, ties the 10 fives
    assert_no_nan(result)


def test_a_comparison_with_one_trusted_group_has_no_tests():
    result = compare_segments({"big": {4: 40}, "small": {5: 3}})
    assert result.compared == ("big",)
    assert (result.kruskal.note, result.welch_anova.note, result.pairs, result.epsilon_squared) == (
        Note.TOO_FEW,
        Note.TOO_FEW,
        (),
        None,
    )
    assert compare_segments({"small": {5: 3}, "tiny": {4: 1}}, min_n=1).kruskal.p_value is not None
