"""Customers and the segment snapshot each response keeps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import BigId


class Customer(db.Model):
    """A customer of the company, with the attributes segments are built from."""

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    region: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    industry: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    customer_since: Mapped[date | None]
    annual_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    tier: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    lifecycle: Mapped[str | None] = mapped_column(sa.String(40), index=True)


class ResponseSegment(db.Model):
    """A customer's segment value as it was when they answered (never rewritten).

    One row per (response, attribute), so any configured attribute can be
    grouped and filtered on in SQL.
    """

    __table_args__ = (sa.Index("ix_response_segment_attribute_value", "attribute", "value"),)

    response_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    attribute: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(40))
