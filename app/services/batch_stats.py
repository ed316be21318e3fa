"""How invitation batches fare: invited, sent, opened, answered, by segment and channel (SQL GROUP BYs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from app.models import Customer, Invitation, InvitationBatch, Response, ResponseSegment, Survey
from app.services.segments import current_value_expression, value_codes
from touchloop.journey import Journey

SMALL_SAMPLE = 30  # fewer invited than this: a rate too uncertain to compare


@dataclass(frozen=True)
class Rate:
    """Responses out of invitations for one group."""

    value: str | None
    invited: int
    responded: int

    @property
    def rate(self) -> float | None:
        """The response rate (0..1), or None when nobody was invited."""
        return self.responded / self.invited if self.invited else None

    @property
    def small(self) -> bool:
        """True when too few were invited to trust the rate."""
        return self.invited < SMALL_SAMPLE


@dataclass(frozen=True)
class BatchSummary:
    """One batch with its counts."""

    id: int
    name: str
    survey_id: int
    survey_slug: str
    created_at: datetime
    expires_at: datetime
    invited: int
    sent: int
    opened: int
    responded: int

    @property
    def overall(self) -> Rate:
        """The batch's response rate."""
        return Rate(None, self.invited, self.responded)


def batch_summaries(session: Session, *, batch_id: int | None = None, limit: int = 200) -> list[BatchSummary]:
    """The newest batches (or the one with ``batch_id``) with their counts, in one GROUP BY."""
    query = (
        sa.select(
            InvitationBatch.id,
            InvitationBatch.name,
            Survey.id.label("survey_id"),
            Survey.slug.label("survey_slug"),
            InvitationBatch.created_at,
            InvitationBatch.expires_at,
            sa.func.count(Invitation.id).label("invited"),
            sa.func.count(Invitation.sent_at).label("sent"),
            sa.func.count(Invitation.opened_at).label("opened"),
            sa.func.count(Response.id).label("responded"),
        )
        .join(Survey, Survey.id == InvitationBatch.survey_id)
        .outerjoin(Invitation, Invitation.batch_id == InvitationBatch.id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .group_by(InvitationBatch.id, Survey.id)
        .order_by(InvitationBatch.created_at.desc(), InvitationBatch.id.desc())
        .limit(limit)
    )
    if batch_id is not None:
        query = query.where(InvitationBatch.id == batch_id)
    return [BatchSummary(**row._mapping) for row in session.execute(query)]


def rates_by_segment(session: Session, batch_id: int, journey: Journey, on: date) -> dict[str, list[Rate]]:
    """Response rate per value of each segment attribute (responders by snapshot, others by current value)."""
    # Non-responders have no snapshot; their bands are computed on ``on``, the day the batch was made.
    return {attribute.code: _rates_for(session, batch_id, attribute, on) for attribute in journey.segments}


def rates_by_channel(session: Session, batch_id: int) -> list[Rate]:
    """Responses per channel, out of all the batch's invitations."""
    invited = session.scalar(sa.select(sa.func.count(Invitation.id)).where(Invitation.batch_id == batch_id)) or 0
    rows = session.execute(
        sa.select(Response.channel, sa.func.count(Response.id))
        .join(Invitation, Invitation.id == Response.invitation_id)
        .where(Invitation.batch_id == batch_id)
        .group_by(Response.channel)
        .order_by(sa.func.count(Response.id).desc(), Response.channel)
    ).all()
    return [Rate(channel, invited, count) for channel, count in rows]


def _rates_for(session: Session, batch_id: int, attribute, on: date) -> list[Rate]:
    """One attribute's rates, grouped in SQL."""
    snapshot = aliased(ResponseSegment)
    current = current_value_expression(attribute, on)
    value = snapshot.value if current is None else sa.func.coalesce(snapshot.value, current)
    # Grouped in an outer query so PostgreSQL sees the same expression (bound dates and all) once.
    inner = (
        sa.select(value.label("value"), Invitation.id.label("invitation_id"), Response.id.label("response_id"))
        .select_from(Invitation)
        .join(Customer, Customer.id == Invitation.customer_id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .outerjoin(snapshot, sa.and_(snapshot.response_id == Response.id, snapshot.attribute == attribute.code))
        .where(Invitation.batch_id == batch_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(inner.c.value, sa.func.count(inner.c.invitation_id), sa.func.count(inner.c.response_id)).group_by(
            inner.c.value
        )
    ).all()
    rates = [Rate(None if v is None else str(v), invited, responded) for v, invited, responded in rows]
    order = value_codes(attribute)
    return sorted(
        rates, key=lambda r: (r.value is None, order.index(r.value) if r.value in order else len(order), r.value or "")
    )
