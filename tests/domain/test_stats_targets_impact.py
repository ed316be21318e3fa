"""Target status from a CI, and the difference-in-differences verdict on an implemented change."""

from __future__ import annotations

import pytest
from scipy import stats

from tests.domain.stats_samples import TIGHT, assert_no_nan, expand
from touchloop.stats import (
    Interval,
    Note,
    Reason,
    TargetStatus,
    Verdict,
    describe,
    difference_in_differences,
    nps,
    summary_from_moments,
    target_status,
)


@pytest.mark.parametrize(
    "low, high, target, status",
    [
        (4.1, 4.5, 4.0, TargetStatus.MET),
        (4.0, 4.5, 4.0, TargetStatus.MET),  # touching the target from above is met
        (3.5, 3.9, 4.0, TargetStatus.NOT_MET),
        (3.8, 4.2, 4.0, TargetStatus.NOT_YET_CLEAR),
        (3.5, 4.0, 4.0, TargetStatus.NOT_YET_CLEAR),  # the target is still inside
    ],
)
def test_target_status_follows_where_the_interval_lies(low, high, target, status):
    check = target_status((low + high) / 2, Interval(low, high), target)
    assert check.status == status
    assert check.margin == pytest.approx((low + high) / 2 - target)


def test_target_for_a_metric_where_lower_is_better_is_mirrored():
    assert target_status(2.0, Interval(1.8, 2.2), 2.5, higher_is_better=False).status == TargetStatus.MET
    assert target_status(3.0, Interval(2.8, 3.2), 2.5, higher_is_better=False).status == TargetStatus.NOT_MET
    assert target_status(2.4, Interval(2.2, 2.6), 2.5, higher_is_better=False).status == TargetStatus.NOT_YET_CLEAR
    assert target_status(2.0, Interval(1.8, 2.2), 2.5, higher_is_better=False).margin == pytest.approx(0.5)


def test_target_is_not_yet_clear_without_an_interval_or_with_too_few_answers():
    assert target_status(None, None, 30.0).status == TargetStatus.NOT_YET_CLEAR
    assert target_status(None, None, 30.0).margin is None
    score = nps({10: 10})
    assert (score.score, score.ci.low) == (100.0, 100.0)
    check = target_status(score.score, score.ci, 30.0, too_small=score.too_small)
    assert (check.status, check.too_small) == (TargetStatus.NOT_YET_CLEAR, True)


def test_everyone_answering_five_meets_a_target_of_four_and_a_half():
    summary = describe({5: 40})
    assert target_status(summary.mean, summary.ci, 4.5).status == TargetStatus.MET


def hand_groups(after_n: int = 40) -> tuple:
    """T before/after and control before/after as (n, mean, variance) summaries."""
    return (
        summary_from_moments(50, 3.0, 1.0),
        summary_from_moments(after_n, 3.6, 1.44),
        summary_from_moments(200, 3.5, 1.0),
        summary_from_moments(220, 3.6, 1.21),
    )


def test_difference_in_differences_by_hand():
    # (3.6 − 3.0) − (3.6 − 3.5) = 0.5; SE² = 1.44/40 + 1/50 + 1.21/220 + 1/200 = 0.0665
    result = difference_in_differences(*hand_groups())
    assert result.estimate == pytest.approx(0.5)
    assert result.se == pytest.approx(0.0665**0.5, **TIGHT)
    assert result.df == pytest.approx(106.156614, abs=1e-6)  # Welch–Satterthwaite over the four parts
    assert (result.ci.low, result.ci.high) == pytest.approx((-0.0112554, 1.0112554), abs=1e-7)
    assert result.test.p_value == pytest.approx(0.0551663, abs=1e-7)
    assert (result.verdict, result.reason) == (Verdict.TOO_EARLY, Reason.CI_INCLUDES_ZERO)


def test_a_change_whose_interval_lies_above_zero_worked():
    result = difference_in_differences(*hand_groups(after_n=400))
    assert result.ci.low > 0
    assert (result.verdict, result.reason) == (Verdict.WORKED, Reason.IMPROVED)


def test_a_change_whose_interval_lies_below_zero_or_below_the_smallest_change_did_not_work():
    before, after, control_before, control_after = hand_groups(after_n=400)
    worse = summary_from_moments(400, 2.6, 1.44)
    result = difference_in_differences(before, worse, control_before, control_after)
    assert (result.verdict, result.reason) == (Verdict.DID_NOT_WORK, Reason.BELOW_SMALLEST_CHANGE)
    small = difference_in_differences(before, after, control_before, control_after, smallest_change=1.0)
    assert small.ci.high < 1.0 and small.verdict == Verdict.DID_NOT_WORK


def test_each_difference_equals_scipy_welch_on_the_raw_answers():
    counts = [{2: 10, 3: 20, 4: 15}, {3: 12, 4: 25, 5: 20}, {2: 40, 3: 60, 4: 50, 5: 30}, {2: 35, 3: 70, 4: 55, 5: 40}]
    result = difference_in_differences(*map(describe, counts))
    for ours, (later, earlier) in ((result.touchpoint, (1, 0)), (result.control, (3, 2))):
        theirs = stats.ttest_ind(expand(counts[later]), expand(counts[earlier]), equal_var=False)
        assert ours.test.p_value == pytest.approx(theirs.pvalue, **TIGHT)
        assert (ours.ci.low, ours.ci.high) == pytest.approx(tuple(theirs.confidence_interval(0.95)), **TIGHT)
    assert result.estimate == pytest.approx(result.touchpoint.estimate - result.control.estimate)
    assert result.se == pytest.approx((result.touchpoint.se**2 + result.control.se**2) ** 0.5, **TIGHT)


def test_too_few_answers_after_the_change_is_too_early_to_tell():
    before, _, control_before, control_after = hand_groups()
    few = summary_from_moments(12, 4.5, 0.5)
    result = difference_in_differences(before, few, control_before, control_after)
    assert (result.verdict, result.reason) == (Verdict.TOO_EARLY, Reason.TOO_FEW_AFTER)
    assert result.ci is not None  # the figures are still shown
    none = difference_in_differences(before, describe({}), control_before, control_after)
    assert (none.verdict, none.reason, none.estimate, none.test.note) == (
        Verdict.TOO_EARLY,
        Reason.TOO_FEW_AFTER,
        None,
        Note.TOO_FEW,
    )


def test_too_few_before_or_in_the_control_is_too_early_and_says_which():
    before, after, control_before, control_after = hand_groups()
    assert difference_in_differences(describe({3: 1}), after, control_before, control_after).reason == (
        Reason.TOO_FEW_BEFORE
    )
    small_control = summary_from_moments(10, 3.5, 1.0)
    assert difference_in_differences(before, after, small_control, control_after).reason == Reason.TOO_FEW_CONTROL
    assert difference_in_differences(before, after, control_before, control_after, min_n=300).reason == (
        Reason.TOO_FEW_AFTER
    )


def test_difference_in_differences_without_any_spread_collapses_without_nan():
    fives, fours = describe({5: 40}), describe({4: 40})
    result = difference_in_differences(fours, fives, fours, fours)
    assert (result.estimate, result.se, result.ci.low, result.ci.high) == (1.0, 0.0, 1.0, 1.0)
    assert (result.verdict, result.test.note) == (Verdict.WORKED, Note.NO_SPREAD)
    assert_no_nan(result)
