"""Quantified targets: is a metric's target met, not met, or not yet clear, given the metric's CI?

A figure is a sample estimate, so it is judged by its confidence interval, not its point value. For a metric
where higher is better (NPS, CSAT, a mean score, a gap):

- **met** when the whole CI is at or above the target (low ≥ target);
- **not met** when the whole CI is below the target (high < target);
- **not yet clear** when the CI straddles the target (low < target ≤ high), when there is no CI (fewer than
  2 answers), or when the group is too small to trust (``too_small``): more answers are needed to say.

For a metric where lower is better (``higher_is_better=False``) the rule is mirrored: met when high ≤ target,
not met when low > target. A CI collapsed by zero spread is judged like any other (everyone answered 5 and
the target is 4.5: met).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from touchloop.stats.inference import Interval


class TargetStatus(enum.StrEnum):
    """Where a figure stands against its target."""

    MET = "met"
    NOT_MET = "not_met"
    NOT_YET_CLEAR = "not_yet_clear"


@dataclass(frozen=True)
class TargetCheck:
    """The status of an estimate (with its CI) against a target, and the estimate's distance from it."""

    status: TargetStatus
    estimate: float | None
    ci: Interval | None
    target: float
    margin: float | None  # estimate − target (target − estimate when lower is better): above 0 is good
    too_small: bool


def target_status(
    estimate: float | None,
    ci: Interval | None,
    target: float,
    *,
    higher_is_better: bool = True,
    too_small: bool = False,
) -> TargetCheck:
    """met / not met / not yet clear from where the CI lies relative to the target."""
    sign = 1 if higher_is_better else -1
    margin = None if estimate is None else sign * (estimate - target)
    status = TargetStatus.NOT_YET_CLEAR
    if ci is not None and not too_small:
        low, high = (ci.low, ci.high) if higher_is_better else (-ci.high, -ci.low)
        if low >= sign * target:
            status = TargetStatus.MET
        elif high < sign * target:
            status = TargetStatus.NOT_MET
    return TargetCheck(status, estimate, ci, target, margin, too_small)
