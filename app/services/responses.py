"""Storing a customer's response exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Answer, Customer, Response
from app.models.types import utcnow
from app.services.cases import open_cases
from app.services.definitions import LoadedVersion
from app.services.webhooks.outbox import emit
from app.services.webhooks.payloads import response_data
from touchloop import webhooks
from touchloop.questions import Question


@dataclass(frozen=True)
class ResponseMeta:
    """Where and how a response was given."""

    submission_key: str
    language: str
    channel: str = "web"
    started_at: datetime | None = None
    customer_id: int | None = None
    invitation_id: int | None = None


def response_exists(session: Session, submission_key: str) -> bool:
    """True if a response with this submission key is already stored."""
    return session.scalar(sa.select(Response.id).where(Response.submission_key == submission_key)) is not None


def record_response(session: Session, version: LoadedVersion, answers: dict[str, Any], meta: ResponseMeta) -> Response:
    """Add a response, its answer rows and the follow-up cases it opens (answers already checked, visible-only).

    Everything is added to the caller's transaction: if the response is rolled back, so are its cases and
    the webhook events telling of them.
    """
    response = Response(
        submission_key=meta.submission_key,
        survey_id=version.survey_id,
        survey_version_id=version.version_id,
        touchpoint_id=version.touchpoint_id,
        customer_id=meta.customer_id,
        invitation_id=meta.invitation_id,
        channel=meta.channel,
        language=meta.language,
        started_at=meta.started_at,
        submitted_at=utcnow(),
    )
    session.add(response)
    session.flush()
    rows = [
        dict(row, response_id=response.id, question_id=version.question_ids[question.id])
        for question in version.definition.questions
        if question.id in answers
        for row in answer_rows(question, answers[question.id])
    ]
    if rows:
        session.execute(sa.insert(Answer).execution_options(render_nulls=True), rows)
    customer = session.get(Customer, meta.customer_id) if meta.customer_id is not None else None
    definition = version.definition
    emit(
        session,
        webhooks.RESPONSE_CREATED,
        response_data(response, definition.slug, definition.touchpoint, customer, answers),
        now=response.submitted_at,
    )
    open_cases(
        session,
        response=response,
        definition=version.definition,
        answers=answers,
        customer=customer,
        now=response.submitted_at,
    )
    return response


def answer_rows(question: Question, value: Any) -> list[dict[str, Any]]:
    """The answer columns for one answer: one row per option of a multiple choice.

    Every row names every column, so that all of a response's answers go in one INSERT.
    """
    blank = {"value": None, "expected": None, "choice": None, "text": None}
    if question.type == "gap":
        return [blank | {"value": value.actual, "expected": value.expected}]
    if question.is_numeric:
        return [blank | {"value": value}]
    if question.type == "choice":
        return [blank | {"choice": code} for code in (value if question.multiple else [value])]
    return [blank | {"text": value}]
