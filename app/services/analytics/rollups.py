"""Keeping the rollup tables exactly in step with the answers: add each response once, or rebuild them all.

``count_responses`` must run in the transaction that stores the responses, after their answers and their
segment snapshot, and after ``submitted_at``, ``channel`` and ``touchpoint_id`` have their final values;
then a rolled-back response leaves no count behind. ``rebuild_rollups`` recomputes everything from the
answers (after a bulk load, or to repair); ``rollup_differences`` says whether the two still agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models.rollups import NO_EXPECTATION, AnswerDayCount, AnswerMonthSegmentCount

DAY_KEYS = "day, touchpoint_id, question_id, channel, value, expected"
MONTH_KEYS = "attribute, month, touchpoint_id, question_id, channel, segment, value, expected"
# Plain SQL text: SQLAlchemy caches its compiled form, while an INSERT ... SELECT ... ON CONFLICT built from
# constructs is compiled anew on every call, which would cost more than the counting itself.
UTC_DAY = {"postgresql": "(r.submitted_at AT TIME ZONE 'UTC')::date", "sqlite": "date(r.submitted_at)"}
UTC_MONTH = {
    "postgresql": "date_trunc('month', r.submitted_at AT TIME ZONE 'UTC')::date",
    "sqlite": "date(r.submitted_at, 'start of month')",
}
DAY_COUNTS = f"""
SELECT {{day}}, r.touchpoint_id, a.question_id, r.channel, a.value, coalesce(a.expected, {NO_EXPECTATION}), count(*)
FROM answer a JOIN response r ON r.id = a.response_id
WHERE a.value IS NOT NULL AND {{responses}}
GROUP BY 1, 2, 3, 4, 5, 6"""
MONTH_SEGMENT_COUNTS = f"""
SELECT s.attribute, {{month}}, r.touchpoint_id, a.question_id, r.channel, s.value, a.value,
       coalesce(a.expected, {NO_EXPECTATION}), count(*)
FROM answer a JOIN response r ON r.id = a.response_id JOIN response_segment s ON s.response_id = r.id
WHERE a.value IS NOT NULL AND {{responses}}
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"""
TABLES = (("answer_day_count", DAY_KEYS, DAY_COUNTS), ("answer_month_segment_count", MONTH_KEYS, MONTH_SEGMENT_COUNTS))
ALL = "TRUE"
CHOSEN = "r.id IN :ids"


@dataclass(frozen=True)
class RollupSize:
    """How many rows each rollup table holds, and how many answers they count."""

    day_rows: int
    month_segment_rows: int
    answers: int


def counting(dialect: str, counts: str, responses: str) -> str:
    """The SELECT that counts the answers of ``responses`` (a condition on response ``r``) for one rollup table."""
    return counts.format(day=UTC_DAY[dialect], month=UTC_MONTH[dialect], responses=responses)


def count_responses(session: Session, response_ids: Sequence[int]) -> None:
    """Add these responses' answers to the rollups (once per response, in the transaction that stores it)."""
    if not response_ids:
        return
    session.flush()
    dialect = _dialect(session)
    ids = sa.bindparam("ids", sorted(set(response_ids)), expanding=True)
    for table, keys, counts in TABLES:
        upsert = (
            f"INSERT INTO {table} ({keys}, n) {counting(dialect, counts, CHOSEN)} "
            f"ON CONFLICT ({keys}) DO UPDATE SET n = {table}.n + excluded.n"
        )
        session.execute(sa.text(upsert).bindparams(ids))


def clear_rollups(session: Session) -> None:
    """Empty both rollup tables (before the responses themselves are all deleted)."""
    session.execute(sa.delete(AnswerDayCount))
    session.execute(sa.delete(AnswerMonthSegmentCount))


def rebuild_rollups(session: Session) -> RollupSize:
    """Recompute both rollup tables from every answer; concurrent submissions wait until the caller commits."""
    session.flush()
    dialect = _dialect(session)
    if dialect == "postgresql":
        session.execute(sa.text("LOCK TABLE answer_day_count, answer_month_segment_count IN EXCLUSIVE MODE"))
    clear_rollups(session)
    for table, keys, counts in TABLES:
        session.execute(sa.text(f"INSERT INTO {table} ({keys}, n) {counting(dialect, counts, ALL)}"))
    return rollup_size(session)


def rollup_size(session: Session) -> RollupSize:
    """The rows in each rollup table and the answers the day rollup counts."""
    return RollupSize(
        session.scalar(sa.select(sa.func.count()).select_from(AnswerDayCount)),
        session.scalar(sa.select(sa.func.count()).select_from(AnswerMonthSegmentCount)),
        int(session.scalar(sa.select(sa.func.coalesce(sa.func.sum(AnswerDayCount.n), 0)))),
    )


def rollup_differences(session: Session, *, limit: int = 20) -> list[str]:
    """Up to ``limit`` rollup rows that differ from a recount of the answers (empty: in step)."""
    dialect = _dialect(session)
    found = []
    for table, keys, counts in TABLES:
        stored, recount = f"SELECT {keys}, n FROM {table}", counting(dialect, counts, ALL)
        pairs = (("stored, not counted", stored, recount), ("counted, not stored", recount, stored))
        for label, first, second in pairs:
            for row in session.execute(sa.text(f"{first} EXCEPT {second} LIMIT {int(limit)}")):
                found.append(f"{table}: {label}: {tuple(row)}")
    return found[:limit]


def _dialect(session: Session) -> str:
    """The database's dialect name, refusing one the rollup SQL is not written for.

    Touchloop runs on PostgreSQL and SQLite only (the README's two setups); the rollups' day arithmetic
    is written in each one's SQL, so any other database is refused here, by name, rather than miscounted.
    """
    name = session.get_bind().dialect.name
    if name not in UTC_DAY:
        raise RuntimeError(f"Touchloop's analytics run on PostgreSQL or SQLite; this database is {name}")
    return name
