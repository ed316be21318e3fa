"""The satisfied customers' level (issue 5, reference levels): experience and gap of the satisfied respondents.

A respondent is *satisfied* when the same response gave the overall CSAT question a top-2-box answer (4 or 5)
or the NPS question a promoter's answer (9 or 10); "overall" means a question without a dimension, as in
``importance``. For each group the database returns n, Σ experience, Σ experience², Σ gap and Σ gap² of
those respondents' gap answers, so ``describe_sums`` gives the mean experience and the mean gap with their
CIs. The condition looks at two answers of one response, so these sums come from the answers, not a rollup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Answer, Question
from app.services.analytics.filters import DIMENSION, Filters, GroupBy, check, segment_attributes
from app.services.analytics.sources import joined, key_columns, raw_frame
from app.services.journey import current_journey
from touchloop.stats import Summary, describe_sums
from touchloop.stats.shares import PROMOTER_FROM

CSAT_TOP_FROM = 4  # CSAT top-2-box on the 1–5 scale


@dataclass(frozen=True)
class SatisfiedLevel:
    """The satisfied respondents' mean experience and mean gap (experience − expectation) in one group."""

    experience: Summary
    gap: Summary


def satisfied_levels(
    session: Session, filters: Filters = Filters(), group_by: Sequence[GroupBy] = (DIMENSION,)
) -> dict[tuple, SatisfiedLevel]:
    """Per group, the mean experience and mean gap of the gap answers given by satisfied respondents."""
    group_by = tuple(group_by)
    check(current_journey(session) if segment_attributes(filters, group_by) else None, filters, group_by)
    frame = raw_frame(session.get_bind().dialect.name, filters, group_by)
    experience = sa.cast(Answer.value, sa.Integer)
    gap = experience - sa.cast(Answer.expected, sa.Integer)
    keys = key_columns(frame, group_by)
    sums = [sa.func.count(), *(sa.func.sum(term) for term in (experience, experience * experience, gap, gap * gap))]
    query = (
        sa.select(*keys, *sums)
        .select_from(joined(frame, group_by))
        .where(*frame.conditions, Question.type == "gap", Answer.expected.isnot(None), _satisfied())
        .group_by(*keys)
    )
    found = {}
    for row in session.execute(query):
        n, total, squares, gaps, gap_squares = row[len(keys) :]
        found[tuple(row[: len(keys)])] = SatisfiedLevel(
            describe_sums(int(n), total or 0, squares or 0), describe_sums(int(n), gaps or 0, gap_squares or 0)
        )
    return found


def _satisfied() -> sa.ColumnElement[bool]:
    """The answer's response also gave a top-2-box overall CSAT or a promoter's NPS."""
    overall = sa.alias(Answer.__table__, "overall")
    question = sa.alias(Question.__table__, "overall_question")
    return (
        sa.exists()
        .where(overall.c.response_id == Answer.response_id, question.c.id == overall.c.question_id)
        .where(question.c.dimension_id.is_(None))
        .where(
            sa.or_(
                sa.and_(question.c.type == "csat", overall.c.value >= CSAT_TOP_FROM),
                sa.and_(question.c.type == "nps", overall.c.value >= PROMOTER_FROM),
            )
        )
    )
