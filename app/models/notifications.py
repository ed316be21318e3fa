"""What the loop tells people: inbox notifications, each user's choices, daily digests, and who follows what.

A notification is stored as its kind and parameters, not as finished text, so the inbox shows it in the
reader's language. ``dedup_key`` is unique: the same reminder or escalation can never be stored twice, even
by two cron runs at once.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import BigId, utcnow


class Notification(db.Model):
    """One notice in a user's inbox: what happened, to which suggestion or case, and whether it was read."""

    __table_args__ = (
        sa.Index("ix_notification_user_id_id", "user_id", "id"),  # the inbox, newest first
        sa.Index("ix_notification_user_id_read_at", "user_id", "read_at"),  # the unread count
        sa.Index("ix_notification_delivery_emailed_at", "delivery", "emailed_at"),  # what is still to e-mail
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    # How it reaches the user, fixed when it is made: immediate (e-mail), digest, or in_app.
    delivery: Mapped[str] = mapped_column(sa.String(10))
    suggestion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("suggestion.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("follow_up_case.id", ondelete="CASCADE"), index=True)
    params: Mapped[dict] = mapped_column(sa.JSON)  # e.g. title, states, due date, who did it
    dedup_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    emailed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))  # sent alone or in a digest


class NotificationSetting(db.Model):
    """A user's choices: how each kind reaches them (None: the default) and the language of their e-mails."""

    __tablename__ = "notification_setting"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), primary_key=True)
    language: Mapped[str | None] = mapped_column(sa.String(8))
    assigned: Mapped[str | None] = mapped_column(sa.String(10))
    due_soon: Mapped[str | None] = mapped_column(sa.String(10))
    overdue: Mapped[str | None] = mapped_column(sa.String(10))
    state_changed: Mapped[str | None] = mapped_column(sa.String(10))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class NotificationDigest(db.Model):
    """One daily digest e-mail: at most one per user and day (the unique key is the claim)."""

    __tablename__ = "notification_digest"
    __table_args__ = (sa.UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    day: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    notifications: Mapped[int] = mapped_column(default=0)


class SuggestionFollower(db.Model):
    """A user who hears of every state change of a suggestion: its submitter, and those merged into it."""

    __tablename__ = "suggestion_follower"

    suggestion_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestion.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), primary_key=True, index=True)
    since: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
