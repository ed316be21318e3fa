"""The webhook outbox: events written by the real services in the change's own transaction, and only then."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import (
    DeliveryState,
    FollowUpCase,
    Role,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from app.models.types import utcnow
from app.services.cases import advance_case
from app.services.definitions import current_version
from app.services.responses import ResponseMeta, record_response
from app.services.suggestions import advance_suggestion, submit_suggestion
from app.services.webhooks.delivery import claim, record
from app.services.webhooks.outbox import event_body
from app.services.webhooks.sender import Outcome
from app.services.webhooks.subscriptions import (
    SubscriptionRefused,
    create_subscription,
    delete_subscription,
    retry_delivery,
    send_test,
    set_active,
)
from tests.factories import load_surveys, make_customer, make_response
from tests.services.test_cases import DETRACTOR, HAPPY
from tests.web.test_auth import make_user
from touchloop.webhooks import (
    CASE_CLOSED,
    CASE_OPENED,
    EVENT_TYPES,
    RESPONSE_CREATED,
    SUGGESTION_TRANSITIONED,
    RetryPolicy,
)

LEASE = timedelta(minutes=1)


@pytest.fixture
def admin(session):
    """The demo journey loaded, and an admin."""
    load_surveys(session)
    return make_user(session, email="hooks-admin@example.com", role=Role.ADMIN, name="Hook Admin")


def subscribe(session, admin, events=EVENT_TYPES, url="https://crm.example.com/hooks") -> WebhookSubscription:
    """A committed, active subscription."""
    subscription = create_subscription(session, url=url, events=list(events), description="CRM", created_by=admin)
    session.commit()
    return subscription


def events(session, event_type: str | None = None) -> list[WebhookEvent]:
    """The outbox, oldest first (of one type, if given)."""
    query = sa.select(WebhookEvent).order_by(WebhookEvent.id)
    if event_type:
        query = query.where(WebhookEvent.type == event_type)
    return list(session.scalars(query))


def deliveries(session) -> list[WebhookDelivery]:
    """Every delivery, oldest first."""
    return list(session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_response_writes_response_created_with_its_answers_for_each_listening_subscription(session, admin):
    crm = subscribe(session, admin)
    subscribe(session, admin, [CASE_OPENED], url="https://other.example.com/")
    customer = make_customer(session, external_id="C-77")
    response = make_response(session, HAPPY, customer=customer, channel="kiosk-3")

    [event] = events(session)
    assert event.type == RESPONSE_CREATED
    data = event.payload["response"]
    assert (data["id"], data["survey"], data["touchpoint"]) == (response.id, "delivery-installation", "installation")
    assert (data["customer"], data["channel"], data["language"]) == ("C-77", "kiosk-3", "en")
    assert data["answers"]["recommend"] == 9 and data["answers"]["punctuality"] == {"expected": 6, "actual": 5}
    assert [(d.subscription_id, d.state, d.attempts) for d in deliveries(session)] == [(crm.id, "pending", 0)]


def test_a_detractor_response_writes_response_created_then_case_opened(session, admin):
    subscribe(session, admin)
    response = make_response(session, DETRACTOR)

    created, opened = events(session)
    assert (created.type, opened.type) == (RESPONSE_CREATED, CASE_OPENED)
    case = opened.payload["case"]
    assert (case["response_id"], case["rule"], case["state"]) == (response.id, "detractor", "new")
    assert case["touchpoint"] == "installation" and case["department"] == "field_service"


def test_a_rolled_back_response_leaves_no_event_and_no_delivery(session, admin):
    subscribe(session, admin)
    version = current_version(session, "delivery-installation")
    record_response(session, version, DETRACTOR, ResponseMeta(uuid.uuid4().hex, "en"))
    assert len(events(session)) == 2  # in the transaction, beside the response and its case

    session.rollback()

    assert events(session) == [] and deliveries(session) == []


def test_the_event_is_committed_with_the_change_and_not_before(app, session, admin):
    subscribe(session, admin)
    version = current_version(session, "delivery-installation")
    record_response(session, version, HAPPY, ResponseMeta(uuid.uuid4().hex, "en"))
    session.flush()
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as other:
            count = sa.select(sa.func.count()).select_from(WebhookEvent)
            assert other.scalar(count) == 0  # another connection sees nothing until the change commits
            session.commit()
            other.rollback()  # a new snapshot
            assert other.scalar(count) == 1
    finally:
        engine.dispose()


def test_nothing_is_written_without_a_listening_active_subscription(session, admin):
    subscription = subscribe(session, admin, [SUGGESTION_TRANSITIONED])
    make_response(session, DETRACTOR)
    set_active(session, subscription, False)
    session.commit()
    staff = make_user(session, email="staff@example.com", role=Role.STAFF)
    suggestion = submit_suggestion(session, submitter=staff, title="Call ahead", description="An hour before")
    advance_suggestion(session, suggestion.id, "under_review", actor=admin)
    session.commit()

    assert events(session) == [] and deliveries(session) == []


def test_closing_a_case_writes_case_closed_with_its_root_cause(session, admin):
    make_response(session, DETRACTOR)  # opens a case before anyone subscribes: no event
    subscribe(session, admin, [CASE_CLOSED])
    case = session.scalars(sa.select(FollowUpCase)).one()
    for target, given in (
        ("contacted", {}),
        ("resolved", {"root_cause": "late_arrival", "note": "Came back the next day"}),
        ("closed", {}),
    ):
        advance_case(session, case.id, target, actor=admin, **given)
        session.commit()

    [closed] = events(session)
    assert closed.type == CASE_CLOSED
    assert closed.payload["case"]["state"] == "closed" and closed.payload["case"]["root_cause"] == "late_arrival"
    assert closed.payload["case"]["closed_at"] is not None


def test_every_suggestion_step_writes_suggestion_transitioned_with_who_and_why(session, admin):
    subscribe(session, admin, [SUGGESTION_TRANSITIONED])
    staff = make_user(session, email="staff@example.com", role=Role.STAFF, name="Wu")
    suggestion = submit_suggestion(session, submitter=staff, title="Call ahead", description="An hour before")
    session.commit()
    advance_suggestion(session, suggestion.id, "under_review", actor=admin)
    advance_suggestion(session, suggestion.id, "rejected", actor=admin, note="Already done since May")
    session.commit()

    steps = [event.payload["transition"] for event in events(session)]
    assert [(step["from_state"], step["to_state"]) for step in steps] == [
        ("submitted", "under_review"),
        ("under_review", "rejected"),
    ]
    assert steps[1]["actor"] == {"id": admin.id, "name": "Hook Admin"} and steps[1]["note"] == "Already done since May"
    last = events(session)[-1].payload["suggestion"]
    assert (last["id"], last["state"], last["submitter"]["name"]) == (suggestion.id, "rejected", "Wu")


def test_a_refused_step_writes_no_event(session, admin):
    subscribe(session, admin, [SUGGESTION_TRANSITIONED])
    staff = make_user(session, email="staff@example.com", role=Role.STAFF)
    suggestion = submit_suggestion(session, submitter=staff, title="Call ahead", description="An hour before")
    session.commit()
    with pytest.raises(Exception, match="only"):
        advance_suggestion(session, suggestion.id, "under_review", actor=staff)
    session.rollback()
    assert events(session) == []


@pytest.mark.parametrize(
    ("url", "events_chosen", "field", "code"),
    [
        ("ftp://example.com/x", [RESPONSE_CREATED], "url", "webhook.url_scheme"),
        ("javascript:alert(1)", [RESPONSE_CREATED], "url", "webhook.url_scheme"),
        ("https://", [RESPONSE_CREATED], "url", "webhook.url_host"),
        ("https://user:pw@example.com/", [RESPONSE_CREATED], "url", "webhook.url_credentials"),
        ("", [RESPONSE_CREATED], "url", "webhook.url_empty"),
        ("https://example.com/", [], "events", "webhook.no_events"),
        ("https://example.com/", ["order.paid"], "events", "webhook.unknown_event"),
    ],
)
def test_a_subscription_that_cannot_work_is_refused_and_nothing_is_stored(
    session, admin, url, events_chosen, field, code
):
    with pytest.raises(SubscriptionRefused) as refused:
        create_subscription(session, url=url, events=events_chosen, description=None, created_by=admin)
    session.rollback()
    assert (refused.value.field, refused.value.refusal.code) == (field, code)
    assert session.scalar(sa.select(sa.func.count()).select_from(WebhookSubscription)) == 0


def test_a_new_subscription_gets_its_own_secret_and_its_events_in_standard_order(session, admin):
    first = subscribe(session, admin, [SUGGESTION_TRANSITIONED, RESPONSE_CREATED, RESPONSE_CREATED])
    second = subscribe(session, admin)
    assert first.events == [RESPONSE_CREATED, SUGGESTION_TRANSITIONED]
    assert first.secret.startswith("whsec_") and len(first.secret) > 40 and first.secret != second.secret
    assert first.created_by_id == admin.id and first.active


def test_a_test_event_goes_to_that_subscription_alone(session, admin):
    chosen = subscribe(session, admin, [CASE_CLOSED])
    subscribe(session, admin, EVENT_TYPES, url="https://other.example.com/")
    send_test(session, chosen, admin)
    session.commit()
    [event] = events(session)
    assert event.type == "webhook.test" and event.payload["subscription_id"] == chosen.id
    assert [d.subscription_id for d in deliveries(session)] == [chosen.id]


def test_the_body_is_the_same_bytes_on_every_attempt_and_names_the_event(session, admin):
    subscribe(session, admin)
    make_response(session, HAPPY)
    [event] = events(session)
    assert event_body(event) == event_body(session.get(WebhookEvent, event.id))
    assert event_body(event).startswith(b'{"created_at":') and f'"id":"{event.uid}"'.encode() in event_body(event)


def test_one_claim_at_a_time_and_a_lapsed_lease_can_be_claimed_again(session, admin):
    subscribe(session, admin)
    make_response(session, HAPPY)
    [delivery] = deliveries(session)
    now = utcnow()

    first = claim(session, delivery.id, now, LEASE)
    second = claim(session, delivery.id, now + timedelta(seconds=59), LEASE)
    after_lease = claim(session, delivery.id, now + timedelta(seconds=61), LEASE)

    assert first is not None and second is None
    assert after_lease is not None and after_lease.token != first.token


def test_failures_back_off_exponentially_until_the_delivery_is_marked_failed(session, admin):
    subscribe(session, admin)
    make_response(session, HAPPY)
    [delivery] = deliveries(session)
    policy = RetryPolicy(max_attempts=3, base_seconds=30, cap_seconds=3600)
    now, waits = utcnow(), []
    for _attempt in range(3):
        claimed = claim(session, delivery.id, now, LEASE)
        state = record(session, claimed, Outcome(500, "HTTP 500", 12), started=now, now=now, policy=policy)
        session.commit()
        session.refresh(delivery)
        if state == DeliveryState.PENDING:
            waits.append((delivery.next_attempt_at.replace(tzinfo=None) - now.replace(tzinfo=None)).total_seconds())
            now = now + timedelta(seconds=waits[-1])
    assert waits == [30, 60]
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("failed", 3, 500)
    assert claim(session, delivery.id, now + timedelta(days=1), LEASE) is None  # failed: not retried by itself

    assert retry_delivery(session, delivery, now) is True
    session.commit()
    assert (delivery.state, delivery.attempts) == ("pending", 0)
    assert claim(session, delivery.id, now, LEASE) is not None
    assert len(session.scalars(sa.select(WebhookAttempt)).all()) == 3  # the log keeps the earlier attempts


def test_deleting_a_subscription_removes_its_log_and_the_events_only_it_waited_for(session, admin):
    gone = subscribe(session, admin, [RESPONSE_CREATED])
    make_response(session, HAPPY)  # only ``gone`` listens
    kept = subscribe(session, admin, [RESPONSE_CREATED], url="https://other.example.com/")
    make_response(session, HAPPY)  # both listen
    first = deliveries(session)[0]
    now = utcnow()
    record(session, claim(session, first.id, now, LEASE), Outcome(None, "refused", 3), started=now, now=now,
           policy=RetryPolicy())  # fmt: skip
    session.commit()

    delete_subscription(session, gone)
    session.commit()

    assert [d.subscription_id for d in deliveries(session)] == [kept.id]
    assert len(events(session)) == 1 and session.scalars(sa.select(WebhookAttempt)).all() == []


def test_a_delivery_of_a_switched_off_subscription_is_not_claimed_until_it_is_on_again(session, admin):
    subscription = subscribe(session, admin)
    make_response(session, HAPPY)
    [delivery] = deliveries(session)
    set_active(session, subscription, False)
    session.commit()
    now = utcnow()

    assert claim(session, delivery.id, now, LEASE) is None
    set_active(session, subscription, True)
    assert claim(session, delivery.id, now, LEASE) is not None
