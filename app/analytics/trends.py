"""Trends by month: NPS, CSAT and the mean gap of each month with its CI and n, for a touchpoint or the journey.

Three GROUP BYs by month (NPS counts, CSAT counts, gap pair counts); months between the first and the last
with answers are all listed, so a month without answers shows as a break in the line rather than vanishing.
Months with fewer than ``MIN_N`` answers are flagged by the statistics (hollow markers, "too few answers").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.analytics.figures import gap_estimate
from app.analytics.segments import csat_estimate, nps_estimate
from app.services.analytics import DIMENSION, MONTH, Filters, gap_counts, score_counts
from touchloop.charts import Estimate, TrendPoint

TREND_METRICS = ("nps", "csat", "gap")
DECIMALS = {"nps": 1, "csat": 1, "gap": 2}


@dataclass(frozen=True)
class Month:
    """One month's figures; None where the month has no answers of that kind."""

    first_day: date
    nps: Estimate | None
    csat: Estimate | None
    gap: Estimate | None

    @property
    def label(self) -> str:
        """The month as YYYY-MM."""
        return self.first_day.strftime("%Y-%m")


def months(session: Session, filters: Filters, dimension_id: int | None = None) -> list[Month]:
    """Each month's NPS, CSAT (top-2-box %) and mean gap (of one dimension, or of all) under ``filters``."""
    nps_tables = _by_month(score_counts(session, "nps", filters, (MONTH,)))
    csat_tables = _by_month(score_counts(session, "csat", filters, (MONTH,)))
    if dimension_id is None:
        gap_tables = _by_month(gap_counts(session, filters, (MONTH,)))
    else:
        found = gap_counts(session, filters, (MONTH, DIMENSION))
        gap_tables = {_day(key[0]): table for key, table in found.items() if key[1] == dimension_id}
    present = set(nps_tables) | set(csat_tables) | set(gap_tables)
    if not present:
        return []
    return [
        Month(
            first,
            nps_estimate(nps_tables.get(first)),
            csat_estimate(csat_tables.get(first)),
            gap_estimate(gap_tables.get(first)),
        )
        for first in _every_month(min(present), max(present))
    ]


def points(found: list[Month], metric: str) -> list[TrendPoint]:
    """One metric's months as the trend chart draws them (an empty estimate where a month has none)."""
    return [TrendPoint(month.label, getattr(month, metric) or Estimate(None)) for month in found]


def _by_month(tables: dict[tuple, dict]) -> dict[date, dict]:
    """Month-keyed count tables as first-day -> table."""
    return {_day(key[0]): table for key, table in tables.items()}


def _day(value) -> date:
    """A month key as a date (SQLite may hand back the ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _every_month(first: date, last: date) -> list[date]:
    """The first day of every month from ``first`` to ``last``, both included."""
    found, month = [], first.replace(day=1)
    while month <= last:
        found.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return found
