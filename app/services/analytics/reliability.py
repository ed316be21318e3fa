"""What Cronbach's alpha needs per touchpoint and dimension, from SQL sums over complete responses.

The items of a dimension at a touchpoint are its numeric questions with that dimension, told apart by
question code (so the versions of one survey pool). Experience side: every such question's score (for a
gap question, the experience); expectation side: the expectations of its gap questions. Only responses
that answered every item of the side count (listwise deletion, as ``cronbach_alpha_of_matrix`` does).
Items keep their own scales (unstandardised alpha). Needs the answers of one response together, so it
reads the answers, not a rollup.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Answer, Question
from app.services.analytics.filters import Filters, check
from app.services.analytics.sources import joined, raw_frame
from app.services.journey import current_journey
from touchloop.stats.tables import exact

EXPERIENCE, EXPECTATION = "experience", "expectation"


@dataclass(frozen=True)
class AlphaSums:
    """n complete responses, per item (question code) Σx and Σx², and ΣT, ΣT² of each response's total."""

    touchpoint_id: int
    dimension_id: int
    side: str
    n: int
    items: tuple[str, ...]
    item_sums: tuple[int | float, ...]
    item_sums_sq: tuple[int | float, ...]
    total_sum: int | float
    total_sum_sq: int | float


def alpha_sums(session: Session, filters: Filters = Filters(), side: str = EXPERIENCE) -> list[AlphaSums]:
    """AlphaSums per (touchpoint, dimension) for the ``side`` items, ordered by touchpoint and dimension id."""
    if side not in (EXPERIENCE, EXPECTATION):
        raise ValueError(f"side must be '{EXPERIENCE}' or '{EXPECTATION}', not '{side}'")
    check(current_journey(session) if filters.segments else None, filters, ())
    items = _items(session, filters, side)
    complete = _complete(items)
    per_item = (
        sa.select(items.c.tp, items.c.dim, items.c.code, sa.func.sum(items.c.x), sa.func.sum(items.c.x * items.c.x))
        .join(
            complete,
            sa.and_(
                complete.c.response_id == items.c.response_id,
                complete.c.tp == items.c.tp,
                complete.c.dim == items.c.dim,
            ),
        )
        .group_by(items.c.tp, items.c.dim, items.c.code)
        .order_by(items.c.tp, items.c.dim, items.c.code)
    )
    total, squares = sa.func.sum(complete.c.t), sa.func.sum(complete.c.t * complete.c.t)
    totals = sa.select(complete.c.tp, complete.c.dim, sa.func.count(), total, squares).group_by(
        complete.c.tp, complete.c.dim
    )
    return _collect(session.execute(per_item).all(), session.execute(totals).all(), side)


def _complete(items: sa.CTE) -> sa.CTE:
    """Per response and (touchpoint, dimension) that answered every item there: its total score ``t``."""
    per_response = (
        sa.select(items.c.response_id, items.c.tp, items.c.dim, sa.func.count().label("k"))
        .add_columns(sa.func.sum(items.c.x).label("t"))
        .group_by(items.c.response_id, items.c.tp, items.c.dim)
        .cte("per_response")
    )
    item_count = (
        sa.select(items.c.tp, items.c.dim, sa.func.count(sa.distinct(items.c.code)).label("k"))
        .group_by(items.c.tp, items.c.dim)
        .cte("item_count")
    )
    return (
        sa.select(per_response)
        .join(item_count, sa.and_(item_count.c.tp == per_response.c.tp, item_count.c.dim == per_response.c.dim))
        .where(per_response.c.k == item_count.c.k)
        .cte("complete")
    )


def _items(session: Session, filters: Filters, side: str) -> sa.CTE:
    """The filtered item answers: response, touchpoint, dimension, question code and score."""
    frame = raw_frame(session.get_bind().dialect.name, filters, ())
    score = Answer.value if side == EXPERIENCE else Answer.expected
    types = ("rating", "csat", "ces", "gap") if side == EXPERIENCE else ("gap",)
    return (
        sa.select(
            Answer.response_id,
            frame.touchpoint.label("tp"),
            Question.dimension_id.label("dim"),
            Question.code.label("code"),
            sa.cast(score, sa.Integer).label("x"),
        )
        .select_from(joined(frame, ()))
        .where(*frame.conditions, score.isnot(None), Question.type.in_(types), Question.dimension_id.isnot(None))
        .cte("items")
    )


def _collect(per_item: list, totals: list, side: str) -> list[AlphaSums]:
    """One AlphaSums per (touchpoint, dimension) from the per-item and total rows."""
    items: dict[tuple[int, int], list] = {}
    for tp, dim, code, total, squares in per_item:
        items.setdefault((tp, dim), []).append((code, exact(total), exact(squares)))
    found = []
    for tp, dim, n, total, squares in sorted(totals, key=lambda row: (row[0], row[1])):
        mine = items.get((tp, dim), [])
        found.append(
            AlphaSums(
                tp,
                dim,
                side,
                int(n),
                tuple(code for code, _, _ in mine),
                tuple(total for _, total, _ in mine),
                tuple(squares for _, _, squares in mine),
                exact(total),
                exact(squares),
            )
        )
    return found
