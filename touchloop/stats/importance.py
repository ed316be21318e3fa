"""Importance–performance analysis (Martilla & James 1977) with importance derived from correlations.

**Importance** of an item is its Pearson correlation with overall satisfaction (or NPS) over the customers
who answered both — "derived importance": what moves the overall judgement, rather than what customers say
matters. From ``PairSums`` (Pearson 1896):
r = (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²)), its test t = r√((n − 2)/(1 − r²)) on n − 2 df (the
p of ``scipy.stats.pearsonr``), and the Fisher-z interval tanh(atanh r ± z/√(n − 3)) (Fisher 1921; the
default of ``pearsonr(...).confidence_interval()``). r is None when either variable has no spread.

**Performance** of an item is its mean score.

**Crosshair rule.** The quadrant lines sit at the *mean importance and mean performance of the items* that
are large enough to trust (data-centred crosshairs, Bacon 2003). Scale midpoints do not work for derived
importance: correlations of satisfaction items bunch together (say 0.3–0.7), so a midpoint of 0 would call
every item important. An item exactly on a line counts as high on that axis. Quadrants:

- high importance, low performance: **concentrate here**;
- high importance, high performance: **keep up the good work**;
- low importance, low performance: **low priority**;
- low importance, high performance: **possible overkill**.

Too-small items are placed, flagged, but do not move the crosshairs; items without both figures get no quadrant.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

from touchloop.stats.inference import (
    CONFIDENCE,
    MIN_N,
    NO_SPREAD,
    NOT_ENOUGH,
    Interval,
    Significance,
    normal_quantile,
    t_test,
)
from touchloop.stats.summary import Summary
from touchloop.stats.tables import PairSums, exact


class Quadrant(enum.StrEnum):
    """Where an item falls in the importance–performance grid."""

    CONCENTRATE_HERE = "concentrate_here"
    KEEP_UP_THE_GOOD_WORK = "keep_up_the_good_work"
    LOW_PRIORITY = "low_priority"
    POSSIBLE_OVERKILL = "possible_overkill"


@dataclass(frozen=True)
class Correlation:
    """Pearson r over n pairs, its Fisher-z interval and its t-test."""

    n: int
    r: float | None
    ci: Interval | None
    test: Significance
    too_small: bool


@dataclass(frozen=True)
class ItemPosition:
    """One item's importance (a correlation) and performance (a mean), placed in a quadrant when both are known."""

    name: str
    importance: float | None
    performance: float | None
    too_small: bool = False
    quadrant: Quadrant | None = None


@dataclass(frozen=True)
class ImportancePerformance:
    """The crosshairs (None when no trusted item has both figures) and every item with its quadrant."""

    importance_line: float | None
    performance_line: float | None
    items: tuple[ItemPosition, ...]


def pearson(sums: PairSums, *, confidence: float = CONFIDENCE, min_n: int = MIN_N) -> Correlation:
    """Pearson r from the six pair sums, with the Fisher-z CI (n ≥ 4) and the t-test of r = 0 (n ≥ 3)."""
    n = int(sums.n)
    sum_x, sum_y, sum_xx, sum_yy, sum_xy = map(exact, (sums.sum_x, sums.sum_y, sums.sum_xx, sums.sum_yy, sums.sum_xy))
    spread_x, spread_y = n * sum_xx - sum_x * sum_x, n * sum_yy - sum_y * sum_y
    if n < 2:
        return Correlation(n, None, None, NOT_ENOUGH, n < min_n)
    if spread_x <= 0 or spread_y <= 0:
        return Correlation(n, None, None, NO_SPREAD, n < min_n)
    r = (n * sum_xy - sum_x * sum_y) / math.sqrt(spread_x * spread_y)
    r = min(max(float(r), -1.0), 1.0)
    return Correlation(n, r, _fisher_interval(r, n, confidence), _correlation_test(r, n), n < min_n)


def _fisher_interval(r: float, n: int, confidence: float) -> Interval | None:
    """tanh(atanh(r) ± z/√(n − 3)); a perfect correlation gives the point interval [r, r]."""
    if n < 4:
        return None
    if abs(r) == 1:
        return Interval(r, r)
    half = normal_quantile(confidence) / math.sqrt(n - 3)
    centre = math.atanh(r)
    return Interval(math.tanh(centre - half), math.tanh(centre + half))


def _correlation_test(r: float, n: int) -> Significance:
    """t = r√((n − 2)/(1 − r²)) on n − 2 df; a perfect correlation has p = 0 (as SciPy reports)."""
    if n < 3:
        return NOT_ENOUGH
    if abs(r) == 1:
        return Significance(None, 0.0, n - 2)
    return t_test(r * math.sqrt(n - 2), math.sqrt(1 - r * r), n - 2)


def item_position(name: str, importance: Correlation, performance: Summary) -> ItemPosition:
    """An item from its correlation with the overall score and the summary of its own score."""
    return ItemPosition(name, importance.r, performance.mean, importance.too_small or performance.too_small)


def importance_performance(items: Sequence[ItemPosition]) -> ImportancePerformance:
    """Crosshairs at the trusted items' mean importance and mean performance; each item in its quadrant."""
    known = [item for item in items if item.importance is not None and item.performance is not None]
    trusted = [item for item in known if not item.too_small]
    if not trusted:
        return ImportancePerformance(None, None, tuple(_placed(item, None) for item in items))
    lines = (
        math.fsum(item.importance for item in trusted) / len(trusted),
        math.fsum(item.performance for item in trusted) / len(trusted),
    )
    return ImportancePerformance(*lines, tuple(_placed(item, lines) for item in items))


def _placed(item: ItemPosition, lines: tuple[float, float] | None) -> ItemPosition:
    """The item with its quadrant relative to the crosshairs (None without crosshairs or figures)."""
    if lines is None or item.importance is None or item.performance is None:
        return ItemPosition(item.name, item.importance, item.performance, item.too_small, None)
    important, performing = item.importance >= lines[0], item.performance >= lines[1]
    if important:
        quadrant = Quadrant.KEEP_UP_THE_GOOD_WORK if performing else Quadrant.CONCENTRATE_HERE
    else:
        quadrant = Quadrant.POSSIBLE_OVERKILL if performing else Quadrant.LOW_PRIORITY
    return ItemPosition(item.name, item.importance, item.performance, item.too_small, quadrant)
