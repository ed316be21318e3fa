"""Did an implemented suggestion move its touchpoint? Before/after windows and the difference-in-differences.

A suggestion counts once it *reached implemented* and stayed there or went on: its state is implemented,
verified or closed (one sent back to work after a failed check does not count until it is implemented
again). Its change day d is the UTC day of the latest step into "implemented", from its event history; it
needs a touchpoint. The windows are the ``days`` days before d (d − days … d − 1) and the ``days`` days after
it (d + 1 … d + days); the change day itself is left out, since answers given that day may come from before
or after the change. The control is every other touchpoint of the journey in the same windows.

For each window the database returns count tables per touchpoint (SQL GROUP BYs, from the day rollup);
Python adds the other touchpoints' tables into the control and summarises each group as a mean per answer:

- ``gap``: experience − expectation of the gap questions (of the suggestion's dimension when it names one);
- ``nps``: the NPS codes +100 / 0 / −100, whose mean is the NPS;
- ``csat``: 100 for a top-2-box answer, else 0, whose mean is CSAT in percent.

``touchloop.stats.difference_in_differences`` then gives both before/after differences (Welch), the DiD
with its CI and t-test, and the verdict (worked / did not work / too early to tell).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Suggestion, SuggestionEvent
from app.services.analytics import DIMENSION, TOUCHPOINT, Filters, gap_counts, score_counts
from touchloop.stats import Impact, Summary, describe, difference_in_differences, nps_codes, top_box_codes
from touchloop.stats.tables import differences
from touchloop.suggestion_flow import State

WINDOW_DAYS = 90
IMPACT_METRICS = ("gap", "nps", "csat")
REACHED = (State.IMPLEMENTED, State.VERIFIED, State.CLOSED)


@dataclass(frozen=True)
class Window:
    """A range of UTC days, both ends included."""

    start: date
    end: date


@dataclass(frozen=True)
class ChangeImpact:
    """One implemented suggestion's effect on one metric of its touchpoint."""

    suggestion_id: int
    title: str
    touchpoint_id: int
    dimension_id: int | None
    implemented_on: date
    metric: str
    before: Window
    after: Window
    after_complete: bool  # the after window has fully passed
    touchpoint_before: Summary
    touchpoint_after: Summary
    control_before: Summary
    control_after: Summary
    impact: Impact


@dataclass(frozen=True)
class Implemented:
    """A suggestion that reached implemented at a touchpoint, and the day it did."""

    suggestion_id: int
    title: str
    touchpoint_id: int
    dimension_id: int | None
    implemented_at: datetime


def implemented_suggestions(session: Session, suggestion_id: int | None = None) -> list[Implemented]:
    """Suggestions at a touchpoint that reached implemented (and were not sent back), newest change first."""
    latest = (
        sa.select(SuggestionEvent.suggestion_id, sa.func.max(SuggestionEvent.at).label("at"))
        .where(SuggestionEvent.to_state == State.IMPLEMENTED)
        .group_by(SuggestionEvent.suggestion_id)
        .subquery()
    )
    query = (
        sa.select(Suggestion.id, Suggestion.title, Suggestion.touchpoint_id, Suggestion.dimension_id, latest.c.at)
        .join(latest, latest.c.suggestion_id == Suggestion.id)
        .where(Suggestion.state.in_([state.value for state in REACHED]), Suggestion.touchpoint_id.is_not(None))
        .order_by(latest.c.at.desc(), Suggestion.id.desc())
    )
    if suggestion_id is not None:
        query = query.where(Suggestion.id == suggestion_id)
    return [Implemented(*row) for row in session.execute(query)]


def windows(implemented_on: date, days: int = WINDOW_DAYS) -> tuple[Window, Window]:
    """The ``days`` days before the change day and the ``days`` days after it (the day itself left out)."""
    before = Window(implemented_on - timedelta(days=days), implemented_on - timedelta(days=1))
    return before, Window(implemented_on + timedelta(days=1), implemented_on + timedelta(days=days))


def change_impact(
    session: Session, change: Implemented, metric: str, *, today: date, days: int = WINDOW_DAYS
) -> ChangeImpact:
    """The before/after figures of the change's touchpoint and of the rest of the journey, and their DiD."""
    if metric not in IMPACT_METRICS:
        raise ValueError(f"unknown metric '{metric}' (known: {', '.join(IMPACT_METRICS)})")
    implemented_on = _utc_day(change.implemented_at)
    before, after = windows(implemented_on, days)
    touchpoint_before, control_before = _split(session, metric, before, change)
    touchpoint_after, control_after = _split(session, metric, after, change)
    return ChangeImpact(
        suggestion_id=change.suggestion_id,
        title=change.title,
        touchpoint_id=change.touchpoint_id,
        dimension_id=change.dimension_id,
        implemented_on=implemented_on,
        metric=metric,
        before=before,
        after=after,
        after_complete=after.end < today,
        touchpoint_before=touchpoint_before,
        touchpoint_after=touchpoint_after,
        control_before=control_before,
        control_after=control_after,
        impact=difference_in_differences(touchpoint_before, touchpoint_after, control_before, control_after),
    )


def impacts(session: Session, metric: str, *, today: date, days: int = WINDOW_DAYS) -> list[ChangeImpact]:
    """Every implemented suggestion's impact on ``metric``, newest change first."""
    return [
        change_impact(session, change, metric, today=today, days=days) for change in implemented_suggestions(session)
    ]


def suggestion_impact(
    session: Session, suggestion_id: int, *, today: date, days: int = WINDOW_DAYS
) -> list[ChangeImpact]:
    """One suggestion's impact on each metric (gap first), or nothing if it has not reached implemented."""
    return [
        change_impact(session, change, metric, today=today, days=days)
        for change in implemented_suggestions(session, suggestion_id)
        for metric in IMPACT_METRICS
    ]


def _split(session: Session, metric: str, window: Window, change: Implemented) -> tuple[Summary, Summary]:
    """The window's summary at the change's touchpoint and over every other touchpoint (the control)."""
    mine: dict = {}
    rest: dict = {}
    for touchpoint, codes in _codes_by_touchpoint(session, metric, window, change.dimension_id).items():
        target = mine if touchpoint == change.touchpoint_id else rest
        for value, count in codes.items():
            target[value] = target.get(value, 0) + count
    return describe(mine), describe(rest)


def _codes_by_touchpoint(session: Session, metric: str, window: Window, dimension_id: int | None) -> dict:
    """Touchpoint id -> count table of the per-answer values the metric is the mean of, in the window."""
    filters = Filters(start=window.start, end=window.end)
    if metric == "gap":
        tables = gap_counts(session, filters, (TOUCHPOINT, DIMENSION))
        found: dict[int, dict] = {}
        for (touchpoint, dimension), pairs in tables.items():
            if dimension_id is None or dimension == dimension_id:
                table = found.setdefault(touchpoint, {})
                for gap, count in differences(pairs).items():
                    table[gap] = table.get(gap, 0) + count
        return found
    tables = score_counts(session, metric, filters, (TOUCHPOINT,))
    coded = nps_codes if metric == "nps" else top_box_codes
    return {key[0]: coded(counts) for key, counts in tables.items()}


def _utc_day(moment: datetime) -> date:
    """The UTC calendar day of a timestamp (naive ones, as SQLite returns them, are UTC already)."""
    return moment.date() if moment.tzinfo is None else moment.astimezone(timezone.utc).date()
