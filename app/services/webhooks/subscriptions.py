"""Subscriptions, for admins: create, switch on and off, delete, send a test event; the delivery log; retries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import DeliveryState, User, WebhookAttempt, WebhookDelivery, WebhookEvent, WebhookSubscription
from app.services.webhooks.outbox import emit_to
from app.services.webhooks.payloads import ping_data
from touchloop.refusal import Refusal
from touchloop.webhooks import EVENT_TYPES, TEST_EVENT, new_secret, url_problem

DESCRIPTION_MAX_LENGTH = 200
LOG_LIMIT = 100  # deliveries shown on a subscription's page


class SubscriptionRefused(ValueError):
    """A subscription that cannot be made as asked; ``refusal`` says why and ``field`` where."""

    def __init__(self, field: str, refusal: Refusal):
        super().__init__(str(refusal))
        self.field = field
        self.refusal = refusal


@dataclass(frozen=True)
class SubscriptionRow:
    """A subscription in the list, with how its deliveries stand."""

    subscription: WebhookSubscription
    pending: int
    failed: int
    delivered: int


@dataclass(frozen=True)
class LogLine:
    """One delivery in the log: the delivery and its event's type, public id and time."""

    delivery: WebhookDelivery
    event_type: str
    event_uid: str
    event_created_at: datetime


def create_subscription(
    session: Session, *, url: str, events: list[str], description: str | None, created_by: User
) -> WebhookSubscription:
    """Add an active subscription of ``url`` to ``events`` with a fresh secret; SubscriptionRefused if it cannot be."""
    url = (url or "").strip()
    problem = url_problem(url)
    if problem is not None:
        raise SubscriptionRefused("url", problem)
    unknown = [event for event in events if event not in EVENT_TYPES]
    if unknown:
        text = f"unknown event type {unknown[0]!r}"
        raise SubscriptionRefused("events", Refusal("webhook.unknown_event", text, {"event": unknown[0]}))
    if not events:
        raise SubscriptionRefused("events", Refusal("webhook.no_events", "choose at least one event"))
    subscription = WebhookSubscription(
        url=url,
        description=(description or "").strip()[:DESCRIPTION_MAX_LENGTH] or None,
        secret=new_secret(),
        events=[event for event in EVENT_TYPES if event in events],  # in the standard order, each once
        active=True,
        created_by_id=created_by.id,
    )
    session.add(subscription)
    session.flush()
    return subscription


def set_active(session: Session, subscription: WebhookSubscription, active: bool) -> None:
    """Switch a subscription on or off; while off it gets no new events and its pending deliveries wait."""
    subscription.active = active
    session.flush()


def delete_subscription(session: Session, subscription: WebhookSubscription) -> None:
    """Delete a subscription with its deliveries and their attempts, and the events no one else waits for."""
    deliveries = sa.select(WebhookDelivery.id).where(WebhookDelivery.subscription_id == subscription.id)
    events = set(
        session.scalars(sa.select(WebhookDelivery.event_id).where(WebhookDelivery.subscription_id == subscription.id))
    )
    session.execute(sa.delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id))
    if events:
        still_used = sa.select(WebhookDelivery.event_id).where(WebhookDelivery.event_id.in_(events))
        session.execute(sa.delete(WebhookEvent).where(WebhookEvent.id.in_(events), WebhookEvent.id.not_in(still_used)))
    session.delete(subscription)
    session.flush()


def send_test(session: Session, subscription: WebhookSubscription, requested_by: User) -> WebhookEvent:
    """Queue a webhook.test event for this subscription alone (sent by the next ``loop deliver``)."""
    return emit_to(session, subscription, TEST_EVENT, ping_data(subscription.id, requested_by))


def retry_delivery(session: Session, delivery: WebhookDelivery, now: datetime) -> bool:
    """Give a failed delivery a fresh set of attempts, the first due at once; False if it had not failed."""
    if delivery.state != DeliveryState.FAILED:
        return False
    delivery.state = DeliveryState.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.claimed_until = delivery.claim_token = None
    session.flush()
    return True


def subscription_rows(session: Session) -> list[SubscriptionRow]:
    """Every subscription, newest first, with its deliveries counted by state."""
    counts = Counter(
        {
            (subscription_id, state): n
            for subscription_id, state, n in session.execute(
                sa.select(WebhookDelivery.subscription_id, WebhookDelivery.state, sa.func.count()).group_by(
                    WebhookDelivery.subscription_id, WebhookDelivery.state
                )
            )
        }
    )
    subscriptions = session.scalars(sa.select(WebhookSubscription).order_by(WebhookSubscription.id.desc()))
    return [
        SubscriptionRow(
            subscription,
            counts[(subscription.id, DeliveryState.PENDING)],
            counts[(subscription.id, DeliveryState.FAILED)],
            counts[(subscription.id, DeliveryState.DELIVERED)],
        )
        for subscription in subscriptions
    ]


def delivery_log(
    session: Session, subscription_id: int, state: str | None = None, limit: int = LOG_LIMIT
) -> list[LogLine]:
    """The subscription's newest deliveries (only those in ``state``, if given), newest first."""
    query = (
        sa.select(WebhookDelivery, WebhookEvent.type, WebhookEvent.uid, WebhookEvent.created_at)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    if state:
        query = query.where(WebhookDelivery.state == state)
    return [LogLine(*row) for row in session.execute(query)]


def attempts_of(session: Session, delivery_id: int) -> list[WebhookAttempt]:
    """Every attempt of a delivery, oldest first."""
    query = sa.select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id).order_by(WebhookAttempt.id)
    return list(session.scalars(query))
