"""Quantified goals and the reference levels experience is compared with.

A target says where a metric should stand at a touchpoint (or the whole journey), for a segment (or
everyone), over a period. Reference levels are the outside levels the literature compares a company's
own experience values with: the industry's and the customer's ideal (the satisfied customers' level is
computed from the responses, so it is not stored).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.journey import Dimension, Touchpoint
from app.models.types import utcnow


class Metric(enum.StrEnum):
    """What a target or reference level is about."""

    NPS = "nps"  # points, −100..100
    CSAT = "csat"  # top-2-box share in percent, 0..100
    MEAN = "mean"  # mean experience score of a dimension's items, on their scale
    GAP = "gap"  # mean gap (experience − expectation) of a dimension's gap items


class ReferenceKind(enum.StrEnum):
    """The outside levels an admin enters (the satisfied customers' level is computed)."""

    INDUSTRY = "industry"
    IDEAL = "ideal"


class Target(db.Model):
    """A goal for one metric at a touchpoint (or the journey) and segment (or everyone), for a period."""

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(sa.String(10))
    touchpoint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("touchpoint.id"), index=True)
    dimension_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dimension.id"))
    segment_attribute: Mapped[str | None] = mapped_column(sa.String(40))
    segment_value: Mapped[str | None] = mapped_column(sa.String(40))
    period_start: Mapped[date]
    period_end: Mapped[date]
    value: Mapped[float]
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    touchpoint: Mapped[Touchpoint | None] = relationship()
    dimension: Mapped[Dimension | None] = relationship()


class ReferenceLevel(db.Model):
    """The industry's or the ideal level of a metric at a touchpoint (or the journey)."""

    __table_args__ = (sa.UniqueConstraint("touchpoint_id", "dimension_id", "metric", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    metric: Mapped[str] = mapped_column(sa.String(10))
    touchpoint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("touchpoint.id"), index=True)
    dimension_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dimension.id"))
    value: Mapped[float]
    source: Mapped[str | None] = mapped_column(sa.String(200))  # where the figure comes from, e.g. a study
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    touchpoint: Mapped[Touchpoint | None] = relationship()
    dimension: Mapped[Dimension | None] = relationship()
