"""Aggregation in the database (issue 5): the statistics core's inputs per group, from SQL GROUP BYs.

Python receives count tables and sums, never answer rows. ``Filters`` (period, touchpoints, channels,
segment values) mean the same in every function; ``group_by`` takes ``TOUCHPOINT``, ``STAGE``,
``DIMENSION``, ``QUESTION``, ``CHANNEL``, ``MONTH``, ``TYPE`` and ``Segment(attribute)``. Counts come
from the rollup tables when they can answer exactly (``sources``), else from the answers themselves.
"""

from app.models.rollups import AnswerDayCount, AnswerMonthSegmentCount
from app.services.analytics.counts import (
    METRICS,
    TouchpointOverview,
    count_tables,
    gap_counts,
    journey_overview,
    score_counts,
)
from app.services.analytics.filters import (
    CHANNEL,
    DIMENSION,
    MONTH,
    QUESTION,
    STAGE,
    TOUCHPOINT,
    TYPE,
    FilterError,
    Filters,
    GroupBy,
    Segment,
)
from app.services.analytics.importance import importance_sums
from app.services.analytics.reliability import EXPECTATION, EXPERIENCE, AlphaSums, alpha_sums
from app.services.analytics.rollups import (
    RollupSize,
    clear_rollups,
    count_responses,
    rebuild_rollups,
    rollup_differences,
)

__all__ = [
    "CHANNEL",
    "DIMENSION",
    "EXPECTATION",
    "EXPERIENCE",
    "METRICS",
    "MONTH",
    "QUESTION",
    "STAGE",
    "TOUCHPOINT",
    "TYPE",
    "AlphaSums",
    "AnswerDayCount",
    "AnswerMonthSegmentCount",
    "FilterError",
    "Filters",
    "GroupBy",
    "RollupSize",
    "Segment",
    "TouchpointOverview",
    "alpha_sums",
    "clear_rollups",
    "count_responses",
    "count_tables",
    "gap_counts",
    "importance_sums",
    "journey_overview",
    "rebuild_rollups",
    "rollup_differences",
    "score_counts",
]
