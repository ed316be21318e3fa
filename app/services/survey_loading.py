"""Load validated definition files into the database, idempotently."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Department, Dimension, JourneySnapshot, Question, Stage, Survey, SurveyVersion, Touchpoint
from touchloop.catalog import Catalog
from touchloop.journey import Journey
from touchloop.survey import Survey as SurveyDefinition
from touchloop.survey import content_checksum


@dataclass
class LoadReport:
    """What a load changed: one line per survey, plus the journey."""

    journey_changed: bool = False
    created: list[str] = field(default_factory=list)
    new_versions: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def load_catalog(session: Session, catalog: Catalog) -> LoadReport:
    """Upsert the journey and add a version for every new or changed survey."""
    if catalog.problems or catalog.journey is None:
        raise ValueError("refusing to load a catalog with problems")
    report = LoadReport(journey_changed=sync_journey(session, catalog.journey))
    for definition in catalog.surveys:
        load_survey(session, definition, report)
    return report


def sync_journey(session: Session, journey: Journey) -> bool:
    """Make departments, stages, touchpoints and dimensions match journey.yaml.

    Nothing is deleted: responses point at touchpoints, and history stays.
    Returns True if the journey content differs from the last one loaded.
    """
    checksum = content_checksum(journey.data)
    last = session.scalar(sa.select(JourneySnapshot).order_by(JourneySnapshot.id.desc()).limit(1))
    if last is not None and last.checksum == checksum:
        return False
    departments = {d.code: _upsert(session, Department, d.code, name=d.name) for d in journey.departments}
    for code_, dim in ((d.code, d) for d in journey.dimensions):
        _upsert(session, Dimension, code_, name=dim.name)
    position = 0
    for stage_position, stage in enumerate(journey.stages):
        stage_row = _upsert(session, Stage, stage.code, name=stage.name, position=stage_position)
        for tp in stage.touchpoints:
            _upsert(
                session,
                Touchpoint,
                tp.code,
                name=tp.name,
                position=position,
                stage=stage_row,
                department=departments[tp.department],
            )
            position += 1
    session.add(JourneySnapshot(checksum=checksum, definition=journey.data))
    session.flush()
    return True


def load_survey(session: Session, definition: SurveyDefinition, report: LoadReport) -> SurveyVersion:
    """Add a version if the content changed; an unchanged survey is left alone."""
    touchpoint = session.scalar(sa.select(Touchpoint).filter_by(code=definition.touchpoint))
    survey = session.scalar(sa.select(Survey).filter_by(slug=definition.slug))
    if survey is None:
        survey = Survey(slug=definition.slug, touchpoint=touchpoint)
        session.add(survey)
        report.created.append(definition.slug)
    latest = latest_version(session, survey) if survey.id else None
    if latest is not None and latest.checksum == definition.checksum:
        report.unchanged.append(definition.slug)
        return latest
    survey.touchpoint = touchpoint
    version = SurveyVersion(
        survey=survey,
        number=(latest.number + 1) if latest else 1,
        checksum=definition.checksum,
        definition=definition.data,
        source_file=definition.source,
    )
    session.add(version)
    dimensions = dict(session.execute(sa.select(Dimension.code, Dimension.id)).all())
    for position, question in enumerate(definition.questions):
        low, high = question.scale or (None, None)
        session.add(
            Question(
                version=version,
                code=question.id,
                position=position,
                type=question.type,
                dimension_id=dimensions.get(question.dimension),
                scale_min=low,
                scale_max=high,
            )
        )
    session.flush()
    if latest is not None:
        report.new_versions.append((definition.slug, version.number))
    return version


def latest_version(session: Session, survey: Survey) -> SurveyVersion | None:
    """The newest version of ``survey`` (the one customers are asked)."""
    return session.scalar(
        sa.select(SurveyVersion).filter_by(survey_id=survey.id).order_by(SurveyVersion.number.desc()).limit(1)
    )


def _upsert(session: Session, model, code: str, **values):
    """The row of ``model`` with this code, created or updated with ``values``."""
    row = session.scalar(sa.select(model).filter_by(code=code))
    if row is None:
        row = model(code=code)
        session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    return row
