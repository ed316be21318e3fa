"""Importance–performance of the questions asked at a touchpoint (or along the journey).

Importance is *derived*: an item's Pearson correlation with the overall score of the same response (CSAT or
NPS), from the pair sums ``app.services.analytics.importance_sums`` computes in SQL. Performance is the item's
mean among the same respondents (Σx/n of those sums, with its t-interval from Σx²), put on a common 0–100 scale
as the percentage of the question's range — (mean − lowest) / (highest − lowest) · 100 — so a 1–5 rating and a
1–7 gap item can share one axis. Gap items count with their experience value. The same question in several
survey versions is one item: its sums are added. The crosshairs and quadrants follow the rule documented in
``touchloop.stats.importance`` (mean importance and mean performance of the items with enough answers).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from app.models import Dimension
from app.services.analytics import QUESTION, Filters, importance_sums
from app.services.dashboards import QuestionDetails, names, question_details, touchpoints_in_order
from touchloop.charts import QuadrantPoint
from touchloop.stats import (
    Correlation,
    ItemPosition,
    PairSums,
    Quadrant,
    Summary,
    describe_sums,
    importance_performance,
    pearson,
)

OUTCOMES = ("csat", "nps")


@dataclass(frozen=True)
class Item:
    """One question: where it is asked, its importance (r with CI) and performance (mean, and % of its scale)."""

    label: str
    touchpoint: str
    dimension: str
    correlation: Correlation
    performance: Summary
    scale: tuple[int, int] | None
    percent: float | None
    quadrant: Quadrant | None

    @property
    def too_small(self) -> bool:
        """True when the item rests on too few answers to trust."""
        return self.correlation.too_small or self.performance.too_small


@dataclass(frozen=True)
class ImportanceView:
    """Every item with its quadrant, and the crosshairs (None when no item has enough answers)."""

    items: tuple[Item, ...]
    importance_line: float | None
    performance_line: float | None

    def points(self) -> list[QuadrantPoint]:
        """The items the chart can place (both figures known), labelled by their number in the table.

        Question texts are too long to label a dozen points without clutter; the page's table keys them.
        """
        return [
            QuadrantPoint(str(number), item.percent, item.correlation.r, item.correlation.n, item.too_small)
            for number, item in enumerate(self.items, start=1)
            if item.percent is not None and item.correlation.r is not None
        ]


def importance_view(session: Session, filters: Filters, outcome: str, lang: str) -> ImportanceView:
    """The items under ``filters`` with importance (r with the ``outcome`` score) and performance, in quadrants."""
    merged, details = _merged_sums(session, filters, outcome)
    order = {touchpoint.id: (position, touchpoint) for position, touchpoint in enumerate(touchpoints_in_order(session))}
    dimensions = names(session, Dimension, lang)
    keys = sorted(merged, key=lambda key: (order[key[0]][0], details[key].position, details[key].code))
    items = []
    for key in keys:
        sums, question = merged[key], details[key]
        performance = describe_sums(sums.n, sums.sum_x, sums.sum_xx)
        touchpoint = order[key[0]][1]
        items.append(
            Item(
                label=question.text.get(lang) or next(iter(question.text.values()), question.code),
                touchpoint=touchpoint.name.get(lang) or touchpoint.code,
                dimension=dimensions.get(question.dimension_id, ""),
                correlation=pearson(sums),
                performance=performance,
                scale=question.scale,
                percent=_percent(performance.mean, question.scale),
                quadrant=None,
            )
        )
    placed = importance_performance(
        [ItemPosition(item.label, item.correlation.r, item.percent, item.too_small) for item in items]
    )
    items = [_with_quadrant(item, position.quadrant) for item, position in zip(items, placed.items)]
    return ImportanceView(tuple(items), placed.importance_line, placed.performance_line)


def _merged_sums(session: Session, filters: Filters, outcome: str) -> tuple[dict, dict]:
    """Pair sums and details per (touchpoint id, question code), added up over survey versions."""
    by_question = importance_sums(session, outcome, filters, (QUESTION,))
    details = question_details(session, [key[0] for key in by_question])
    merged: dict[tuple[int, str], PairSums] = {}
    found: dict[tuple[int, str], QuestionDetails] = {}
    for (question_id,), sums in by_question.items():
        question = details[question_id]
        key = (question.touchpoint_id, question.code)
        found.setdefault(key, question)
        merged[key] = _added(merged.get(key), sums)
    return merged, found


def _added(first: PairSums | None, second: PairSums) -> PairSums:
    """The sums of two sets of pairs together."""
    if first is None:
        return second
    return PairSums(*(getattr(first, name) + getattr(second, name) for name in PairSums.__dataclass_fields__))


def _percent(mean: float | None, scale: tuple[int, int] | None) -> float | None:
    """A mean as the percentage of its scale's range (0 at the lowest answer, 100 at the highest)."""
    if mean is None or scale is None or scale[1] <= scale[0]:
        return None
    return (mean - scale[0]) / (scale[1] - scale[0]) * 100


def _with_quadrant(item: Item, quadrant: Quadrant | None) -> Item:
    """The item placed in its quadrant."""
    return replace(item, quadrant=quadrant)
