"""The rule the report proposes next targets by: one confidence-interval step up, never past the next level.

For a figure that rests on enough answers (n ≥ MIN_N, with a CI):

1. **Step.** The proposal is the upper end of the estimate's 95% CI (the estimate plus the CI's half-width).
   That is the smallest rise the next period's data can tell apart from this period's at a similar n: a
   smaller target could be "met" by chance, a much larger one is a wish, not a plan.
2. **Ceiling.** The proposal never passes the next level up that is known for the same metric and place:
   the industry level, the customers' ideal level, and — for a gap — 0 (expectations met; a gap above 0
   exceeds them). Of these, the lowest one above the estimate caps the step, and the reason names it.
3. **Nothing to propose** when the estimate already reaches the ideal level.
4. **Too few answers** (n < MIN_N or no CI): no number; the report asks for more answers first.

A step is rounded up (NPS and CSAT to whole points, gaps to hundredths), so it is never below the upper
end of the CI; a ceiling is kept as it was set.
"""

from __future__ import annotations

import math

from touchloop.charts import Estimate
from touchloop.report.model import Proposal

STEP = "step"
INDUSTRY = "industry"
IDEAL = "ideal"
EXPECTATIONS_MET = "expectations_met"
TOO_FEW = "too_few"
DECIMALS = {"nps": 0, "csat": 0, "gap": 2}


def propose(
    kind: str,
    label: str,
    figure: Estimate,
    *,
    industry: float | None = None,
    ideal: float | None = None,
    current_target: float | None = None,
) -> Proposal | None:
    """The next target for ``figure`` (kind "nps", "csat" or "gap") by the rule above; None at the ideal level."""
    if figure.shown is None or figure.interval is None or figure.too_small:
        return Proposal(kind, label, figure, current_target, None, TOO_FEW)
    value = figure.shown
    if ideal is not None and value >= ideal:
        return None
    levels = [(industry, INDUSTRY), (ideal, IDEAL)] + ([(0.0, EXPECTATIONS_MET)] if kind == "gap" else [])
    above = sorted((level, reason) for level, reason in levels if level is not None and level > value)
    decimals = DECIMALS.get(kind, 2)
    step = _rounded_up(figure.interval[1], decimals)
    if above and above[0][0] < step:
        return Proposal(kind, label, figure, current_target, above[0][0], above[0][1])
    return Proposal(kind, label, figure, current_target, step, STEP)


def _rounded_up(value: float, decimals: int) -> float:
    """``value`` rounded up to ``decimals`` places (a hair of float noise is not a step)."""
    factor = 10**decimals
    return math.ceil(round(value * factor, 6)) / factor
