"""Rollup tables: answer counts kept in step with the responses, so dashboards need not scan every answer.

``AnswerDayCount`` counts the numeric answers per day (UTC), touchpoint, question, channel and score
(value, expected); it serves every aggregate without a segment. ``AnswerMonthSegmentCount`` counts the same
per month and per one segment attribute's value; it serves aggregates that involve exactly one segment
attribute over whole months. Both are written with the response (``rollups.count_responses``) and can be
rebuilt from the answers at any time (``rollups.rebuild_rollups``).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# Answers that are not gap answers have no expectation; a key column cannot be NULL, so this stands for it.
NO_EXPECTATION = -1


class AnswerDayCount(db.Model):
    """How many numeric answers gave (value, expected) to a question, per day, touchpoint and channel."""

    day: Mapped[date] = mapped_column(primary_key=True)
    touchpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("touchpoint.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    expected: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    n: Mapped[int]


class AnswerMonthSegmentCount(db.Model):
    """The same counts per month and per value of one segment attribute of the responding customer."""

    attribute: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)
    touchpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("touchpoint.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    segment: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    expected: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    n: Mapped[int]
