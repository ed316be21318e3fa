"""Responses and their answers, stored as plain columns that SQL can aggregate."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from app.extensions import db
from app.models.types import BigId


class Response(db.Model):
    """One customer's submitted survey, tied to the exact version answered."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    submission_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id"), index=True)
    survey_version_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_version.id"), index=True)
    touchpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("touchpoint.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customer.id"), index=True)
    # Unique: one invitation yields one response, whatever the browsers do.
    invitation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invitation.id"), unique=True)
    channel: Mapped[str] = mapped_column(sa.String(64))
    language: Mapped[str] = mapped_column(sa.String(8))
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    answers: WriteOnlyMapped[Answer] = relationship(back_populates="response", passive_deletes=True)


class Answer(db.Model):
    """One answer: a score in ``value`` (and ``expected`` for a gap), a choice, or text.

    A multiple choice stores one row per chosen option, so option counts are a
    plain GROUP BY. Gap = value - expected.
    """

    __table_args__ = (sa.Index("ix_answer_question_value", "question_id", "value"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    response_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"))
    value: Mapped[int | None] = mapped_column(sa.SmallInteger)
    expected: Mapped[int | None] = mapped_column(sa.SmallInteger)
    choice: Mapped[str | None] = mapped_column(sa.String(40))
    text: Mapped[str | None] = mapped_column(sa.Text)
    response: Mapped[Response] = relationship(back_populates="answers")
