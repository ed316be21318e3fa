"""People who use Touchloop: staff, owners, representatives, admins."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.journey import Department
from app.models.types import utcnow

# werkzeug's default, scrypt (N=2**15): deliberately slow. The test suite lowers it (tests/conftest.py), because
# it creates and signs in thousands of users; every stored hash names its method, so checks work either way.
PASSWORD_HASH_METHOD = "scrypt"


class Role(enum.StrEnum):
    """What a user may do; each role includes none of the others."""

    STAFF = "staff"
    OWNER = "owner"
    REPRESENTATIVE = "representative"
    MANAGER = "manager"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    """A person who signs in to Touchloop."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.STAFF)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])

    @property
    def is_active(self) -> bool:
        """Flask-Login: deactivated users cannot sign in."""
        return self.active

    def set_password(self, password: str) -> None:
        """Store a salted hash (werkzeug's scrypt) of ``password``."""
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)

    def check_password(self, password: str) -> bool:
        """True if ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        """True if this user has one of ``roles`` (admins have every role)."""
        return self.role == Role.ADMIN or self.role in roles
