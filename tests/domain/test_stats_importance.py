"""Derived importance (Pearson r from pair sums, Fisher-z CI) and the importance–performance quadrants."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from scipy import stats

from tests.domain.stats_samples import TIGHT, assert_no_nan, rng
from touchloop.stats import (
    ItemPosition,
    Note,
    PairSums,
    Quadrant,
    describe,
    importance_performance,
    item_position,
    pair_sums_of,
    pearson,
)


def test_pearson_from_pair_sums_equals_scipy_pearsonr_with_its_fisher_interval():
    generator = rng(60)
    for _ in range(200):
        n = int(generator.integers(5, 300))
        overall = generator.integers(0, 11, size=n).astype(float)
        item = np.clip(np.round(overall / 2 + generator.normal(scale=1.5, size=n)), 1, 5)
        ours = pearson(pair_sums_of(item, overall))
        theirs = stats.pearsonr(item, overall)
        low, high = theirs.confidence_interval(0.95)
        assert ours.r == pytest.approx(theirs.statistic, **TIGHT)
        assert ours.test.p_value == pytest.approx(theirs.pvalue, rel=1e-8, abs=1e-12)
        assert (ours.ci.low, ours.ci.high) == pytest.approx((low, high), **TIGHT)
        assert ours.n == n and ours.too_small == (n < 30)


def test_correlation_from_postgresql_decimal_sums_equals_the_one_from_integers():
    sums = pair_sums_of([1, 2, 3, 5, 4, 4], [2, 2, 4, 5, 3, 5])
    as_decimals = PairSums(
        sums.n, *(Decimal(value) for value in (sums.sum_x, sums.sum_y, sums.sum_xx, sums.sum_yy, sums.sum_xy))
    )
    assert pearson(as_decimals) == pearson(sums)


def test_correlation_without_spread_is_none_rather_than_nan():
    result = pearson(pair_sums_of([5, 5, 5, 5], [1, 2, 3, 4]))
    assert (result.r, result.ci, result.test.note) == (None, None, Note.NO_SPREAD)
    assert pearson(PairSums(0, 0, 0, 0, 0, 0)).test.note == Note.TOO_FEW


def test_small_and_perfect_correlations_have_what_they_can():
    two = pearson(pair_sums_of([1, 2], [3, 5]))
    assert (two.r, two.ci, two.test.note) == (1.0, None, Note.TOO_FEW)
    three = pearson(pair_sums_of([1, 2, 4], [3, 5, 4]))
    assert three.ci is None and three.test.p_value == pytest.approx(stats.pearsonr([1, 2, 4], [3, 5, 4]).pvalue)
    perfect = pearson(pair_sums_of([1, 2, 3, 4, 5], [10, 8, 6, 4, 2]))
    assert (perfect.r, perfect.ci.low, perfect.ci.high, perfect.test.p_value) == (-1.0, -1.0, -1.0, 0.0)
    assert_no_nan(perfect)


def test_quadrants_by_hand_with_crosshairs_at_the_item_means():
    items = [
        ItemPosition("speed", 0.6, 3.5),
        ItemPosition("staff", 0.5, 4.5),
        ItemPosition("price", 0.2, 3.0),
        ItemPosition("decor", 0.3, 4.4),
    ]
    result = importance_performance(items)
    assert (result.importance_line, result.performance_line) == pytest.approx((0.4, 3.85))
    assert [item.quadrant for item in result.items] == [
        Quadrant.CONCENTRATE_HERE,
        Quadrant.KEEP_UP_THE_GOOD_WORK,
        Quadrant.LOW_PRIORITY,
        Quadrant.POSSIBLE_OVERKILL,
    ]


def test_too_small_items_are_placed_but_do_not_move_the_crosshairs():
    items = [
        ItemPosition("a", 0.2, 3.0),
        ItemPosition("b", 0.6, 4.0),
        ItemPosition("few", 0.95, 1.0, too_small=True),
        ItemPosition("unknown", None, 4.0),
    ]
    result = importance_performance(items)
    assert (result.importance_line, result.performance_line) == pytest.approx((0.4, 3.5))
    assert [(item.name, item.quadrant, item.too_small) for item in result.items[2:]] == [
        ("few", Quadrant.CONCENTRATE_HERE, True),
        ("unknown", None, False),
    ]


def test_an_item_on_a_crosshair_counts_as_high():
    result = importance_performance(
        [ItemPosition("a", 0.2, 3.0), ItemPosition("b", 0.6, 4.0), ItemPosition("mid", 0.4, 3.5)]
    )
    assert result.items[2].quadrant == Quadrant.KEEP_UP_THE_GOOD_WORK


def test_without_trusted_items_there_are_no_crosshairs_or_quadrants():
    result = importance_performance([ItemPosition("few", 0.5, 4.0, too_small=True)])
    assert (result.importance_line, result.performance_line, result.items[0].quadrant) == (None, None, None)
    assert importance_performance([]).items == ()


def test_item_position_takes_the_correlation_and_the_mean():
    correlation = pearson(pair_sums_of([1, 2, 3, 4, 5] * 8, [2, 3, 3, 5, 4] * 8))
    position = item_position("speed", correlation, describe({4: 3, 5: 1}))
    assert (position.name, position.importance, position.performance) == ("speed", correlation.r, 4.25)
    assert position.too_small  # the item summary has only 4 answers
