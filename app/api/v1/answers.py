"""Answers in JSON: read into what touchloop.answers checks, and stored answers given back the same way.

In JSON a numeric answer is a whole number, a gap answer ``{"expected": n, "actual": n}``, a single choice an
option code, a multiple choice a list of codes, and a text answer a string; null means unanswered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.api.problems import pointer
from app.extensions import db
from app.models import Answer, Question
from app.public.render import error_message
from app.services.definitions import loaded_version
from touchloop.answers import GapAnswer, check_answers
from touchloop.questions import Question as QuestionDefinition
from touchloop.survey import Survey as SurveyDefinition

INVALID_TYPE = "invalid_type"
UNKNOWN_QUESTION = "unknown_question"


def checked_answers(definition: SurveyDefinition, given: dict[str, Any]) -> tuple[dict[str, Any], list[dict]]:
    """The answers to store, and the field errors (pointer, code, message) if there is anything to fix."""
    questions = {question.id: question for question in definition.questions}
    errors = [
        _error(key, UNKNOWN_QUESTION, _("There is no question '%(id)s' in this survey.", id=key))
        for key in given
        if key not in questions
    ]
    raw: dict[str, Any] = {}
    for question_id, value in given.items():
        if question_id not in questions:
            continue
        read, message = _read(questions[question_id], value)
        if message:
            errors.append(_error(question_id, INVALID_TYPE, message))
        else:
            raw[question_id] = read
    if errors:
        return {}, errors
    checked = check_answers(definition.questions, raw)
    errors = [_error(qid, code, error_message(code, questions[qid])) for qid, code in checked.errors.items()]
    return checked.answers, errors


def _error(question_id: str, code: str, message: str) -> dict:
    """One field error about the answer to ``question_id``."""
    return {"pointer": pointer("answers", question_id), "code": code, "message": message}


def _read(question: QuestionDefinition, value: Any) -> tuple[Any, str | None]:
    """A JSON answer as touchloop.answers expects it, or a message saying what shape it must have."""
    if value is None:
        return None, None
    if question.type == "gap":
        if isinstance(value, dict) and set(value) <= {"expected", "actual"}:
            halves = [value.get("expected"), value.get("actual")]
            if all(half is None or _is_whole(half) for half in halves):
                return GapAnswer(*halves), None
        return None, _('A gap answer is {"expected": number, "actual": number}.')
    if question.is_numeric:
        return (value, None) if _is_whole(value) else (None, _("The answer must be a whole number."))
    if question.type == "choice" and question.multiple:
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value, None
        return None, _("The answer must be a list of option codes.")
    if isinstance(value, str):
        return value, None
    if question.type == "choice":
        return None, _("The answer must be an option code.")
    return None, _("The answer must be text.")


def _is_whole(value: Any) -> bool:
    """True for a JSON whole number (not a boolean)."""
    return isinstance(value, int) and not isinstance(value, bool)


def stored_answers(responses: Iterable[tuple[int, int]]) -> dict[int, dict[str, Any]]:
    """Response id -> its answers in JSON form, for ``(response_id, survey_version_id)`` pairs, in one query."""
    versions = dict(responses)
    if not versions:
        return {}
    rows = db.session.execute(
        sa.select(Answer.response_id, Question.code, Answer.value, Answer.expected, Answer.choice, Answer.text)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.response_id.in_(list(versions)))
        .order_by(Answer.response_id, Answer.id)
    )
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    questions: dict[int, dict[str, QuestionDefinition]] = {}
    for response_id, code, value, expected, choice, text in rows:
        version_id = versions[response_id]
        if version_id not in questions:
            version = loaded_version(db.session, version_id)
            questions[version_id] = {q.id: q for q in version.definition.questions} if version else {}
        _put(found[response_id], questions[version_id].get(code), code, (value, expected, choice, text))
    return {response_id: dict(found.get(response_id, {})) for response_id in versions}


def _put(answers: dict[str, Any], question: QuestionDefinition | None, code: str, columns: tuple) -> None:
    """Add one answer row to ``answers`` (a multiple choice has a row per option)."""
    value, expected, choice, text = columns
    if question is not None and question.type == "gap":
        answers[code] = {"expected": expected, "actual": value}
    elif question is not None and question.type == "choice" and question.multiple:
        answers.setdefault(code, []).append(choice)
    else:
        answers[code] = next((item for item in (value, choice, text) if item is not None), None)
