"""Count tables per group — score -> answers, (expected, experienced) -> answers — and the journey overview.

One SQL GROUP BY per call (two when unknown segment values are derived); Python receives the counts only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Question, Stage, Touchpoint
from app.models.rollups import NO_EXPECTATION
from app.services.analytics.filters import (
    DIMENSION,
    TOUCHPOINT,
    TYPE,
    FilterError,
    Filters,
    GroupBy,
    Segment,
    check,
    segment_attributes,
)
from app.services.analytics.sources import DAY, MONTH_SEGMENT, frame_for, joined, key_columns, source_for
from app.services.journey import current_journey

METRICS = ("nps", "csat", "ces", "rating")  # question types whose answers are plain scores
GAP = "gap"

Key = tuple
Counts = dict[int, int]
PairCounts = dict[tuple[int, int], int]


@dataclass(frozen=True)
class TouchpointOverview:
    """One touchpoint of the journey overview: its NPS and CSAT count tables and gap pair counts per dimension."""

    touchpoint_id: int
    touchpoint_code: str
    stage_id: int
    stage_code: str
    nps: Mapping[int, int]
    csat: Mapping[int, int]
    gaps: Mapping[int | None, Mapping[tuple[int, int], int]]  # dimension id -> (expected, experienced) -> n


def score_counts(
    session: Session,
    metric: str,
    filters: Filters = Filters(),
    group_by: Sequence[GroupBy] = (),
    *,
    use_rollups: bool = True,
) -> dict[Key, Counts]:
    """Score -> number of answers to the ``metric`` questions ("nps", "csat", "ces", "rating"), per group.

    Keys are tuples in the order of ``group_by`` (``()`` without grouping); groups without answers are absent.
    Ratings of different scales only make sense grouped by question.
    """
    if metric not in METRICS:
        raise FilterError(f"unknown metric '{metric}' (known: {', '.join(METRICS)})")
    tables = count_tables(session, filters, group_by, (metric,), use_rollups=use_rollups)
    return {key: {value: n for (value, _), n in table.items()} for key, table in tables.items()}


def gap_counts(
    session: Session, filters: Filters = Filters(), group_by: Sequence[GroupBy] = (), *, use_rollups: bool = True
) -> dict[Key, PairCounts]:
    """(expected, experienced) -> number of gap answers, per group (e.g. per question or per dimension)."""
    tables = count_tables(session, filters, group_by, (GAP,), use_rollups=use_rollups)
    return {key: {(expected, value): n for (value, expected), n in table.items()} for key, table in tables.items()}


def journey_overview(
    session: Session, filters: Filters = Filters(), *, use_rollups: bool = True
) -> list[TouchpointOverview]:
    """Every touchpoint in journey order (or those filtered on) with NPS and CSAT counts and gap pairs per dimension."""
    group_by = (TOUCHPOINT, TYPE, DIMENSION)
    tables = count_tables(session, filters, group_by, ("nps", "csat", GAP), use_rollups=use_rollups)
    query = (
        sa.select(Touchpoint.id, Touchpoint.code, Stage.id, Stage.code)
        .join(Stage, Stage.id == Touchpoint.stage_id)
        .order_by(Stage.position, Touchpoint.position, Touchpoint.id)
    )
    if filters.touchpoint_ids:
        query = query.where(Touchpoint.id.in_(sorted(filters.touchpoint_ids)))
    overview = []
    for touchpoint_id, touchpoint_code, stage_id, stage_code in session.execute(query):
        mine = {key[1:]: table for key, table in tables.items() if key[0] == touchpoint_id}
        overview.append(
            TouchpointOverview(
                touchpoint_id,
                touchpoint_code,
                stage_id,
                stage_code,
                nps=_scores(mine, "nps"),
                csat=_scores(mine, "csat"),
                gaps={
                    dimension: {(expected, value): n for (value, expected), n in table.items()}
                    for (kind, dimension), table in mine.items()
                    if kind == GAP
                },
            )
        )
    return overview


def _scores(tables: dict[Key, dict], kind: str) -> Counts:
    """The score counts of one question type, over all dimensions."""
    merged: Counts = {}
    for (found, _), table in tables.items():
        if found == kind:
            for (value, _), n in table.items():
                merged[value] = merged.get(value, 0) + n
    return merged


def count_tables(
    session: Session,
    filters: Filters,
    group_by: Sequence[GroupBy],
    types: Sequence[str],
    *,
    use_rollups: bool = True,
) -> dict[Key, dict[tuple[int, int | None], int]]:
    """(value, expected or None) -> answers to questions of ``types``, per group, from the cheapest exact source."""
    group_by = tuple(group_by)
    check(current_journey(session) if segment_attributes(filters, group_by) else None, filters, group_by)
    dialect = session.get_bind().dialect.name
    source = source_for(filters, group_by, use_rollups=use_rollups)
    tables = _run(session, source, dialect, filters, group_by, types)
    unknown_of = [g for g in group_by if isinstance(g, Segment) and g.attribute not in filters.segment_values]
    if source == MONTH_SEGMENT and unknown_of:
        # The segment rollup only holds answers with a value; the rest is everyone minus those.
        position = group_by.index(unknown_of[0])
        everyone_by = group_by[:position] + group_by[position + 1 :]
        everyone = _run(session, DAY, dialect, filters, everyone_by, types)
        tables.update(_unknown(tables, everyone, position))
    return tables


def _run(session: Session, source: str, dialect: str, filters: Filters, group_by: tuple, types: Sequence[str]) -> dict:
    """One GROUP BY over ``source``, collected into a count table per key."""
    frame = frame_for(source, dialect, filters, group_by)
    keys = key_columns(frame, group_by)
    scores = [frame.value.label("value"), frame.expected.label("expected")]
    query = (
        sa.select(*keys, *scores, frame.weight.label("n"))
        .select_from(joined(frame, group_by))
        .where(*frame.conditions, Question.type.in_(types))
        .group_by(*keys, *scores)
    )
    tables: dict[Key, dict] = {}
    for row in session.execute(query):
        key = tuple(row[: len(keys)])
        expected = None if row.expected is None or row.expected == NO_EXPECTATION else int(row.expected)
        table = tables.setdefault(key, {})
        table[(int(row.value), expected)] = table.get((int(row.value), expected), 0) + int(row.n)
    return tables


def _unknown(known: dict[Key, dict], everyone: dict[Key, dict], position: int) -> dict[Key, dict]:
    """Per key of ``everyone``, what is left after the known segment values: the group with value None."""
    remaining = {key: dict(table) for key, table in everyone.items()}
    for key, table in known.items():
        rest = remaining.setdefault(key[:position] + key[position + 1 :], {})
        for score, n in table.items():
            rest[score] = rest.get(score, 0) - n
    unknown = {}
    for key, table in remaining.items():
        left = {score: n for score, n in table.items() if n > 0}
        if left:
            unknown[key[:position] + (None,) + key[position:]] = left
    return unknown
