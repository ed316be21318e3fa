"""Fill a database with the demo company, in bulk."""

from __future__ import annotations

import random
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    Answer,
    CaseEvent,
    Customer,
    FollowUpCase,
    Invitation,
    InvitationBatch,
    Notification,
    Response,
    ResponseSegment,
    Suggestion,
    SuggestionEvent,
    SuggestionEvidence,
    SuggestionFollower,
    Survey,
)
from app.services.analytics import clear_rollups, count_responses
from app.services.definitions import current_version
from app.services.demo.answers import Situation, simulate
from app.services.demo.changes import mood_shift
from app.services.demo.customers import DemoCustomer, make_customers, years_between
from app.services.responses import answer_rows
from touchloop.answers import check_answers
from touchloop.journey import Journey

SURVEY_WEIGHTS = {
    "purchase": 30,
    "delivery-installation": 25,
    "after-sales-service": 25,
    "pre-purchase-consultation": 20,
}
CHANNELS = {"email": 45, "web": 20, "sms": 20, "store-sh-01": 5, "store-bj-02": 5, "store-gz-03": 5}
BATCH = 1000


@dataclass
class DemoSummary:
    """How much the demo created."""

    customers: int
    responses: int
    answers: int


def database_is_empty(session: Session) -> bool:
    """True when there are no customers and no responses yet."""
    return not session.scalar(sa.select(sa.exists().where(Response.id.isnot(None)))) and not session.scalar(
        sa.select(sa.exists().where(Customer.id.isnot(None)))
    )


def erase_people_and_responses(session: Session) -> None:
    """Delete every suggestion, case, response, answer, segment snapshot, invitation and customer (for --force)."""
    clear_rollups(session)
    session.execute(sa.update(Suggestion).values(merged_into_id=None))
    # Children first: SQLite does not enforce the cascades, and would let new rows meet old ones' keys.
    session.execute(
        sa.delete(Notification).where(
            sa.or_(Notification.suggestion_id.is_not(None), Notification.case_id.is_not(None))
        )
    )
    loop = (SuggestionFollower, SuggestionEvidence, SuggestionEvent, Suggestion, CaseEvent, FollowUpCase)
    for model in (*loop, ResponseSegment, Answer, Response, Invitation, InvitationBatch, Customer):
        session.execute(sa.delete(model))


def fill_demo(
    session: Session, journey: Journey, *, seed: int, customers: int, responses: int, today: datetime | None = None
) -> DemoSummary:
    """Create demo customers and responses spread over the last twelve months."""
    rng = random.Random(seed)
    now = today or datetime.now(timezone.utc)
    people = make_customers(rng, customers, now.date(), journey.classification)
    session.execute(sa.insert(Customer), [asdict(p) for p in people])
    ids = dict(session.execute(sa.select(Customer.external_id, Customer.id)).all())
    versions = {
        slug: current_version(session, slug) for slug in session.scalars(sa.select(Survey.slug).order_by(Survey.slug))
    }
    versions = {slug: v for slug, v in versions.items() if v is not None}
    weights = [SURVEY_WEIGHTS.get(slug, 10) for slug in versions]
    # Valuable customers are surveyed (and answer) more often.
    person_weights = [{"A": 4, "B": 2, "C": 1}[p.tier] for p in people]
    answers_made = 0
    for start in range(0, responses, BATCH):
        batch = []
        for _ in range(min(BATCH, responses - start)):
            person = rng.choices(people, weights=person_weights)[0]
            version = versions[rng.choices(list(versions), weights=weights)[0]]
            batch.append(_one_response(rng, person, ids[person.external_id], version, journey, now))
        answers_made += _insert_batch(session, batch)
    return DemoSummary(len(people), responses, answers_made)


def _one_response(rng, person: DemoCustomer, customer_id: int, version, journey: Journey, now: datetime) -> dict:
    """One response's row, answers and segment snapshot."""
    days_ago = rng.uniform(0, 365)
    submitted = now - timedelta(days=days_ago)
    language = "en" if rng.random() < 0.18 else "zh"
    touchpoint = version.definition.touchpoint
    shift = mood_shift(touchpoint, submitted, now)
    situation = Situation(person.tier, person.lifecycle, person.region, touchpoint, 1 - days_ago / 365, language, shift)
    checked = check_answers(version.definition.questions, simulate(rng, version.definition.questions, situation))
    years = max(0.0, years_between(person.customer_since, submitted.date()))
    segments = {
        "tier": person.tier,
        "lifecycle": person.lifecycle,
        "region": person.region,
        "industry": person.industry,
        "years_as_customer": _band(journey, years),
    }
    row = {
        "submission_key": uuid.UUID(int=rng.getrandbits(128)).hex,
        "survey_id": version.survey_id,
        "survey_version_id": version.version_id,
        "touchpoint_id": version.touchpoint_id,
        "customer_id": customer_id,
        "channel": rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0],
        "language": language,
        "submitted_at": submitted,
        "started_at": submitted - timedelta(seconds=rng.randint(35, 240)),
    }
    answers = [
        dict(r, question_id=version.question_ids[q.id])
        for q in version.definition.questions
        if q.id in checked.answers
        for r in answer_rows(q, checked.answers[q.id])
    ]
    return {"row": row, "answers": answers, "segments": segments}


def _insert_batch(session: Session, batch: list[dict]) -> int:
    """Insert responses, then their answers and segment snapshots; return answer count."""
    ids = session.scalars(
        sa.insert(Response).returning(Response.id, sort_by_parameter_order=True), [item["row"] for item in batch]
    ).all()
    answers = [dict(a, response_id=rid) for rid, item in zip(ids, batch) for a in item["answers"]]
    segments = [
        {"response_id": rid, "attribute": k, "value": v}
        for rid, item in zip(ids, batch)
        for k, v in item["segments"].items()
        if v
    ]
    session.execute(sa.insert(Answer), answers)
    session.execute(sa.insert(ResponseSegment), segments)
    count_responses(session, ids)
    return len(answers)


def _band(journey: Journey, years: float) -> str | None:
    """The years-as-customer band code for ``years``."""
    attribute = next((s for s in journey.segments if s.code == "years_as_customer"), None)
    for band in attribute.bands if attribute else ():
        if band.minimum <= years and (band.maximum is None or years < band.maximum):
            return band.code
    return None


__all__ = ["DemoSummary", "database_is_empty", "erase_people_and_responses", "fill_demo"]
