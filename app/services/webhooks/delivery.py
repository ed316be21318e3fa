"""Delivering the outbox: which deliveries are due, claiming one under a lease, and recording each attempt.

A claim is a conditional UPDATE (still pending, due, and not claimed by a live lease): of two ``loop deliver``
runs only one wins each delivery, on SQLite and PostgreSQL alike. The lease lets a run that dies mid-delivery
go: once ``claimed_until`` passes, the next run claims the delivery again, so an event is delivered at least
once; receivers de-duplicate on the event id. The caller commits after each step, and holds no transaction
open while it waits for a receiver.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEvent, WebhookSubscription
from app.services.webhooks.outbox import event_body
from app.services.webhooks.sender import ERROR_LIMIT, Outcome
from touchloop.webhooks import RetryPolicy, signature

USER_AGENT = "Touchloop-Webhooks/1"


@dataclass(frozen=True)
class Claim:
    """A delivery this run holds: what to send where, and the token that proves the lease is still ours."""

    delivery_id: int
    token: str
    url: str
    body: bytes
    event_uid: str
    event_type: str
    secret: str

    def headers(self, timestamp: int) -> dict[str, str]:
        """The request headers, signed at ``timestamp`` (Unix seconds, the real clock)."""
        return {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "Touchloop-Event-Id": self.event_uid,
            "Touchloop-Event-Type": self.event_type,
            "Touchloop-Delivery-Id": str(self.delivery_id),
            "Touchloop-Timestamp": str(timestamp),
            "Touchloop-Signature": signature(self.secret, timestamp, self.body),
        }


def lease_for(policy: RetryPolicy) -> timedelta:
    """How long a claim holds: well past one attempt's timeout, so a live run is never overtaken."""
    return timedelta(seconds=policy.timeout_seconds * 3 + 30)


def due_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Pending deliveries of active subscriptions that are due and not held by a live claim, oldest first."""
    query = (
        sa.select(WebhookDelivery.id)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(WebhookSubscription.active.is_(True), *_claimable(now))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def _claimable(now: datetime) -> list[sa.ColumnElement[bool]]:
    """The conditions under which a delivery may be claimed at ``now``."""
    return [
        WebhookDelivery.state == DeliveryState.PENDING,
        WebhookDelivery.next_attempt_at <= now,
        sa.or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now),
    ]


def claim(session: Session, delivery_id: int, now: datetime, lease: timedelta) -> Claim | None:
    """Hold ``delivery_id`` until ``now + lease``; None if another run has it, it is not due, or its hook is off."""
    token = uuid.uuid4().hex
    active = sa.select(WebhookSubscription.id).where(WebhookSubscription.active.is_(True))
    taken = session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.subscription_id.in_(active), *_claimable(now))
        .values(claimed_until=now + lease, claim_token=token)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    row = session.execute(
        sa.select(WebhookSubscription.url, WebhookSubscription.secret, WebhookEvent)
        .join(WebhookDelivery, WebhookDelivery.subscription_id == WebhookSubscription.id)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.id == delivery_id)
    ).one()
    url, secret, event = row
    return Claim(delivery_id, token, url, event_body(event), event.uid, event.type, secret)


def record(
    session: Session, claimed: Claim, outcome: Outcome, *, started: datetime, now: datetime, policy: RetryPolicy
) -> str | None:
    """Log the attempt and move the delivery on: delivered, due again after a backoff, or failed; its new state.

    None when the delivery was deleted meanwhile (its subscription was removed): there is nothing to log to.
    """
    delivery = session.get(WebhookDelivery, claimed.delivery_id, populate_existing=True)
    if delivery is None:
        return None
    error = outcome.error[:ERROR_LIMIT] if outcome.error else None
    session.add(
        WebhookAttempt(
            delivery_id=claimed.delivery_id,
            started_at=started,
            duration_ms=outcome.duration_ms,
            status=outcome.status,
            error=error,
            succeeded=outcome.succeeded,
        )
    )
    if delivery.claim_token != claimed.token:
        # The lease ran out and another run took the delivery over: that run moves it on.
        return delivery.state
    delivery.attempts += 1
    delivery.last_status, delivery.last_error = outcome.status, error
    delivery.claimed_until = delivery.claim_token = None
    if outcome.succeeded:
        delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, now
    else:
        delay = policy.delay_after(delivery.attempts)
        if delay is None:
            delivery.state = DeliveryState.FAILED
        else:
            delivery.next_attempt_at = now + delay
    session.flush()
    return delivery.state


def unix_time() -> int:
    """The real clock in Unix seconds, for the signature timestamp (receivers compare it with their clock)."""
    return int(time.time())
