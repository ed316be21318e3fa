"""Glue for the analytics pages: names in a language, the data version charts are cached by, channels, comments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    Answer,
    Dimension,
    JourneySnapshot,
    Question,
    ReferenceLevel,
    Response,
    ResponseSegment,
    Stage,
    Survey,
    SurveyVersion,
    Target,
    Touchpoint,
)
from app.services.analytics import Filters
from app.services.definitions import loaded_version
from touchloop.questions import FIXED_SCALES

COMMENTS = 20  # verbatim comments shown on a touchpoint page


@dataclass(frozen=True)
class Comment:
    """One text answer as the customer typed it (the template escapes it)."""

    submitted_at: datetime
    question: str
    text: str


def data_version(session: Session) -> tuple:
    """What the charts are drawn from, in a few cheap aggregates: changes whenever the data do.

    Responses are never edited after they are stored, so a new response, a deleted one or a reloaded journey
    (new names) change (newest response id, number of responses, newest journey snapshot id). Targets and
    reference levels are drawn as comparison lines: adding or removing one changes their count and newest id,
    replacing a level's value changes its newest update time.
    """
    newest, count = session.execute(sa.select(sa.func.max(Response.id), sa.func.count(Response.id))).one()
    journey = session.scalar(sa.select(sa.func.max(JourneySnapshot.id)))
    targets = session.execute(sa.select(sa.func.max(Target.id), sa.func.count(Target.id))).one()
    levels = session.execute(sa.select(sa.func.max(ReferenceLevel.updated_at), sa.func.count(ReferenceLevel.id))).one()
    return int(newest or 0), int(count or 0), int(journey or 0), tuple(targets), (str(levels[0]), levels[1])


def names(session: Session, model: type, lang: str) -> dict[int, str]:
    """Id -> name in ``lang`` (else any language, else the code) of every Stage, Touchpoint or Dimension."""
    found = {}
    for row_id, code, name in session.execute(sa.select(model.id, model.code, model.name)):
        name = name or {}
        found[row_id] = name.get(lang) or next(iter(name.values()), None) or code
    return found


def touchpoint_by_code(session: Session, code: str) -> Touchpoint | None:
    """The touchpoint with this code, or None."""
    return session.scalar(sa.select(Touchpoint).where(Touchpoint.code == code))


def touchpoints_in_order(session: Session) -> list[Touchpoint]:
    """Every touchpoint in journey order (stage, then position in the stage)."""
    query = sa.select(Touchpoint).join(Stage, Stage.id == Touchpoint.stage_id)
    return list(session.scalars(query.order_by(Stage.position, Touchpoint.position, Touchpoint.id)))


def dimensions_in_order(session: Session) -> list[Dimension]:
    """Every dimension in the order the journey declares them."""
    return list(session.scalars(sa.select(Dimension).order_by(Dimension.id)))


def stage_order(session: Session) -> list[int]:
    """Stage ids in journey order."""
    return list(session.scalars(sa.select(Stage.id).order_by(Stage.position, Stage.id)))


def dimension_order(session: Session) -> list[int]:
    """Dimension ids in the order they were declared."""
    return list(session.scalars(sa.select(Dimension.id).order_by(Dimension.id)))


def channels(session: Session) -> list[str]:
    """Every channel responses came through, sorted."""
    return list(session.scalars(sa.select(Response.channel).distinct().order_by(Response.channel)))


def latest_comments(session: Session, touchpoint_id: int, filters: Filters, limit: int = COMMENTS) -> list[Comment]:
    """The newest text answers at a touchpoint under the period, channel and segment filters."""
    query = (
        sa.select(Response.submitted_at, Question.code, Answer.text)
        .join(Answer, Answer.response_id == Response.id)
        .join(Question, Question.id == Answer.question_id)
        .where(Response.touchpoint_id == touchpoint_id, Question.type == "text", Answer.text.is_not(None))
        .where(*_conditions(filters))
        .order_by(Response.submitted_at.desc(), Answer.id.desc())
        .limit(limit)
    )
    return [Comment(submitted, code, text) for submitted, code, text in session.execute(query) if text.strip()]


def _conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    """SQL conditions on Response for the period (UTC days, both ends included), channels and segment values."""
    conditions = []
    if filters.start:
        conditions.append(Response.submitted_at >= datetime.combine(filters.start, time(), timezone.utc))
    if filters.end:
        after = datetime.combine(filters.end + timedelta(days=1), time(), timezone.utc)
        conditions.append(Response.submitted_at < after)
    if filters.channels:
        conditions.append(Response.channel.in_(sorted(filters.channels)))
    for attribute, values in filters.segments:
        conditions.append(
            sa.exists().where(
                ResponseSegment.response_id == Response.id,
                ResponseSegment.attribute == attribute,
                ResponseSegment.value.in_(sorted(values)),
            )
        )
    return conditions


@dataclass(frozen=True)
class QuestionDetails:
    """What a chart needs to know about a numeric question: where it is asked, its scale and its text."""

    touchpoint_id: int
    code: str
    position: int  # in its survey
    dimension_id: int | None
    scale: tuple[int, int] | None
    text: dict[str, str]


def question_details(session: Session, question_ids: Iterable[int]) -> dict[int, QuestionDetails]:
    """Question id -> its touchpoint, code, dimension, scale and text per language (from its survey version)."""
    ids = sorted(set(question_ids))
    if not ids:
        return {}
    query = (
        sa.select(Question, Survey.touchpoint_id)
        .join(SurveyVersion, SurveyVersion.id == Question.version_id)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .where(Question.id.in_(ids))
    )
    found = {}
    for question, touchpoint_id in session.execute(query):
        version = loaded_version(session, question.version_id)
        defined = {item.id: item for item in version.definition.questions} if version else {}
        text = defined[question.code].text if question.code in defined else {}
        scale = (question.scale_min, question.scale_max) if question.scale_min is not None else None
        found[question.id] = QuestionDetails(
            touchpoint_id,
            question.code,
            question.position,
            question.dimension_id,
            scale or FIXED_SCALES.get(question.type),
            dict(text),
        )
    return found
