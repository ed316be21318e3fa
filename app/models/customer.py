"""Customers and the segment snapshot each response keeps."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import BigId, utcnow


class Customer(db.Model):
    """A customer of the company, with the attributes segments are built from.

    ``tier`` and ``lifecycle`` are the effective values: the ones given in the
    imported data (``tier_given``, ``lifecycle_given``) win over computed ones.
    """

    # The customer list pages through (name, id) with a keyset, so every page is an index range.
    __table_args__ = (sa.Index("ix_customer_name_id", "name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    region: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    industry: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    customer_since: Mapped[date | None]
    last_purchase: Mapped[date | None]
    annual_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    tier: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    tier_given: Mapped[str | None] = mapped_column(sa.String(40))
    lifecycle: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    lifecycle_given: Mapped[str | None] = mapped_column(sa.String(40))
    extra: Mapped[dict | None] = mapped_column(sa.JSON)  # further segment attributes of journey.yaml
    # E-mail of the customer representative who looks after this customer (from the import).
    representative: Mapped[str | None] = mapped_column(sa.String(254))
    opted_out_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Set when the customer's personal data was erased on request: the row stays as an anonymous tombstone.
    erased_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ResponseSegment(db.Model):
    """A customer's segment value as it was when they answered (never rewritten).

    One row per (response, attribute), so any configured attribute can be
    grouped and filtered on in SQL.
    """

    __table_args__ = (sa.Index("ix_response_segment_attribute_value", "attribute", "value"),)

    response_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    attribute: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(40))
