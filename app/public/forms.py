"""WTForms forms built from a survey definition, and the answers read back."""

from __future__ import annotations

import re
import time
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, SelectChoice, SelectMultipleField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from touchloop.answers import GapAnswer
from touchloop.questions import Question


class CheckboxesField(SelectMultipleField):
    """Several options, shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SurveyFormBase(FlaskForm):
    """Hidden fields every survey form carries."""

    submission_key = HiddenField()
    version_id = HiddenField()
    started_at = HiddenField()

    class Meta:
        """Survey fields have no validators, so WTForms never shows a message of its own."""

        def get_translations(self, form):
            """None: skips Flask-WTF's loading of WTForms' catalogue from disk on every request."""
            return None


def field_name(question: Question, part: str | None = None) -> str:
    """The form field name of a question (or of one half of a gap question)."""
    return f"q_{question.id}__{part}" if part else f"q_{question.id}"


def build_form_class(questions: tuple[Question, ...], language: str) -> type[SurveyFormBase]:
    """A form class with one field per question (two for a gap question).

    Fields carry no validators of their own: which answers are required depends
    on show_if, and touchloop.answers decides that for server and script alike.
    """
    fields: dict[str, Field] = {}
    for question in questions:
        label = question.text[language]
        if question.type == "gap":
            choices = _scale(question)
            for part, text in zip(("expected", "actual"), question.gap_texts or ({}, {})):
                fields[field_name(question, part)] = RadioField(
                    text.get(language, part), choices=choices, coerce=strict_int, validate_choice=False
                )
        elif question.is_numeric:
            fields[field_name(question)] = RadioField(
                label, choices=_scale(question), coerce=strict_int, validate_choice=False
            )
        elif question.type == "choice":
            choices = [SelectChoice(o.code, o.text[language]) for o in question.options]
            kind = CheckboxesField if question.multiple else RadioField
            fields[field_name(question)] = kind(label, choices=choices, validate_choice=False)
        else:
            fields[field_name(question)] = TextAreaField(label)
    return type("SurveyForm", (SurveyFormBase,), fields)


def strict_int(value: Any) -> int | None:
    """Parse a scale value: plain ASCII digits only (no "1_0", "+4" or other scripts)."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if not re.fullmatch(r"-?[0-9]{1,3}", str(value)):
        raise ValueError("not a scale value")
    return int(value)


def _scale(question: Question) -> list[SelectChoice]:
    """The radio choices of a numeric scale."""
    low, high = question.scale or (0, 0)
    return [SelectChoice(value, str(value)) for value in range(low, high + 1)]


def raw_answers(form: SurveyFormBase, questions: tuple[Question, ...]) -> dict[str, Any]:
    """The submitted values by question id; unparseable numbers count as out of range."""
    raw: dict[str, Any] = {}
    for question in questions:
        if question.type == "gap":
            halves = [_field_value(form[field_name(question, part)]) for part in ("expected", "actual")]
            raw[question.id] = GapAnswer(*halves)
        else:
            raw[question.id] = _field_value(form[field_name(question)])
    return raw


def _field_value(field: Field) -> Any:
    """A field's data, or -1 (never on a scale) when the browser sent garbage."""
    if field.process_errors:
        return -1
    return field.data


def parse_started_at(value: str | None) -> float | None:
    """The epoch seconds the form was first shown, if plausible."""
    try:
        started = float(value or "")
    except ValueError:
        return None
    now = time.time()
    return started if now - 90 * 86400 < started <= now + 60 else None
