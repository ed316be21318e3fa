"""Did an implemented suggestion move its touchpoint's scores? Before/after with a difference-in-differences.

For a change made at touchpoint T on day d, compare T's metric in a window before d with the window after
(default 90 days each, chosen by the caller), and do the same for the rest of the journey as a control, which
catches what moved everywhere (season, a price change, the survey mix):

- each difference after − before is Welch's difference of means (``means.difference_of_means``) with its
  t-interval and test;
- DiD = (T_after − T_before) − (C_after − C_before); the four groups are independent, so
  SE = √(s²_Ta/n_Ta + s²_Tb/n_Tb + s²_Ca/n_Ca + s²_Cb/n_Cb), with Welch–Satterthwaite df over the four
  parts, CI DiD ± t(df)·SE and a two-sided t-test (the textbook DiD of four means; e.g. Wooldridge,
  *Introductory Econometrics*, ch. 13, without the equal-variance assumption).

The metric is a mean per answer: a score, or NPS/CSAT through ``shares.nps_codes`` / ``shares.top_box_codes``.
Higher is better. **Verdict**, in this order:

1. **too early to tell** when T has fewer than ``min_n`` answers after the change (reason ``too_few_after``),
   or T before or the control, in either window, has fewer than ``min_n`` (``too_few_before`` /
   ``too_few_control``);
2. **did not work** when the whole DiD CI lies below ``smallest_change`` (default 0: T got worse relative
   to the rest of the journey; pass e.g. 0.1 to also call a change too small to matter a failure)
   (``below_smallest_change``);
3. **worked** when the whole DiD CI lies above 0 (``improved``);
4. otherwise **too early to tell**: the CI includes 0 (``ci_includes_zero``).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from touchloop.stats.inference import CONFIDENCE, MIN_N, NOT_ENOUGH, Interval, Significance, t_interval, t_test
from touchloop.stats.means import MeanDifference, difference_of_means, satterthwaite
from touchloop.stats.summary import Summary


class Verdict(enum.StrEnum):
    """What the change did to its touchpoint."""

    WORKED = "worked"
    DID_NOT_WORK = "did_not_work"
    TOO_EARLY = "too_early_to_tell"


class Reason(enum.StrEnum):
    """Why the verdict is what it is."""

    IMPROVED = "improved"
    BELOW_SMALLEST_CHANGE = "below_smallest_change"
    CI_INCLUDES_ZERO = "ci_includes_zero"
    TOO_FEW_AFTER = "too_few_after"
    TOO_FEW_BEFORE = "too_few_before"
    TOO_FEW_CONTROL = "too_few_control"


@dataclass(frozen=True)
class Impact:
    """Before/after at the touchpoint and in the control, the difference-in-differences, and the verdict."""

    touchpoint: MeanDifference
    control: MeanDifference
    estimate: float | None
    se: float | None
    df: float | None
    ci: Interval | None
    test: Significance
    verdict: Verdict
    reason: Reason


def difference_in_differences(
    before: Summary,
    after: Summary,
    control_before: Summary,
    control_after: Summary,
    *,
    confidence: float = CONFIDENCE,
    min_n: int = MIN_N,
    smallest_change: float = 0.0,
) -> Impact:
    """DiD = (after − before) − (control_after − control_before), with SE, CI, test and verdict."""
    touchpoint = difference_of_means(after, before, confidence=confidence)
    control = difference_of_means(control_after, control_before, confidence=confidence)
    groups = (after, before, control_after, control_before)
    if touchpoint.se is None or control.se is None:  # some group has fewer than 2 answers
        return _undecided(touchpoint, control, _shortage(groups, 2))
    estimate = touchpoint.estimate - control.estimate
    se = math.sqrt(touchpoint.se**2 + control.se**2)
    df = satterthwaite([(group.variance or 0.0, group.n) for group in groups])
    ci = t_interval(estimate, se, df, confidence)
    verdict, reason = _verdict(ci, groups, min_n, smallest_change)
    return Impact(touchpoint, control, estimate, se, df, ci, t_test(estimate, se, df), verdict, reason)


def _undecided(touchpoint: MeanDifference, control: MeanDifference, reason: Reason) -> Impact:
    """Too early to tell, with the point estimate when both differences have one."""
    estimate = None
    if touchpoint.estimate is not None and control.estimate is not None:
        estimate = touchpoint.estimate - control.estimate
    return Impact(touchpoint, control, estimate, None, None, None, NOT_ENOUGH, Verdict.TOO_EARLY, reason)


def _verdict(ci: Interval, groups: tuple[Summary, ...], min_n: int, smallest_change: float) -> tuple[Verdict, Reason]:
    """The verdict rule of the module docstring, applied in order."""
    if any(group.n < min_n for group in groups):
        return Verdict.TOO_EARLY, _shortage(groups, min_n)
    if ci.high < smallest_change:
        return Verdict.DID_NOT_WORK, Reason.BELOW_SMALLEST_CHANGE
    if ci.low > 0:
        return Verdict.WORKED, Reason.IMPROVED
    return Verdict.TOO_EARLY, Reason.CI_INCLUDES_ZERO


def _shortage(groups: tuple[Summary, ...], needed: int) -> Reason:
    """Which group is short of ``needed`` answers: T after first, then T before, then the control."""
    after, before = groups[0], groups[1]
    if after.n < needed:
        return Reason.TOO_FEW_AFTER
    if before.n < needed:
        return Reason.TOO_FEW_BEFORE
    return Reason.TOO_FEW_CONTROL
