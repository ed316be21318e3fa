"""The public links of the surveys, with an optional source tag that becomes the response's channel."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Stage, Survey, Touchpoint
from app.services.survey_titles import newest_titles

# A link's source tag (e.g. store-12); the public page stores it as the response's channel.
SOURCE_RE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


@dataclass(frozen=True)
class SurveyLink:
    """A survey as its public link shows it: slug, titles and touchpoint name per language."""

    slug: str
    title: dict[str, str]
    touchpoint: dict[str, str]


def valid_source(source: str) -> bool:
    """True if ``source`` can be a source tag: 1 to 64 letters, digits, '.', '_' or '-'."""
    return bool(SOURCE_RE.fullmatch(source))


def public_url(base: str, slug: str, source: str | None = None) -> str:
    """The anonymous survey link: ``base``/s/``slug``, with ?src= when a source tag is given."""
    url = f"{base.rstrip('/')}/s/{slug}"
    return f"{url}?{urlencode({'src': source})}" if source else url


def survey_links(session: Session, slug: str | None = None) -> list[SurveyLink]:
    """Every survey (or the one with ``slug``) in journey order, titled as its newest version is."""
    stmt = (
        sa.select(Survey.id, Survey.slug, Touchpoint.name)
        .join(Touchpoint, Touchpoint.id == Survey.touchpoint_id)
        .join(Stage, Stage.id == Touchpoint.stage_id)
        .order_by(Stage.position, Touchpoint.position, Survey.slug)
    )
    if slug is not None:
        stmt = stmt.where(Survey.slug == slug)
    rows = session.execute(stmt).all()
    titles = newest_titles(session, [survey_id for survey_id, _, _ in rows])
    return [
        SurveyLink(survey_slug, titles.get(survey_id) or {"en": survey_slug}, touchpoint or {})
        for survey_id, survey_slug, touchpoint in rows
    ]
