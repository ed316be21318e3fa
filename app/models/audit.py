"""The audit log: who did what to which object, and when, for the actions that run Touchloop."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import BigId, utcnow


class AuditEntry(db.Model):
    """One administrative action, written in the transaction that made the change; never changed afterwards.

    ``actor_name`` keeps who it was (an e-mail, or the command line) even if the account changes later;
    ``summary`` is a short description of the change as plain values: never a password, token or secret.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        sa.Index("ix_audit_entry_actor_id_id", "actor_id", "id"),  # one person's actions, newest first
        sa.Index("ix_audit_entry_action_id", "action", "id"),  # one kind of action, newest first
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    actor_name: Mapped[str] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    summary: Mapped[dict] = mapped_column(sa.JSON)
