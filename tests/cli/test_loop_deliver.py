"""flask loop deliver against a real local HTTP receiver: down, then failing, then up; signed; retried; once.

Time is moved with ``--now`` (the schedule's clock); the signature's timestamp is always the real clock,
which the receiver checks against its own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.cli.webhooks import deliver_round
from app.extensions import db
from app.models import Role, WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.services.webhooks.subscriptions import create_subscription, retry_delivery
from tests.factories import load_surveys, make_response
from tests.receiver import Receiver
from tests.services.test_cases import DETRACTOR, HAPPY
from tests.web.test_auth import make_user
from touchloop.webhooks import EVENT_TYPES, RetryPolicy, verify_signature

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2031, 5, 4, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def receiver():
    """A receiver that is down until the test starts it."""
    found = Receiver()
    yield found
    found.stop()


def subscribe(session, url: str, events=EVENT_TYPES) -> WebhookSubscription:
    """The demo surveys loaded and an admin's committed subscription of ``url``."""
    load_surveys(session)
    admin = make_user(session, email="hooks@example.com", role=Role.ADMIN)
    subscription = create_subscription(session, url=url, events=list(events), description=None, created_by=admin)
    session.commit()
    return subscription


def deliver(runner, at: datetime, *options: str):
    """Run ``flask loop deliver --now at``; its result, checked to have succeeded."""
    result = runner.invoke(args=["loop", "deliver", "--now", at.isoformat(), *options])
    assert result.exit_code == 0, result.output
    return result


def attempts(session, delivery_id: int) -> list[tuple]:
    """(status, error) of each attempt of a delivery, oldest first."""
    rows = session.execute(
        sa.select(WebhookAttempt.status, WebhookAttempt.error)
        .where(WebhookAttempt.delivery_id == delivery_id)
        .order_by(WebhookAttempt.id)
    )
    return [tuple(row) for row in rows]


def test_events_reach_a_receiver_that_was_down_then_failing_after_retries_each_once_and_signed(
    runner, session, receiver
):
    subscription = subscribe(session, receiver.url)
    make_response(session, HAPPY)
    make_response(session, DETRACTOR)  # response.created and case.opened
    session.expire_all()

    down = deliver(runner, T0)  # nobody listens on the port: connection refused
    receiver.failures = 3
    receiver.start()
    early = deliver(runner, T0 + timedelta(seconds=20))  # not due yet: 30 s after the first failure
    failing = deliver(runner, T0 + timedelta(seconds=30))  # up, but answers 500 to each of the three
    still_waiting = deliver(runner, T0 + timedelta(seconds=60))  # the second wait is 60 s
    up = deliver(runner, T0 + timedelta(seconds=90))
    later = deliver(runner, T0 + timedelta(days=2))

    assert "0 delivered, 3 to retry later" in down.output and "0 delivered, 0 to retry" in early.output
    assert "0 delivered, 3 to retry later" in failing.output and "0 delivered, 0 to retry" in still_waiting.output
    assert "3 delivered, 0 to retry later, 0 failed" in up.output and "0 delivered, 0 to retry" in later.output
    delivered = receiver.delivered()
    assert [item.json["type"] for item in delivered] == ["response.created", "response.created", "case.opened"]
    assert len({item.event_id for item in delivered}) == 3  # each event arrived once
    assert len(receiver.received) == 6 and {item.status for item in receiver.received[:3]} == {500}
    for item in receiver.received:
        header = item.headers["Touchloop-Signature"]
        stamp = item.headers["Touchloop-Timestamp"]
        assert verify_signature(subscription.secret, stamp, item.body, header, now=time.time())
        assert item.headers["Touchloop-Event-Type"] == item.json["type"] and item.event_id == item.json["id"]
    for delivery in session.scalars(sa.select(WebhookDelivery)):
        assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 3, 204)
        log = attempts(session, delivery.id)
        assert [status for status, _error in log] == [None, 500, 204]
        assert log[0][1] == "connection refused" and log[1][1].startswith("HTTP 500")


