"""Personal invitations to answer a survey, sent in batches to a segment."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.customer import Customer
from app.models.survey import Survey
from app.models.types import utcnow


class InvitationBatch(db.Model):
    """Invitations to one survey for the customers matching a segment filter."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id"))
    segment_filter: Mapped[dict] = mapped_column(sa.JSON)  # attribute -> list of values
    reminder_after_days: Mapped[int | None]
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    survey: Mapped[Survey] = relationship()


class Invitation(db.Model):
    """One customer's personal link to one survey; it can yield one response only."""

    __table_args__ = (sa.Index("ix_invitation_customer_created", "customer_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True)  # random; signed into the link
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invitation_batch.id"), index=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customer.id"))
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    opened_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    customer: Mapped[Customer] = relationship()
    survey: Mapped[Survey] = relationship()
    batch: Mapped[InvitationBatch | None] = relationship()
