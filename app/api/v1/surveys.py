"""Surveys: the list, and one survey's newest definition with everything a kiosk needs to show it."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _

from app.api.blueprint import ApiBlueprint
from app.api.problems import Problem
from app.api.v1.fields import texts
from app.extensions import db
from app.services.definitions import LoadedVersion, current_version
from app.services.survey_links import survey_links
from touchloop.checks import SLUG_RE
from touchloop.expressions import parse
from touchloop.questions import Question

blp = ApiBlueprint("surveys", __name__, url_prefix="/api/v1/surveys", description="Survey definitions")


class SurveySummarySchema(ma.Schema):
    """A survey as the list shows it."""

    slug = ma.fields.String(required=True)
    version_id = ma.fields.Integer(required=True, metadata={"description": "Send it with a response"})
    version = ma.fields.Integer(required=True)
    touchpoint = ma.fields.String(required=True)
    languages = ma.fields.List(ma.fields.String(), required=True)
    title = texts(required=True)


class ScaleSchema(ma.Schema):
    """A numeric question's whole-number range."""

    min = ma.fields.Integer(required=True)
    max = ma.fields.Integer(required=True)


class OptionSchema(ma.Schema):
    """One option of a choice question."""

    code = ma.fields.String(required=True)
    text = texts(required=True)


class QuestionSchema(ma.Schema):
    """One question with its texts per language and its rules."""

    id = ma.fields.String(required=True)
    type = ma.fields.String(required=True, metadata={"enum": ["nps", "rating", "csat", "ces", "gap", "choice", "text"]})
    required = ma.fields.Boolean(required=True)
    text = texts(required=True)
    help = texts(allow_none=True)
    show_if = ma.fields.Dict(
        allow_none=True,
        metadata={"description": "The condition's syntax tree (lit, ref/part, cmp/left/right, not, op/items)"},
    )
    show_if_text = ma.fields.String(allow_none=True, metadata={"description": "The condition as written"})
    dimension = ma.fields.String(allow_none=True)
    scale = ma.fields.Nested(ScaleSchema, allow_none=True)
    labels = ma.fields.Dict(
        keys=ma.fields.String(),
        values=texts(),
        allow_none=True,
        metadata={"description": "low and high: the scale's end labels per language"},
    )
    gap_texts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=texts(),
        allow_none=True,
        metadata={"description": "expected and actual: the two sub-questions of a gap question"},
    )
    options = ma.fields.List(ma.fields.Nested(OptionSchema), required=True)
    multiple = ma.fields.Boolean(required=True)
    max_length = ma.fields.Integer(allow_none=True)


class SurveySchema(SurveySummarySchema):
    """A survey's newest version, complete."""

    intro = texts(allow_none=True)
    thanks = texts(allow_none=True)
    questions = ma.fields.List(ma.fields.Nested(QuestionSchema), required=True)


class SurveyListSchema(ma.Schema):
    """Every survey, in journey order."""

    items = ma.fields.List(ma.fields.Nested(SurveySummarySchema), required=True)


@blp.route("")
@blp.scope("surveys:read")
@blp.response(200, SurveyListSchema)
def list_surveys():
    """List the surveys, in journey order, with their newest version."""
    versions = [current_version(db.session, link.slug) for link in survey_links(db.session)]
    return {"items": [summary(version) for version in versions if version is not None]}


@blp.route("/<string(maxlength=40):slug>")
@blp.scope("surveys:read")
@blp.response(200, SurveySchema)
def get_survey(slug: str):
    """Get a survey's newest definition: questions, scales, options, texts per language and conditions."""
    version = current_version(db.session, slug) if SLUG_RE.fullmatch(slug) else None
    if version is None:
        raise Problem(404, detail=_("There is no survey '%(slug)s'.", slug=slug))
    definition = version.definition
    return {
        **summary(version),
        "intro": definition.intro,
        "thanks": definition.thanks,
        "questions": [question_json(question) for question in definition.questions],
    }


def summary(version: LoadedVersion) -> dict:
    """The list entry of a survey version."""
    definition = version.definition
    return {
        "slug": definition.slug,
        "version_id": version.version_id,
        "version": version.number,
        "touchpoint": definition.touchpoint,
        "languages": list(definition.languages),
        "title": definition.title,
    }


def question_json(question: Question) -> dict:
    """One question as the API gives it."""
    labels = question.labels
    gap_texts = question.gap_texts
    return {
        "id": question.id,
        "type": question.type,
        "required": question.required,
        "text": question.text,
        "help": question.help,
        "show_if": parse(question.show_if).to_json() if question.show_if else None,
        "show_if_text": question.show_if,
        "dimension": question.dimension,
        "scale": {"min": question.scale[0], "max": question.scale[1]} if question.scale else None,
        "labels": {"low": labels[0], "high": labels[1]} if labels else None,
        "gap_texts": {"expected": gap_texts[0], "actual": gap_texts[1]} if gap_texts else None,
        "options": [{"code": option.code, "text": option.text} for option in question.options],
        "multiple": question.multiple,
        "max_length": question.max_length,
    }