def test_a_receiver_that_keeps_failing_is_given_up_then_an_admin_retry_delivers(runner, session, receiver):
    subscribe(session, receiver.url, ["response.created"])
    make_response(session, HAPPY)
    receiver.failures, receiver.failure_status = 99, 503
    receiver.start()

    first = deliver(runner, T0, "--max-attempts", "2")
    second = deliver(runner, T0 + timedelta(seconds=30), "--max-attempts", "2")
    never = deliver(runner, T0 + timedelta(days=30), "--max-attempts", "2")

    assert "1 to retry later" in first.output and "0 to retry later, 1 failed (gave up)" in second.output
    assert "0 delivered, 0 to retry later, 0 failed" in never.output
    delivery = session.scalars(sa.select(WebhookDelivery)).one()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("failed", 2, 503)
    assert delivery.last_error.startswith("HTTP 503")

    receiver.failures = 0
    retry_delivery(session, delivery, T0 + timedelta(days=30))
    session.commit()
    retried = deliver(runner, T0 + timedelta(days=30))

    assert "1 delivered" in retried.output and len(receiver.delivered()) == 1
    assert [status for status, _error in attempts(session, delivery.id)] == [503, 503, 204]


def test_a_redirect_is_not_followed_and_counts_as_a_failure_to_fix(runner, session, receiver):
    subscribe(session, receiver.url, ["response.created"])
    make_response(session, HAPPY)
    receiver.failures, receiver.failure_status = 1, 302
    receiver.start()

    deliver(runner, T0)

    delivery = session.scalars(sa.select(WebhookDelivery)).one()
    assert (delivery.state, delivery.last_status) == ("pending", 302)
    assert "redirects are not followed" in delivery.last_error and len(receiver.received) == 1


def test_a_receiver_that_does_not_answer_in_time_is_retried_later(runner, session, receiver):
    subscribe(session, receiver.url, ["response.created"])
    make_response(session, HAPPY)
    receiver.hold_next()
    receiver.start()

    deliver(runner, T0, "--timeout", "0.5")
    receiver.release()

    delivery = session.scalars(sa.select(WebhookDelivery)).one()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, None)
    assert "timed out" in delivery.last_error
    assert deliver(runner, T0 + timedelta(seconds=30)).output.startswith("webhook deliveries: 1 delivered")


def test_two_runs_at_once_deliver_every_event_exactly_once(app, session, receiver):
    subscribe(session, receiver.url, ["response.created"])
    for _number in range(30):
        make_response(session, HAPPY)
    receiver.delay = 0.05  # each POST takes a moment, so the two runs overlap throughout
    receiver.start()
    results, barrier = [], threading.Barrier(2)

    def one_run():
        with app.app_context():
            barrier.wait()
            results.append(deliver_round(db.session, lambda: T0, RetryPolicy(timeout_seconds=5), limit=500))
            db.session.remove()

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=120)

    assert sum((counts for counts in results), Counter())["delivered"] == 30
    assert all(counts["delivered"] > 0 for counts in results), results  # both really ran
    arrived = Counter(item.event_id for item in receiver.received)
    assert len(arrived) == 30 and set(arrived.values()) == {1}


def test_a_worker_killed_mid_delivery_lets_go_and_the_next_run_delivers_it(app, session, receiver, database_url):
    subscribe(session, receiver.url, ["response.created"])
    make_response(session, HAPPY)
    receiver.hold_next()  # the worker's POST hangs until it is killed
    receiver.start()
    environment = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="test-secret")
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "loop", "deliver", "--watch", "1", "--timeout", "30"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert receiver.holding.wait(90), "the worker never sent the event"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    receiver.release()
    session.expire_all()
    claimed = session.scalars(sa.select(WebhookDelivery)).one()
    assert claimed.state == "pending" and claimed.claimed_until is not None  # the dead worker's lease

    runner = app.test_cli_runner()
    during_lease = deliver(runner, datetime.now(timezone.utc))
    after_lease = deliver(runner, datetime.now(timezone.utc) + timedelta(seconds=121))

    assert "0 delivered" in during_lease.output and "1 delivered" in after_lease.output
    assert [item.event_id for item in receiver.received] == [receiver.received[0].event_id] * 2  # at least once
    session.expire_all()
    assert session.scalars(sa.select(WebhookDelivery)).one().state == "delivered"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--now", "yesterday"], "is not an ISO 8601 date and time"),
        (["--timeout", "0"], "--timeout"),
        (["--max-attempts", "0"], "--max-attempts"),
        (["--limit", "many"], "--limit"),
    ],
)
def test_bad_options_are_refused_with_a_message_naming_them(runner, options, message):
    result = runner.invoke(args=["loop", "deliver", *options])
    assert result.exit_code == 2 and message in result.output
