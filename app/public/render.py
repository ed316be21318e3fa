"""Turning a survey definition and a form into the page the customer sees."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import JourneySnapshot
from app.public.forms import SurveyFormBase, field_name
from app.services.definitions import LoadedVersion
from app.services.survey_links import valid_source
from touchloop import answers as codes
from touchloop.expressions import parse
from touchloop.questions import Question


@dataclass(frozen=True)
class QuestionView:
    """What the template needs to show one question."""

    question: Question
    number: int
    text: str
    help: str | None
    low: str | None
    high: str | None
    fields: list
    error: str | None
    condition: str | None


def error_message(code: str, question: Question) -> str:
    """The customer-facing message for an answer error code."""
    messages = {
        codes.REQUIRED: _("Please answer this question."),
        codes.GAP_INCOMPLETE: _("Please rate both what you expected and what you experienced."),
        codes.OUT_OF_RANGE: _("Please choose one of the values shown."),
        codes.UNKNOWN_OPTION: _("Please choose one of the options shown."),
        codes.TOO_LONG: _("Please shorten your answer to %(count)d characters.", count=question.max_length or 0),
    }
    return messages[code]


def survey_page(
    version: LoadedVersion,
    form: SurveyFormBase,
    *,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status: int = 200,
    action: str | None = None,
    switcher: tuple[str, dict] | None = None,
    blank: bool = False,
):
    """Render the survey form, with any errors tied to their questions."""
    # ``action``: where the form posts (default: the public survey address);
    # ``switcher``: the (endpoint, arguments) the language links point at;
    # ``blank``: ``form`` holds no answers, so the questions' markup is the version's, made once per language.
    definition = version.definition
    source = channel()
    views = [question_view(q, n, form, errors or {}) for n, q in enumerate(definition.questions, start=1)]
    lang = g.lang
    body = render_template(
        "public/survey.html",
        survey=definition,
        company=company_name(),
        form=form,
        questions=views,
        questions_html=version.derive(("blank", lang), lambda: _questions_markup(views)) if blank else None,
        source=source,
        lang=g.lang,
        action=action or url_for("public.submit", slug=definition.slug, lang=g.lang, src=source),
        switcher=switcher or ("public.survey", {"slug": definition.slug, "src": source}),
        notice=notice_text(notice) if notice else None,
        conditions=version.derive(("conditions",), lambda: _conditions_json(definition)),
    )
    return body, status


def question_view(question: Question, number: int, form: SurveyFormBase, errors: dict[str, str]) -> QuestionView:
    """One question's texts (in the page language), fields and error."""
    lang = g.lang
    labels = question.labels or (None, None)
    parts = ("expected", "actual") if question.type == "gap" else (None,)
    return QuestionView(
        question=question,
        number=number,
        text=question.text[lang],
        help=question.help[lang] if question.help else None,
        low=labels[0][lang] if labels[0] else None,
        high=labels[1][lang] if labels[1] else None,
        fields=[form[field_name(question, part)] for part in parts],
        error=error_message(errors[question.id], question) if question.id in errors else None,
        condition=question.show_if,
    )


def notice_text(notice: str) -> str:
    """The message above the form when a submission could not be taken."""
    notices = {
        "expired": _(
            "Your page had been open a long time, so your answers were not sent yet. "
            "They are all still here: please press Submit again."
        ),
        "unavailable": _(
            "We could not save your answers just now. They are all still here: please press Submit again in a moment."
        ),
        "cookies": _(
            "Your browser did not send back our cookie, which we need to accept your answers safely. "
            "Please allow cookies for this site, then press Submit again: your answers are all still here."
        ),
    }
    return notices[notice]


def channel() -> str | None:
    """The ``src`` tag of the survey link (e.g. store-12), if it is a well-formed one."""
    source = request.args.get("src", "")
    return source if valid_source(source) else None


def company_name() -> dict[str, str]:
    """The company's name per language, from the journey last loaded.

    Only decoration: if the database is down the page goes without it, so a
    customer whose submission failed still gets their answers back.
    """
    try:
        journey = db.session.scalar(sa.select(JourneySnapshot.definition).order_by(JourneySnapshot.id.desc()).limit(1))
    except SQLAlchemyError:
        db.session.rollback()
        return {}
    return (journey or {}).get("company") or {}


def _questions_markup(views: list[QuestionView]) -> Markup:
    """The questions of a form as markup (to be kept for the blank form of a version and language)."""
    return Markup(render_template("public/_question_list.html", questions=views))


def _conditions_json(definition) -> dict:
    """The show_if conditions as JSON syntax trees for the page script."""
    return {q.id: parse(q.show_if).to_json() for q in definition.questions if q.show_if}
