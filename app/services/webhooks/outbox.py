"""The outbox: an event and its deliveries, added to the transaction of the change that caused it.

Only subscriptions that are active and chose the event's type get a delivery; when none does, nothing is
written at all, so a Touchloop without webhooks pays one small query per change and stores nothing.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import DeliveryState, WebhookDelivery, WebhookEvent, WebhookSubscription
from app.models.types import utcnow
from app.services.invitation_delivery import as_utc


def emit(session: Session, event_type: str, data: dict, *, now: datetime | None = None) -> WebhookEvent | None:
    """Add an event of ``event_type`` with ``data`` and a delivery per listening subscription (None if none listens)."""
    listening = [
        subscription
        for subscription in session.scalars(
            sa.select(WebhookSubscription).where(WebhookSubscription.active.is_(True)).order_by(WebhookSubscription.id)
        )
        if event_type in (subscription.events or [])
    ]
    return _write(session, event_type, data, listening, now or utcnow())


def emit_to(session: Session, subscription: WebhookSubscription, event_type: str, data: dict) -> WebhookEvent:
    """Add an event for one subscription only, whatever it chose (an admin's test event)."""
    return _write(session, event_type, data, [subscription], utcnow())


def _write(
    session: Session, event_type: str, data: dict, subscriptions: list[WebhookSubscription], now: datetime
) -> WebhookEvent | None:
    """The event row and one pending delivery per subscription, due at once."""
    if not subscriptions:
        return None
    event = WebhookEvent(uid=str(uuid.uuid4()), type=event_type, payload=data, created_at=now)
    session.add(event)
    session.flush()
    session.execute(
        sa.insert(WebhookDelivery),
        [
            {
                "subscription_id": subscription.id,
                "event_id": event.id,
                "state": DeliveryState.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for subscription in subscriptions
        ],
    )
    return event


def event_body(event: WebhookEvent) -> bytes:
    """The JSON body POSTed for ``event``: the same bytes on every attempt."""
    envelope = {
        "id": event.uid,
        "type": event.type,
        "created_at": as_utc(event.created_at).isoformat(),
        "data": event.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
