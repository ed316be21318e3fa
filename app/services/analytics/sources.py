"""Where answer counts are read from: the answers themselves, or a rollup table holding the same counts.

Each source is a ``Frame``: a FROM clause plus the columns and conditions the aggregate queries are built
from, so one query builder serves all three and the filters mean the same everywhere.

- ``day``: ``answer_day_count``; any period, touchpoints and channels, no segment attribute.
- ``month``: ``answer_month_segment_count``; exactly one segment attribute (filtered and/or grouped on),
  over whole months.
- ``raw``: answer ⋈ response (⋈ response_segment once per attribute); anything, at the cost of a scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from app.models import Answer, Question, Response, ResponseSegment, Touchpoint
from app.models.rollups import AnswerDayCount, AnswerMonthSegmentCount
from app.services.analytics.filters import (
    CHANNEL,
    DIMENSION,
    MONTH,
    QUESTION,
    STAGE,
    TOUCHPOINT,
    TYPE,
    Filters,
    GroupBy,
    Segment,
    segment_attributes,
)

RAW, DAY, MONTH_SEGMENT = "raw", "day", "month"


@dataclass(frozen=True)
class Frame:
    """One source of answer counts, as columns and conditions."""

    name: str
    from_: sa.FromClause
    touchpoint: sa.ColumnElement
    question: sa.ColumnElement
    channel: sa.ColumnElement
    month: sa.ColumnElement
    value: sa.ColumnElement
    expected: sa.ColumnElement
    weight: sa.ColumnElement  # how many answers one row stands for, summed
    conditions: tuple[sa.ColumnElement, ...]
    segments: dict[str, sa.ColumnElement] = field(default_factory=dict)  # attribute -> its value column


def utc_day(column: sa.ColumnElement, dialect: str) -> sa.ColumnElement:
    """The UTC calendar day of a timestamp column."""
    if dialect == "postgresql":
        return sa.cast(sa.func.timezone("UTC", column), sa.Date)
    return sa.type_coerce(sa.func.date(column), sa.Date)


def month_start(column: sa.ColumnElement, dialect: str, *, timestamp: bool) -> sa.ColumnElement:
    """The first day of the month of a timestamp (taken in UTC) or date column."""
    if dialect == "postgresql":
        plain = sa.func.timezone("UTC", column) if timestamp else sa.cast(column, sa.DateTime)
        return sa.cast(sa.func.date_trunc("month", plain), sa.Date)
    return sa.type_coerce(sa.func.date(column, "start of month"), sa.Date)


def source_for(filters: Filters, group_by: Sequence[GroupBy], *, use_rollups: bool = True) -> str:
    """The cheapest source that can answer exactly: day rollup, month-by-segment rollup, or the raw answers."""
    involved = segment_attributes(filters, group_by)
    if not use_rollups:
        return RAW
    if not involved:
        return DAY
    if len(involved) == 1 and filters.whole_months:
        return MONTH_SEGMENT
    return RAW


def frame_for(source: str, dialect: str, filters: Filters, group_by: Sequence[GroupBy]) -> Frame:
    """The frame of ``source`` with ``filters`` applied."""
    if source == DAY:
        return day_frame(dialect, filters)
    if source == MONTH_SEGMENT:
        (attribute,) = segment_attributes(filters, group_by)
        return month_frame(filters, attribute)
    return raw_frame(dialect, filters, group_by)


def raw_frame(dialect: str, filters: Filters, group_by: Sequence[GroupBy]) -> Frame:
    """answer ⋈ response, joined to one response_segment per involved attribute (outer when only grouped on)."""
    from_ = sa.join(Answer, Response, Response.id == Answer.response_id)
    conditions = [Answer.value.isnot(None), *_common(filters, Response.touchpoint_id, Response.channel)]
    if filters.start:
        conditions.append(Response.submitted_at >= datetime.combine(filters.start, time(), timezone.utc))
    if filters.end:
        conditions.append(Response.submitted_at < datetime.combine(filters.end + timedelta(1), time(), timezone.utc))
    wanted = filters.segment_values
    segments = {}
    for number, attribute in enumerate(sorted(segment_attributes(filters, group_by))):
        snapshot = sa.alias(ResponseSegment.__table__, f"segment_{number}")
        on = sa.and_(snapshot.c.response_id == Response.id, snapshot.c.attribute == attribute)
        if attribute in wanted:
            from_ = from_.join(snapshot, sa.and_(on, snapshot.c.value.in_(sorted(wanted[attribute]))))
        else:
            from_ = from_.outerjoin(snapshot, on)
        segments[attribute] = snapshot.c.value
    return Frame(
        RAW,
        from_,
        Response.touchpoint_id,
        Answer.question_id,
        Response.channel,
        month_start(Response.submitted_at, dialect, timestamp=True),
        Answer.value,
        Answer.expected,
        sa.func.count(),
        tuple(conditions),
        segments,
    )


def day_frame(dialect: str, filters: Filters) -> Frame:
    """The day rollup; the period is a range of days."""
    table = AnswerDayCount
    conditions = _common(filters, table.touchpoint_id, table.channel)
    if filters.start:
        conditions.append(table.day >= filters.start)
    if filters.end:
        conditions.append(table.day <= filters.end)
    month = month_start(table.day, dialect, timestamp=False)
    return Frame(
        DAY,
        table.__table__,
        table.touchpoint_id,
        table.question_id,
        table.channel,
        month,
        table.value,
        table.expected,
        sa.func.sum(table.n),
        tuple(conditions),
    )


def month_frame(filters: Filters, attribute: str) -> Frame:
    """The month-by-segment rollup, sliced to one attribute; the period must be whole months."""
    table = AnswerMonthSegmentCount
    conditions = [table.attribute == attribute, *_common(filters, table.touchpoint_id, table.channel)]
    if attribute in filters.segment_values:
        conditions.append(table.segment.in_(sorted(filters.segment_values[attribute])))
    if filters.start:
        conditions.append(table.month >= filters.start)
    if filters.end:
        conditions.append(table.month <= date(filters.end.year, filters.end.month, 1))
    return Frame(
        MONTH_SEGMENT,
        table.__table__,
        table.touchpoint_id,
        table.question_id,
        table.channel,
        table.month,
        table.value,
        table.expected,
        sa.func.sum(table.n),
        tuple(conditions),
        {attribute: table.segment},
    )


def _common(filters: Filters, touchpoint: sa.ColumnElement, channel: sa.ColumnElement) -> list[sa.ColumnElement]:
    """The touchpoint and channel conditions, on whichever columns the source has."""
    conditions = []
    if filters.touchpoint_ids:
        conditions.append(touchpoint.in_(sorted(filters.touchpoint_ids)))
    if filters.channels:
        conditions.append(channel.in_(sorted(filters.channels)))
    return conditions


def joined(frame: Frame, group_by: Sequence[GroupBy]) -> sa.FromClause:
    """The frame joined to question (always) and touchpoint (to group by stage)."""
    from_ = frame.from_.join(Question, Question.id == frame.question)
    if STAGE in group_by:
        from_ = from_.join(Touchpoint, Touchpoint.id == frame.touchpoint)
    return from_


def key_columns(frame: Frame, group_by: Sequence[GroupBy]) -> list[sa.ColumnElement]:
    """One labelled column per grouping, in order."""
    columns = {
        TOUCHPOINT: frame.touchpoint,
        STAGE: Touchpoint.stage_id,
        DIMENSION: Question.dimension_id,
        QUESTION: frame.question,
        CHANNEL: frame.channel,
        MONTH: frame.month,
        TYPE: Question.type,
    }
    keys = []
    for number, grouping in enumerate(group_by):
        column = frame.segments[grouping.attribute] if isinstance(grouping, Segment) else columns[grouping]
        keys.append(column.label(f"key_{number}"))
    return keys
