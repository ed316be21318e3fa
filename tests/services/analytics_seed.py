"""Seeded responses for the analytics tests, kept in Python too, with plain-Python twins of every aggregate."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Answer, Dimension, Response, ResponseSegment, Survey, Touchpoint
from app.services.analytics import (
    CHANNEL,
    DIMENSION,
    MONTH,
    QUESTION,
    STAGE,
    TOUCHPOINT,
    TYPE,
    Filters,
    Segment,
    count_responses,
)
from app.services.definitions import current_version
from app.services.journey import current_journey
from app.services.responses import answer_rows
from app.services.segments import segment_values
from tests.factories import load_surveys, make_customer
from touchloop.answers import GapAnswer, check_answers

CHANNELS = ("web", "email", "sms", "store-sh-01")
FIRST_DAY = datetime(2026, 1, 1, tzinfo=timezone.utc)
CUSTOMERS = (
    {"tier": "A", "region": "west", "lifecycle": "mature", "industry": "office", "customer_since": date(2019, 5, 1)},
    {"tier": "A", "region": "east", "lifecycle": "new", "industry": "residential", "customer_since": date(2025, 8, 1)},
    {"tier": "B", "region": "west", "lifecycle": "growing", "industry": "retail", "customer_since": date(2023, 3, 1)},
    {"tier": "B", "region": "south", "lifecycle": "declining", "industry": "residential", "customer_since": None},
    {"tier": "C", "region": "north", "lifecycle": "lost", "industry": "healthcare", "customer_since": date(2016, 1, 9)},
    {"tier": "C", "region": None, "lifecycle": "mature", "industry": "education", "customer_since": date(2021, 2, 2)},
)


@dataclass
class Record:
    """One seeded response as Python sees it."""

    touchpoint_id: int
    stage_id: int
    channel: str
    submitted_at: datetime
    segments: dict[str, str]
    # question_id, type, dimension_id, code, value, expected of each numeric answer
    answers: list[dict[str, Any]] = field(default_factory=list)


def seed(session: Session, responses: int = 240, seed_value: int = 5) -> list[Record]:
    """Load the demo surveys, add customers and ``responses`` responses over three months; count them in."""
    load_surveys(session)
    rng = random.Random(seed_value)
    journey = current_journey(session)
    customers = [make_customer(session, **values) for values in CUSTOMERS]
    versions = [
        current_version(session, slug) for slug in session.scalars(sa.select(Survey.slug).order_by(Survey.slug))
    ]
    dimensions = dict(session.execute(sa.select(Dimension.code, Dimension.id)).all())
    stages = dict(session.execute(sa.select(Touchpoint.id, Touchpoint.stage_id)).all())
    records, rows = [], []
    for number in range(responses):
        version = rng.choice(versions)
        customer = rng.choice([*customers, None])  # about one in seven answers without being a known customer
        # Many answers land in the first and last minutes of a UTC day, to pin down day and month edges.
        moment = rng.choice([time(0, 0, 1), time(23, 59, 59), time(rng.randrange(24), rng.randrange(60))])
        submitted = datetime.combine(FIRST_DAY.date() + timedelta(rng.randrange(90)), moment, timezone.utc)
        record = Record(version.touchpoint_id, stages[version.touchpoint_id], rng.choice(CHANNELS), submitted, {})
        if customer is not None:
            record.segments = segment_values(customer, journey, submitted)
        answers = check_answers(version.definition.questions, _raw_answers(rng, version.definition.questions)).answers
        stored = []
        for question in version.definition.questions:
            for row in answer_rows(question, answers[question.id]) if question.id in answers else []:
                row = dict(row, question_id=version.question_ids[question.id])
                stored.append(row)
                if question.is_numeric:
                    record.answers.append(
                        dict(row, type=question.type, code=question.id, dimension_id=dimensions.get(question.dimension))
                    )
        rows.append((_response_row(version, customer, record, number), stored))
        records.append(record)
    _insert(session, rows, records)
    session.commit()
    return records


def _raw_answers(rng: random.Random, questions) -> dict[str, Any]:
    """Random answers to every question, some optional ones left out."""
    raw = {}
    for question in questions:
        if not question.required and rng.random() < 0.2:
            continue
        low, high = question.scale or (0, 0)
        if question.type == "gap":
            raw[question.id] = GapAnswer(rng.randint(low, high), rng.randint(low, high))
        elif question.is_numeric:
            raw[question.id] = rng.randint(low, high)
        elif question.type == "choice":
            codes = list(question.option_codes)
            raw[question.id] = (
                rng.sample(codes, k=rng.randint(1, len(codes))) if question.multiple else rng.choice(codes)
            )
        else:
            raw[question.id] = "Fine."
    return raw


def _response_row(version, customer, record: Record, number: int) -> dict[str, Any]:
    """The response table row of a record."""
    return {
        "submission_key": uuid.UUID(int=number + 1).hex,
        "survey_id": version.survey_id,
        "survey_version_id": version.version_id,
        "touchpoint_id": version.touchpoint_id,
        "customer_id": customer.id if customer else None,
        "channel": record.channel,
        "language": "en",
        "submitted_at": record.submitted_at,
    }


def _insert(session: Session, rows: list, records: list[Record]) -> None:
    """Insert responses, answers and segment snapshots in bulk, then count them into the rollups."""
    ids = session.scalars(
        sa.insert(Response).returning(Response.id, sort_by_parameter_order=True), [row for row, _ in rows]
    ).all()
    answers = [dict(answer, response_id=rid) for rid, (_, stored) in zip(ids, rows) for answer in stored]
    segments = [
        {"response_id": rid, "attribute": attribute, "value": value}
        for rid, record in zip(ids, records)
        for attribute, value in record.segments.items()
    ]
    session.execute(sa.insert(Answer), answers)
    if segments:
        session.execute(sa.insert(ResponseSegment), segments)
    count_responses(session, ids)


def keeps(record: Record, filters: Filters) -> bool:
    """True if the record passes the filters (the Python twin of the SQL conditions)."""
    day = record.submitted_at.astimezone(timezone.utc).date()
    return (
        (filters.start is None or day >= filters.start)
        and (filters.end is None or day <= filters.end)
        and (not filters.touchpoint_ids or record.touchpoint_id in filters.touchpoint_ids)
        and (not filters.channels or record.channel in filters.channels)
        and all(record.segments.get(attribute) in values for attribute, values in filters.segments)
    )


def key_of(record: Record, answer: dict, group_by) -> tuple:
    """The group key of one answer."""
    day = record.submitted_at.astimezone(timezone.utc).date()
    values = {
        TOUCHPOINT: record.touchpoint_id,
        STAGE: record.stage_id,
        DIMENSION: answer["dimension_id"],
        QUESTION: answer["question_id"],
        CHANNEL: record.channel,
        MONTH: day.replace(day=1),
        TYPE: answer["type"],
    }
    return tuple(record.segments.get(g.attribute) if isinstance(g, Segment) else values[g] for g in group_by)


def python_counts(records: list[Record], filters: Filters, group_by, types) -> dict:
    """Score -> count per group, or (expected, value) -> count for gaps, by plain loops."""
    found: dict = defaultdict(lambda: defaultdict(int))
    for record in records:
        if keeps(record, filters):
            for answer in record.answers:
                if answer["type"] in types:
                    score = (answer["expected"], answer["value"]) if answer["type"] == "gap" else answer["value"]
                    found[key_of(record, answer, group_by)][score] += 1
    return {key: dict(table) for key, table in found.items()}
