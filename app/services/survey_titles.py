"""Survey titles as the newest version of each survey gives them."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Survey, SurveyVersion


def in_language(text: dict[str, str] | None, lang: str, fallback: str = "") -> str:
    """``text`` in ``lang``, else in its first language, else ``fallback``."""
    if not text:
        return fallback
    return text.get(lang) or next(iter(text.values()), fallback)


def newest_titles(session: Session, survey_ids: Iterable[int] | None = None) -> dict[int, dict[str, str]]:
    """Survey id -> title per language of its newest version (every survey when ``survey_ids`` is None)."""
    newest = sa.select(SurveyVersion.survey_id, sa.func.max(SurveyVersion.number).label("number"))
    if survey_ids is not None:
        ids = sorted(set(survey_ids))
        if not ids:
            return {}
        newest = newest.where(SurveyVersion.survey_id.in_(ids))
    newest = newest.group_by(SurveyVersion.survey_id).subquery()
    rows = session.execute(
        sa.select(Survey.id, Survey.slug, SurveyVersion.definition)
        .join(SurveyVersion, SurveyVersion.survey_id == Survey.id)
        .join(newest, sa.and_(newest.c.survey_id == Survey.id, newest.c.number == SurveyVersion.number))
    )
    return {survey_id: (definition or {}).get("title") or {"en": slug} for survey_id, slug, definition in rows}
