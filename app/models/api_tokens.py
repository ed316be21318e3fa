"""API tokens (per user, stored hashed, with scopes) and the idempotency keys of API requests."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.people import User
from app.models.types import BigId, utcnow


class ApiToken(db.Model):
    """A secret that lets a program act for its user through /api/v1, limited to ``scopes``.

    Only the SHA-256 of the secret is kept: the secret itself is shown once, when the token is made.
    A revoked token stays, so its user can see what it was and when it stopped working.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))  # the secret's first characters, to tell tokens apart
    scopes: Mapped[list] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    user: Mapped[User] = relationship()


class IdempotencyKey(db.Model):
    """One ``Idempotency-Key`` a user sent, with the request it came with and the answer given.

    ``status`` is None while the first request is still being handled. Keys are per user, so two
    users (or programs) cannot collide, and a user's new token still sees the keys its old one used.
    """

    __tablename__ = "api_idempotency_key"
    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    key: Mapped[str] = mapped_column(sa.String(200))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of method, path and JSON body
    status: Mapped[int | None]
    body: Mapped[dict | None] = mapped_column(sa.JSON)
    location: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
