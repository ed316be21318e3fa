"""CSAT with its Wilson interval, NPS with its trinomial interval, CES: textbook values and the raw-data formulas."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from tests.domain.stats_samples import TIGHT, assert_no_nan, expand, random_counts, rng
from touchloop.stats import ces, csat, describe, nps, nps_codes, top_box, top_box_codes, wilson_interval


def wilson_textbook(hits: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson's interval in its other textbook form (Agresti & Coull 1998).

    (x + z²/2 ± z·√(x(n − x)/n + z²/4)) / (n + z²)
    """
    z = stats.norm.ppf(0.5 + confidence / 2)
    half = z * math.sqrt(hits * (n - hits) / n + z * z / 4)
    return (hits + z * z / 2 - half) / (n + z * z), (hits + z * z / 2 + half) / (n + z * z)


@pytest.mark.parametrize(
    "hits, n, low, high",
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_interval_matches_newcombes_published_examples(hits, n, low, high):
    # Newcombe (1998), Statistics in Medicine 17:857-872, table II, method 3
    interval = wilson_interval(hits, n)
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)


def test_wilson_interval_equals_the_textbook_formula_for_every_count():
    for n in (1, 2, 7, 30, 101):
        for hits in range(n + 1):
            interval = wilson_interval(hits, n, 0.9)
            assert (interval.low, interval.high) == pytest.approx(wilson_textbook(hits, n, 0.9), **TIGHT)


def test_wilson_interval_needs_answers_and_a_possible_count():
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError, match="hits must be between 0 and n"):
        wilson_interval(5, 4)


def test_csat_is_the_top_two_box_share_with_its_wilson_interval():
    result = csat({1: 2, 2: 3, 3: 5, 4: 20, 5: 10})
    assert (result.n, result.hits, result.share) == (40, 30, 0.75)
    assert (result.ci.low, result.ci.high) == pytest.approx(wilson_textbook(30, 40), **TIGHT)
    assert result.too_small is False


def test_everyone_satisfied_gives_csat_one_with_an_interval_that_does_not_collapse():
    result = csat({5: 12})
    assert result.share == 1.0 and result.ci.high == 1.0
    assert result.ci.low == pytest.approx(wilson_textbook(12, 12)[0], **TIGHT) and result.ci.low < 0.8
    assert result.too_small


def test_csat_of_no_answers_is_none_and_answers_off_the_scale_are_refused():
    assert (csat({}).share, csat({}).ci) == (None, None)
    with pytest.raises(ValueError, match="CSAT answers run from 1 to 5; got 7"):
        csat({4: 3, 7: 1})


def test_top_box_of_another_scale_counts_answers_from_the_threshold():
    result = top_box({1: 1, 6: 4, 7: 5}, top_from=6)
    assert (result.hits, result.share) == (9, 0.9)


def test_nps_textbook_example_with_its_trinomial_interval():
    # 50 promoters, 30 passives, 20 detractors: NPS 30; var = .5 + .2 − .3² = .61; se = √(.61/100)
    result = nps({10: 30, 9: 20, 8: 20, 7: 10, 6: 5, 3: 10, 0: 5})
    assert (result.promoters, result.passives, result.detractors, result.score) == (50, 30, 20, 30.0)
    half = stats.norm.ppf(0.975) * 100 * math.sqrt(0.61 / 100)
    assert (result.ci.low, result.ci.high) == pytest.approx((30 - half, 30 + half), **TIGHT)
    assert (result.ci.low, result.ci.high) == pytest.approx((14.6922, 45.3078), abs=1e-4)  # 1.959964 · 7.81025


def test_nps_interval_is_the_normal_interval_of_the_mean_of_plus_minus_one_codes():
    generator = rng(3)
    for _ in range(200):
        counts = random_counts(generator, 0, 10)
        result = nps(counts)
        raw = expand(counts)
        codes = 100 * ((raw >= 9).astype(float) - (raw <= 6))
        se = codes.std(ddof=0) / math.sqrt(len(codes))
        z = stats.norm.ppf(0.975)
        assert result.score == pytest.approx(codes.mean(), **TIGHT)
        assert result.ci.low == pytest.approx(max(codes.mean() - z * se, -100), **TIGHT)
        assert result.ci.high == pytest.approx(min(codes.mean() + z * se, 100), **TIGHT)


def test_nps_interval_is_clipped_to_the_possible_range():
    result = nps({10: 19, 8: 1})
    assert result.score == 95.0
    assert result.ci.high == 100.0 and result.ci.low < 95.0


def test_nps_of_only_promoters_collapses_at_100_and_no_answers_give_none():
    result = nps({9: 10, 10: 30})
    assert (result.score, result.ci.low, result.ci.high) == (100.0, 100.0, 100.0)
    assert_no_nan(result)
    empty = nps({})
    assert (empty.n, empty.score, empty.ci, empty.too_small) == (0, None, None, True)
    assert nps({3: 1}).ci is None


def test_nps_answers_off_the_scale_are_refused():
    with pytest.raises(ValueError, match="NPS answers run from 0 to 10; got 11"):
        nps({11: 1})


def test_nps_and_top_box_codes_have_the_metric_as_their_mean():
    counts = {10: 30, 9: 20, 8: 20, 7: 10, 6: 5, 3: 10, 0: 5}
    assert nps_codes(counts) == {100: 50, 0: 30, -100: 20}
    assert describe(nps_codes(counts)).mean == pytest.approx(nps(counts).score, **TIGHT)
    assert describe(top_box_codes({1: 1, 4: 2, 5: 1})).mean == 75.0


def test_ces_is_the_mean_of_a_one_to_seven_scale():
    counts = {1: 2, 4: 6, 7: 12}
    assert ces(counts) == describe(counts)
    with pytest.raises(ValueError, match="CES answers run from 1 to 7; got 0"):
        ces({0: 1})
