"""The closed loop: improvement suggestions and follow-up cases, with their histories.

Nothing here is ever deleted; every change of state is an event row. ``version``
is SQLAlchemy's optimistic lock: two people changing one item at once cannot
both win, the second gets a StaleDataError and is shown the new state.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.people import User
from app.models.types import BigId, utcnow


class Suggestion(db.Model):
    """An employee's improvement suggestion, travelling to a verified closure."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    expected_benefit: Mapped[str | None] = mapped_column(sa.Text)
    touchpoint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("touchpoint.id"), index=True)
    dimension_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dimension.id"))
    state: Mapped[str] = mapped_column(sa.String(20), index=True)
    submitter_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"), index=True)
    due_date: Mapped[date | None] = mapped_column(index=True)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("suggestion.id"))
    origin_case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("follow_up_case.id"), index=True)
    reason: Mapped[str | None] = mapped_column(
        sa.Text
    )  # the last rejection/decline/deferral reason, shown to the submitter
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1)
    submitter: Mapped[User] = relationship(foreign_keys=[submitter_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

    __mapper_args__ = {"version_id_col": version}


class SuggestionEvent(db.Model):
    """One step in a suggestion's timeline: who, when, from, to, why."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestion.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    from_state: Mapped[str | None] = mapped_column(sa.String(20))
    to_state: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict | None] = mapped_column(sa.JSON)  # e.g. owner, due date or merge target set by the step


class SuggestionEvidence(db.Model):
    """A link from a suggestion to what it is based on: a response, a case, a gap on the analytics page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestion.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # response | case | gap
    reference: Mapped[str] = mapped_column(sa.String(200))  # an id, or a gap's touchpoint/dimension/segment
    note: Mapped[str | None] = mapped_column(sa.Text)


class FollowUpCase(db.Model):
    """A customer's bad experience, to be followed up by a deadline (the inner loop)."""

    __tablename__ = "follow_up_case"
    __table_args__ = (sa.UniqueConstraint("response_id", "rule_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("response.id"), index=True)
    rule_id: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[dict] = mapped_column(sa.JSON)  # per language, from the survey's follow-up rule
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customer.id"), index=True)
    touchpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("touchpoint.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    state: Mapped[str] = mapped_column(sa.String(20), index=True)
    deadline_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    root_cause: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1)
    assignee: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class CaseEvent(db.Model):
    """One step in a case's timeline."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("follow_up_case.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    from_state: Mapped[str | None] = mapped_column(sa.String(20))
    to_state: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict | None] = mapped_column(sa.JSON)
