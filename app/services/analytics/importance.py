"""Pair sums of each item against the overall score given in the same response, for importance (correlation).

An item is a numeric question with a dimension (for a gap question, its experience value); the overall
score is the response's answer to a question of type ``outcome`` without a dimension ("csat": overall
satisfaction, "nps": likelihood to recommend). A survey is expected to ask one such question; if it asks
several, each pairs with every item. These sums need both answers of one response, so they come from the
answers themselves, not from a rollup; narrow them with filters (a touchpoint, a period) on large data.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Answer, Question
from app.services.analytics.filters import QUESTION, FilterError, Filters, GroupBy, check, segment_attributes
from app.services.analytics.sources import joined, key_columns, raw_frame
from app.services.journey import current_journey
from touchloop.stats.tables import PairSums, exact

ITEM_TYPES = ("rating", "csat", "ces", "gap")
OUTCOMES = ("csat", "nps")


def importance_sums(
    session: Session, outcome: str = "csat", filters: Filters = Filters(), group_by: Sequence[GroupBy] = (QUESTION,)
) -> dict[tuple, PairSums]:
    """PairSums (x: item score, y: overall ``outcome`` score of the same response) per group, by question by default."""
    if outcome not in OUTCOMES:
        raise FilterError(f"unknown overall score '{outcome}' (known: {', '.join(OUTCOMES)})")
    group_by = tuple(group_by)
    check(current_journey(session) if segment_attributes(filters, group_by) else None, filters, group_by)
    frame = raw_frame(session.get_bind().dialect.name, filters, group_by)
    overall = sa.alias(Answer.__table__, "overall")
    x, y = sa.cast(Answer.value, sa.Integer), sa.cast(overall.c.value, sa.Integer)
    keys = key_columns(frame, group_by)
    sums = [sa.func.count(), *(sa.func.sum(term) for term in (x, y, x * x, y * y, x * y))]
    query = (
        sa.select(*keys, *sums)
        .select_from(_with_overall(joined(frame, group_by), overall, outcome))
        .where(
            *frame.conditions,
            Question.type.in_(ITEM_TYPES),
            Question.dimension_id.isnot(None),
            overall.c.value.isnot(None),
        )
        .group_by(*keys)
    )
    return {
        tuple(row[: len(keys)]): PairSums(int(row[len(keys)]), *(exact(total) for total in row[len(keys) + 1 :]))
        for row in session.execute(query)
    }


def _with_overall(from_: sa.FromClause, overall: sa.Alias, outcome: str) -> sa.FromClause:
    """Join each item answer to the answers of its response to a dimension-less ``outcome`` question."""
    overall_question = sa.alias(Question.__table__, "overall_question")
    return from_.join(overall, overall.c.response_id == Answer.response_id).join(
        overall_question,
        sa.and_(
            overall_question.c.id == overall.c.question_id,
            overall_question.c.type == outcome,
            overall_question.c.dimension_id.is_(None),
        ),
    )
