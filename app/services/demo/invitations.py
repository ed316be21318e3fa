"""Demo invitation batches whose answers are the demo's own e-mail responses."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Invitation, Response
from app.services.invitations import create_batch
from touchloop.journey import Journey

DEMO_BATCHES = [
    ("after-sales-service", {"tier": ["A"]}, "售后回访 · A 类客户", 40),
    ("delivery-installation", {"region": ["west", "central"]}, "安装回访 · 华中与西部", 25),
]


def make_demo_batches(session: Session, journey: Journey, now: datetime) -> int:
    """Create the demo batches as if sent weeks ago; link the invited customers' later e-mail responses."""
    invited = 0
    for slug, segment_filter, name, days_ago in DEMO_BATCHES:
        sent = now - timedelta(days=days_ago)
        result = create_batch(
            session,
            survey_slug=slug,
            segment_filter=segment_filter,
            name=name,
            created_by_id=None,
            now=sent,
            journey=journey,
        )
        if result.batch_id is None:
            continue
        invited += result.created
        # Sent weeks ago and reminded when due, so the first `flask loop remind` has nothing old to send.
        reminded = sent + timedelta(days=journey.contact.reminder_after_days)
        session.execute(
            sa.update(Invitation)
            .where(Invitation.batch_id == result.batch_id)
            .values(sent_at=sent, reminded_at=reminded)
        )
        _link_answers(session, result.batch_id, sent)
    return invited


def _link_answers(session: Session, batch_id: int, sent: datetime) -> None:
    """Each invitation takes its customer's first e-mail response to that survey after it was sent."""
    invitations = session.execute(
        sa.select(Invitation.id, Invitation.customer_id, Invitation.survey_id).where(Invitation.batch_id == batch_id)
    ).all()
    for invitation_id, customer_id, survey_id in invitations:
        response = session.scalar(
            sa.select(Response)
            .where(
                Response.customer_id == customer_id,
                Response.survey_id == survey_id,
                Response.channel == "email",
                Response.invitation_id.is_(None),
                Response.submitted_at >= sent,
            )
            .order_by(Response.submitted_at)
            .limit(1)
        )
        if response is not None:
            response.invitation_id = invitation_id
            session.execute(
                sa.update(Invitation)
                .where(Invitation.id == invitation_id)
                .values(opened_at=response.started_at or response.submitted_at)
            )
    session.flush()
