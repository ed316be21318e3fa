"""Stored responses aggregate in SQL and survive new versions of their survey."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from app.models import Answer, Question, Response
from app.services.definitions import current_version
from app.services.responses import ResponseMeta, record_response
from tests.factories import MINIMAL_SURVEY, load_surveys, make_survey_dir
from touchloop.answers import GapAnswer


def _answer(session, version, **answers):
    meta = ResponseMeta(submission_key=uuid.uuid4().hex, language="en")
    response = record_response(session, version, answers, meta)
    session.commit()
    return response


def test_answers_are_columns_that_group_by_in_sql(session, tmp_path):
    load_surveys(session, make_survey_dir(tmp_path, {"mini.yaml": MINIMAL_SURVEY}))
    version = current_version(session, "mini")
    _answer(session, version, recommend=9, punctuality=GapAnswer(6, 4), topics=["price", "care"])
    _answer(session, version, recommend=3, punctuality=GapAnswer(5, 5), why="Late", topics=["price"])
    histogram = session.execute(
        sa.select(Answer.value, sa.func.count())
        .join(Question)
        .where(Question.code == "recommend")
        .group_by(Answer.value)
        .order_by(Answer.value)
    ).all()
    assert [tuple(row) for row in histogram] == [(3, 1), (9, 1)]
    gap = session.execute(
        sa.select(sa.func.count(), sa.func.sum(Answer.value - Answer.expected))
        .join(Question)
        .where(Question.code == "punctuality")
    ).one()
    assert tuple(gap) == (2, -2)
    options = session.execute(
        sa.select(Answer.choice, sa.func.count())
        .join(Question)
        .where(Question.code == "topics")
        .group_by(Answer.choice)
        .order_by(Answer.choice)
    ).all()
    assert [tuple(row) for row in options] == [("care", 1), ("price", 2)]


def test_response_keeps_its_version_after_the_file_changes(session, tmp_path):
    folder = make_survey_dir(tmp_path, {"mini.yaml": MINIMAL_SURVEY})
    load_surveys(session, folder)
    old = current_version(session, "mini")
    response = _answer(session, old, recommend=8)
    (folder / "mini.yaml").write_text(
        MINIMAL_SURVEY.replace("What matters to you?", "What matters most?"), encoding="utf-8"
    )
    report = load_surveys(session, folder)
    new = current_version(session, "mini")
    assert report.new_versions == [("mini", 2)] and new.version_id != old.version_id
    stored = session.get(Response, response.id)
    assert stored.survey_version_id == old.version_id
    question_version = session.scalar(
        sa.select(Question.version_id).join(Answer).where(Answer.response_id == response.id)
    )
    assert question_version == old.version_id
