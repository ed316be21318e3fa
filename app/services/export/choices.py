"""What the export page offers: every survey, named in the page language, with its number of responses."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Response, Survey
from app.services.survey_titles import in_language, newest_titles


@dataclass(frozen=True)
class SurveyChoice:
    """One survey that can be exported."""

    slug: str
    title: str
    responses: int


def survey_choices(session: Session, lang: str) -> list[SurveyChoice]:
    """Every loaded survey with its title in ``lang`` and its response count (one GROUP BY), by title."""
    counts = dict(session.execute(sa.select(Response.survey_id, sa.func.count()).group_by(Response.survey_id)).all())
    titles = newest_titles(session)
    surveys = session.execute(sa.select(Survey.id, Survey.slug)).all()
    choices = [
        SurveyChoice(slug, in_language(titles.get(survey_id), lang, slug), counts.get(survey_id, 0))
        for survey_id, slug in surveys
    ]
    return sorted(choices, key=lambda choice: (choice.title, choice.slug))
