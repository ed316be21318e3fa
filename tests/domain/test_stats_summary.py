"""Group summaries from count tables: n, mean, sd, median and t-interval equal numpy/SciPy on the raw answers."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import numpy as np
import pytest
from scipy import stats

from tests.domain.stats_samples import TIGHT, assert_no_nan, expand, random_counts, rng
from touchloop.stats import counts_of, describe, describe_sums, variance_from_sums


def sums_of(counts: dict[int, int]) -> tuple[int, int, int]:
    """n, Σx, Σx² of a count table in exact integers, as SQL would return them."""
    return (
        sum(counts.values()),
        sum(value * count for value, count in counts.items()),
        sum(value * value * count for value, count in counts.items()),
    )


def test_summary_of_a_count_table_equals_numpy_and_scipy_on_the_expanded_answers():
    generator = rng(1)
    for _ in range(300):
        counts = random_counts(generator, 1, 7)
        raw = expand(counts)
        summary = describe(counts)
        low, high = stats.t.interval(0.95, len(raw) - 1, loc=raw.mean(), scale=stats.sem(raw))
        assert summary.n == len(raw)
        assert summary.mean == pytest.approx(raw.mean(), **TIGHT)
        assert summary.sd == pytest.approx(raw.std(ddof=1), **TIGHT)
        assert summary.median == np.median(raw)
        assert (summary.ci.low, summary.ci.high) == pytest.approx((low, high), **TIGHT)


def test_textbook_interval_for_one_answer_on_each_of_five_points():
    # mean 3, sd √2.5, t(0.975, 4) = 2.776445: 3 ± 2.776445·√2.5/√5
    summary = describe({1: 1, 2: 1, 3: 1, 4: 1, 5: 1})
    assert (summary.mean, summary.median) == (3.0, 3.0)
    assert summary.sd == pytest.approx(1.5811388300841898)
    assert (summary.ci.low, summary.ci.high) == pytest.approx((1.0367568385, 4.9632431615), abs=1e-9)


def test_the_confidence_level_is_configurable():
    counts = {1: 4, 3: 10, 5: 6}
    raw = expand(counts)
    summary = describe(counts, confidence=0.9)
    low, high = stats.t.interval(0.9, len(raw) - 1, loc=raw.mean(), scale=stats.sem(raw))
    assert (summary.ci.low, summary.ci.high) == pytest.approx((low, high), **TIGHT)


def test_median_of_an_even_number_of_answers_is_the_mean_of_the_middle_two():
    assert describe({2: 2, 5: 2}).median == 3.5
    assert describe({2: 1, 3: 2, 9: 1}).median == 3.0


def test_an_empty_group_has_every_figure_none_and_is_too_small():
    summary = describe({})
    assert (summary.n, summary.mean, summary.sd, summary.median, summary.ci) == (0, None, None, None, None)
    assert summary.too_small
    assert describe({4: 0, 5: 0}) == summary


def test_one_answer_has_a_mean_but_no_sd_or_interval():
    summary = describe({4: 1})
    assert (summary.n, summary.mean, summary.median, summary.sd, summary.ci) == (1, 4.0, 4.0, None, None)
    assert summary.se is None and summary.variance is None


def test_everyone_answering_five_gives_sd_zero_and_an_interval_collapsed_to_the_mean():
    summary = describe({5: 40})
    assert (summary.mean, summary.sd, summary.median) == (5.0, 0.0, 5.0)
    assert (summary.ci.low, summary.ci.high) == (5.0, 5.0)
    assert_no_nan(summary)


def test_groups_under_the_minimum_n_are_flagged_too_small_and_the_minimum_is_configurable():
    assert describe({5: 29, 4: 0}).too_small
    assert not describe({5: 20, 4: 10}).too_small
    assert not describe({5: 10}, min_n=10).too_small
    assert describe({5: 9}, min_n=10).too_small


def test_summary_from_sql_sums_equals_the_one_from_counts_without_the_median():
    generator = rng(2)
    for _ in range(100):
        counts = random_counts(generator, 0, 10)
        from_sums = describe_sums(*sums_of(counts))
        from_counts = describe(counts)
        assert from_sums.median is None
        assert from_sums.mean == pytest.approx(from_counts.mean, **TIGHT)
        assert from_sums.sd == pytest.approx(from_counts.sd, **TIGHT)
        assert from_sums.ci.low == pytest.approx(from_counts.ci.low, **TIGHT)


def test_integer_sums_without_spread_give_exactly_zero_variance():
    assert variance_from_sums(*sums_of({5: 1_000_003})) == 0.0
    assert describe_sums(*sums_of({7: 3})).sd == 0.0
    assert variance_from_sums(1, 5, 25) is None
    assert describe_sums(0, 0, 0).mean is None


def test_postgresql_decimal_sums_give_the_same_summary_as_integer_sums():
    n, total, total_sq = sums_of({1: 3, 4: 10, 5: 40})
    assert describe_sums(n, Decimal(total), Decimal(total_sq)) == describe_sums(n, total, total_sq)
    assert describe_sums(*sums_of({5: 10**6})) == describe_sums(10**6, Decimal(5 * 10**6), Decimal(25 * 10**6))
    assert describe_sums(3, Decimal("7.5"), Decimal("19.25")).sd == pytest.approx(np.std([2, 2.5, 3], ddof=1))


def test_raw_answers_become_the_same_count_table():
    raw = [5, 4, 4, float("nan"), 1, 5, 5]
    assert counts_of(raw) == {1: 3 - 2, 4: 2, 5: 3}
    assert describe(counts_of(np.asarray(raw))).n == 6


def test_billions_of_answers_are_summarised_without_expanding_them():
    summary = describe({1: 10**12, 5: 3 * 10**12})
    assert summary.n == 4 * 10**12
    assert summary.mean == 4.0
    assert summary.median == 5.0
    assert summary.ci.high - summary.ci.low < 1e-5


@pytest.mark.parametrize(
    "counts, message",
    [
        ({5: -1}, "the count for score 5 must be a whole number ≥ 0, not -1"),
        ({5: 1.5}, "the count for score 5 must be a whole number ≥ 0, not 1.5"),
        ({float("nan"): 3}, "a score must be a finite number, not nan"),
        ({"5": 3}, "a score must be a finite number, not '5'"),
    ],
)
def test_malformed_count_tables_are_refused_with_what_is_wrong(counts, message):
    with pytest.raises(ValueError) as error:
        describe(counts)
    assert str(error.value) == message


def test_the_statistics_import_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, touchloop.stats;"
        "bad = [m for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy') if m in sys.modules];"
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
