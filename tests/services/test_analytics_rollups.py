"""The rollup tables stay exactly in step with the answers: counted with each response, rebuilt, checked."""

from __future__ import annotations

import importlib.util
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa

from app.cli.analytics import analytics_group
from app.models import Answer, Customer
from app.services.analytics import (
    AnswerDayCount,
    AnswerMonthSegmentCount,
    Filters,
    Segment,
    clear_rollups,
    count_responses,
    gap_counts,
    rebuild_rollups,
    rollup_differences,
)
from app.services.analytics.rollups import rollup_size
from app.services.definitions import current_version
from app.services.journey import current_journey
from app.services.responses import ResponseMeta, record_response
from app.services.segments import snapshot_segments
from tests.conftest import ROOT
from tests.factories import load_surveys, make_customer
from tests.services.analytics_seed import seed
from touchloop.answers import GapAnswer

ANSWERS = {
    "recommend": 9,
    "overall_satisfaction": 4,
    "delivery_condition": "intact",
    "punctuality": GapAnswer(6, 3),
    "workmanship": GapAnswer(5, 5),
    "handover": 4,
    "contact_me": "no",
}
NUMERIC_ANSWERS = 5  # recommend, overall_satisfaction, punctuality, workmanship, handover


def store(session, *, customer: Customer | None = None, count: bool = True, at: datetime | None = None):
    """Store a response the way a submission does: answers, segment snapshot, then its counts, one transaction."""
    version = current_version(session, "delivery-installation")
    meta = ResponseMeta(uuid.uuid4().hex, "en", "web", customer_id=customer.id if customer else None)
    response = record_response(session, version, ANSWERS, meta)
    response.submitted_at = at or datetime(2026, 4, 30, 23, 59, 59, tzinfo=timezone.utc)
    if customer is not None:
        snapshot_segments(session, response.id, customer, current_journey(session), response.submitted_at)
    if count:
        count_responses(session, [response.id])
    return response


def rows(session) -> tuple[list, list]:
    """Every row of both rollup tables, sorted."""
    day = session.execute(sa.select(AnswerDayCount.__table__)).all()
    month = session.execute(sa.select(AnswerMonthSegmentCount.__table__)).all()
    return sorted(map(tuple, day)), sorted(map(tuple, month))


def test_counting_each_response_as_it_is_stored_keeps_the_rollups_equal_to_the_answers(session):
    """Response by response, with and without a customer, the rollups equal a recount of the answers."""
    load_surveys(session)
    customer = make_customer(session, region="west", tier="A")
    for number in range(6):
        store(session, customer=customer if number % 2 else None, at=datetime(2026, 4, 1 + number, tzinfo=timezone.utc))
    session.commit()
    assert rollup_differences(session) == []
    assert rollup_size(session).answers == 6 * NUMERIC_ANSWERS
    west = gap_counts(session, Filters(segments={"region": {"west"}}), (Segment("region"),))
    assert west == {("west",): {(6, 3): 3, (5, 5): 3}}


def test_the_same_scores_on_the_same_day_add_up_in_one_row(session):
    """A second identical answer raises the count of the existing key instead of adding a row."""
    load_surveys(session)
    customer = make_customer(session)
    store(session, customer=customer)
    store(session, customer=customer)
    session.commit()
    assert set(session.scalars(sa.select(AnswerDayCount.n))) == {2}
    assert session.scalar(sa.select(sa.func.count()).select_from(AnswerDayCount)) == NUMERIC_ANSWERS
    assert set(session.scalars(sa.select(AnswerMonthSegmentCount.n))) == {2}


def test_a_rolled_back_response_leaves_no_count_behind(session):
    """The counts are written in the response's own transaction, so they vanish with it."""
    load_surveys(session)
    store(session)
    session.commit()
    before = rows(session)
    store(session, customer=make_customer(session))
    session.rollback()
    assert rows(session) == before
    assert rollup_differences(session) == []


def test_answers_stored_without_counting_are_reported_and_rebuild_repairs_them(session):
    """rollup_differences names what is missing; rebuild_rollups recounts everything from the answers."""
    records = seed(session, responses=60)
    assert records and rollup_differences(session) == []
    store(session, customer=make_customer(session, region="east"), count=False)
    session.commit()
    differences = rollup_differences(session)
    assert differences and all("counted, not stored" in line for line in differences)
    size = rebuild_rollups(session)
    session.commit()
    assert rollup_differences(session) == []
    numeric = session.scalar(sa.select(sa.func.count()).select_from(Answer).where(Answer.value.isnot(None)))
    assert size.answers == numeric


def test_rebuilding_gives_the_same_rows_as_counting_response_by_response(session):
    """Bulk recount and incremental upserts agree row for row."""
    seed(session)
    counted = rows(session)
    rebuild_rollups(session)
    session.commit()
    assert rows(session) == counted and counted[0] and counted[1]


def test_the_migration_counts_the_answers_already_stored(session):
    """The migration's own INSERTs (run when the tables are created) fill the rollups in step with the answers."""
    seed(session, responses=80)
    counted = rows(session)
    clear_rollups(session)
    path = next((ROOT / "migrations" / "versions").glob("*_analytics_rollups_*.py"))
    spec = importlib.util.spec_from_file_location("rollup_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for statement in migration.fill_statements(session.get_bind().dialect.name):
        session.execute(sa.text(statement))
    session.commit()
    assert rows(session) == counted


def test_cli_check_fails_on_drift_and_rebuild_repairs_it(app, session, runner):
    """``flask analytics check`` exits 1 when the rollups lag the answers; ``rebuild`` puts them back in step."""
    app.cli.add_command(analytics_group)
    load_surveys(session)
    store(session)
    session.commit()
    assert runner.invoke(args=["analytics", "check"]).exit_code == 0
    store(session, count=False)
    session.commit()
    result = runner.invoke(args=["analytics", "check"])
    assert result.exit_code == 1 and "flask analytics rebuild" in result.output
    result = runner.invoke(args=["analytics", "rebuild"])
    assert result.exit_code == 0 and f"Counted {2 * NUMERIC_ANSWERS} answers" in result.output
    assert runner.invoke(args=["analytics", "check"]).exit_code == 0
