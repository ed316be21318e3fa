"""Targets as the dashboards list them: where, for whom, what, the period, and met / not met / not yet clear."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.admin.targets import METRIC_NAMES, STATUS_NAMES
from app.models import Dimension, Touchpoint
from app.services.dashboards import names
from app.services.target_progress import Progress, target_progress
from app.services.targets import targets_overlapping
from touchloop.journey import Journey

ANYWHERE = object()  # every target, journey-wide or at any touchpoint


@dataclass(frozen=True)
class TargetRow:
    """One target with its status over its own period, place and segment."""

    place: str
    segment: str
    metric: str
    value: float
    start: date
    end: date
    status: str
    status_name: str
    progress: Progress


def target_rows(
    session: Session, start: date | None, end: date | None, journey: Journey | None, lang: str, touchpoint=ANYWHERE
) -> list[TargetRow]:
    """Targets overlapping the period (at ``touchpoint``'s id, None for journey-wide ones, or anywhere)."""
    targets = targets_overlapping(session, start, end)
    if touchpoint is not ANYWHERE:
        targets = [target for target in targets if target.touchpoint_id == touchpoint]
    progress = target_progress(session, targets)
    points, dimensions = names(session, Touchpoint, lang), names(session, Dimension, lang)
    segments = _segment_names(journey, lang)
    rows = []
    for target in targets:
        place = points[target.touchpoint_id] if target.touchpoint_id else _("Whole journey")
        if target.dimension_id:
            place += " · " + dimensions[target.dimension_id]
        key = (target.segment_attribute, target.segment_value)
        segment = segments.get(key, f"{key[0]}: {key[1]}") if target.segment_attribute else _("Every customer")
        status = progress[target.id].check.status
        rows.append(
            TargetRow(
                place,
                segment,
                str(METRIC_NAMES.get(target.metric, target.metric)),
                target.value,
                target.period_start,
                target.period_end,
                status,
                str(STATUS_NAMES[status]),
                progress[target.id],
            )
        )
    return rows


def _segment_names(journey: Journey | None, lang: str) -> dict[tuple[str, str], str]:
    """(attribute, value) -> "Attribute: value" in ``lang`` for every declared segment value."""
    found = {}
    for segment in journey.segments if journey else ():
        attribute = segment.name.get(lang) or segment.code
        for item in (*segment.values, *segment.bands):
            found[(segment.code, item.code)] = f"{attribute}: {item.name.get(lang) or item.code}"
    return found
