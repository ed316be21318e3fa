"""Surveys, their immutable versions, and each version's questions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.journey import Touchpoint
from app.models.types import utcnow


class Survey(db.Model):
    """A survey at one touchpoint, reachable at /s/<slug>; its newest version is asked."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    touchpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("touchpoint.id"))
    touchpoint: Mapped[Touchpoint] = relationship()
    versions: Mapped[list[SurveyVersion]] = relationship(back_populates="survey", order_by="SurveyVersion.number")


class SurveyVersion(db.Model):
    """One loaded content of a survey file. Never changed once responses point at it."""

    __table_args__ = (sa.UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id"))
    number: Mapped[int]
    checksum: Mapped[str] = mapped_column(sa.String(64))
    definition: Mapped[dict] = mapped_column(sa.JSON)
    source_file: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    survey: Mapped[Survey] = relationship(back_populates="versions")
    questions: Mapped[list[Question]] = relationship(back_populates="version", order_by="Question.position")


class Question(db.Model):
    """A question of one survey version, the unit answers are grouped by."""

    __table_args__ = (sa.UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_version.id"))
    code: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int]
    type: Mapped[str] = mapped_column(sa.String(16))
    dimension_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dimension.id"))
    scale_min: Mapped[int | None]
    scale_max: Mapped[int | None]
    version: Mapped[SurveyVersion] = relationship(back_populates="questions")
