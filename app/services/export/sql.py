"""SQL the two supported databases spell differently."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class utc_iso(FunctionElement):  # lower case: it reads as the SQL function it is
    """A timestamp as ``YYYY-MM-DDTHH:MM:SSZ`` text in UTC, formatted by the database."""

    type = sa.String()
    inherit_cache = True


@compiles(utc_iso, "postgresql")
def _utc_iso_postgresql(element: utc_iso, compiler: Any, **kw: Any) -> str:
    """PostgreSQL: convert to UTC, then ``to_char``."""
    column = compiler.process(element.clauses, **kw)
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


@compiles(utc_iso)
def _utc_iso_sqlite(element: utc_iso, compiler: Any, **kw: Any) -> str:
    """SQLite keeps UTC as text already (the app writes UTC): reformat it with ``strftime``."""
    column = compiler.process(element.clauses, **kw)
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {column})"
