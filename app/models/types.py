"""Column types shared by the models."""

from datetime import datetime, timezone

import sqlalchemy as sa

# 64-bit ids on PostgreSQL; SQLite only auto-increments INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Translations = sa.JSON


def utcnow() -> datetime:
    """The current time in UTC (called per row, never once at import)."""
    return datetime.now(timezone.utc)
