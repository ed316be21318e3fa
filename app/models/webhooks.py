"""Webhooks: subscriptions, the outbox of events, one delivery per event and subscription, and each attempt.

An event and its deliveries are written in the transaction of the change they tell of, so a rolled-back
change sends nothing and a committed one cannot be lost while the app or the receiver is down. ``flask loop
deliver`` claims due deliveries (a lease in ``claimed_until``, so a worker that dies lets go by itself) and
records every attempt. Deleting a subscription deletes its deliveries and attempts (done by the service,
as SQLite does not enforce ON DELETE).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.people import User
from app.models.types import BigId, utcnow


class DeliveryState(enum.StrEnum):
    """Where a delivery stands: still to send (or to retry), received by the endpoint, or given up."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookSubscription(db.Model):
    """An admin's order: POST these event types to this URL, signed with this secret."""

    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    description: Mapped[str | None] = mapped_column(sa.String(200))
    # Kept readable (not hashed): every delivery is signed with it, and the admin may look it up again.
    secret: Mapped[str] = mapped_column(sa.String(100))
    events: Mapped[list] = mapped_column(sa.JSON)  # event types, e.g. ["response.created"]
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    created_by: Mapped[User | None] = relationship()


class WebhookEvent(db.Model):
    """One thing that happened, as sent: its type, JSON payload and a public id receivers de-duplicate on."""

    __tablename__ = "webhook_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(36), unique=True)  # the Touchloop-Event-Id header
    type: Mapped[str] = mapped_column(sa.String(40))
    payload: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)


class WebhookDelivery(db.Model):
    """One event for one subscription: attempts so far, when to try next, and how the last try went."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.UniqueConstraint("subscription_id", "event_id"),
        sa.Index("ix_webhook_delivery_state_next_attempt_at", "state", "next_attempt_at"),  # what is due
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_subscription.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("webhook_event.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(sa.String(10), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)  # since it was created or last retried by an admin
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    claim_token: Mapped[str | None] = mapped_column(sa.String(32))
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    event: Mapped[WebhookEvent] = relationship()
    subscription: Mapped[WebhookSubscription] = relationship()


class WebhookAttempt(db.Model):
    """One POST of a delivery: when, how long, the status it got or the error that stopped it."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        BigId, sa.ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    duration_ms: Mapped[int]
    status: Mapped[int | None]  # the HTTP status, None when no answer came (refused, timed out, ...)
    error: Mapped[str | None] = mapped_column(sa.String(500))
    succeeded: Mapped[bool]
