"""The customer journey: departments, stages, touchpoints, dimensions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import Translations, utcnow


class Department(db.Model):
    """A department that owns touchpoints and acts on what customers say."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[dict] = mapped_column(Translations)
    # The department head receives escalations of overdue items (set on the admin pages).
    head_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", use_alter=True, name="fk_department_head_id_user")
    )


class Stage(db.Model):
    """A stage of the customer journey (before purchase, purchase, ...)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    position: Mapped[int]
    name: Mapped[dict] = mapped_column(Translations)
    touchpoints: Mapped[list[Touchpoint]] = relationship(back_populates="stage", order_by="Touchpoint.position")


class Touchpoint(db.Model):
    """A contact between company and customer, owned by one department."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stage.id"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    position: Mapped[int]
    name: Mapped[dict] = mapped_column(Translations)
    stage: Mapped[Stage] = relationship(back_populates="touchpoints")
    department: Mapped[Department] = relationship()


class Dimension(db.Model):
    """An experience dimension customers judge (product, service, price, ...)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[dict] = mapped_column(Translations)


class JourneySnapshot(db.Model):
    """Each distinct journey.yaml content that was loaded, newest last."""

    id: Mapped[int] = mapped_column(primary_key=True)
    checksum: Mapped[str] = mapped_column(sa.String(64))
    definition: Mapped[dict] = mapped_column(sa.JSON)
    loaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
