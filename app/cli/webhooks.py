"""``flask loop deliver``: send the webhook outbox, from cron or as a long-running worker (``--watch``)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime

import click
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.cli.loop import loop_group, parse_moment
from app.extensions import db
from app.models import DeliveryState
from app.models.types import utcnow
from app.services.webhooks.delivery import claim, due_ids, lease_for, record, unix_time
from app.services.webhooks.sender import post
from touchloop.webhooks import RetryPolicy

DEFAULT_POLICY = RetryPolicy()


@loop_group.command("deliver")
@click.option("--now", "moment", help="Act as if it were this moment (ISO 8601; UTC unless it has an offset).")
@click.option(
    "--limit", default=500, show_default=True, type=click.IntRange(1, 100_000), help="Deliveries to try per round."
)
@click.option(
    "--timeout",
    default=DEFAULT_POLICY.timeout_seconds,
    show_default=True,
    type=click.FloatRange(0.5, 120),
    help="Seconds to wait for a receiver before counting the attempt as failed.",
)
@click.option(
    "--max-attempts",
    default=DEFAULT_POLICY.max_attempts,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Attempts before a delivery is marked failed (an admin can retry it).",
)
@click.option(
    "--watch",
    type=click.FloatRange(0.5, 3600),
    help="Keep running as a worker, looking for due deliveries every this many seconds (stop with Ctrl-C).",
)
def deliver_command(moment: str | None, limit: int, timeout: float, max_attempts: int, watch: float | None) -> None:
    """POST due webhook events to their subscribers, signed; failures are retried later with backoff.

    Safe to run from cron every minute, and while another run is going: each delivery is claimed by one run.
    """
    fixed = parse_moment(moment) if moment else None
    clock = (lambda: fixed) if fixed else utcnow
    policy = RetryPolicy(max_attempts=max_attempts, timeout_seconds=timeout)
    if watch is None:
        _say(deliver_round(db.session, clock, policy, limit))
        return
    try:
        while True:
            counts = _watched_round(clock, policy, limit)
            if counts:
                _say(counts)
            else:
                time.sleep(watch)
    except KeyboardInterrupt:
        click.echo("stopped")


def _watched_round(clock: Callable[[], datetime], policy: RetryPolicy, limit: int) -> Counter | None:
    """A worker's round; a database outage is reported and waited out, not the end of the worker."""
    try:
        counts = deliver_round(db.session, clock, policy, limit)
    except OperationalError as exc:
        db.session.rollback()
        click.echo(f"database unavailable, trying again shortly: {exc.orig}", err=True)
        return None
    return counts if sum(counts.values()) else None


def deliver_round(session: Session, clock: Callable[[], datetime], policy: RetryPolicy, limit: int) -> Counter:
    """Try each due delivery once; how many ended delivered, pending (to retry) and failed."""
    counts: Counter = Counter()
    lease = lease_for(policy)
    candidates = due_ids(session, clock(), limit)
    session.commit()
    for delivery_id in candidates:
        claimed = claim(session, delivery_id, clock(), lease)
        session.commit()  # the claim is visible to other runs before the POST; no transaction stays open
        if claimed is None:
            continue  # another run has it, or it was retried or delivered meanwhile
        started = clock()
        outcome = post(claimed.url, claimed.body, claimed.headers(unix_time()), policy.timeout_seconds)
        state = record(session, claimed, outcome, started=started, now=clock(), policy=policy)
        session.commit()
        if state is not None:
            counts[state] += 1
    return counts


def _say(counts: Counter) -> None:
    """One line about a round."""
    click.echo(
        f"webhook deliveries: {counts[DeliveryState.DELIVERED]} delivered, "
        f"{counts[DeliveryState.PENDING]} to retry later, {counts[DeliveryState.FAILED]} failed (gave up)"
    )
