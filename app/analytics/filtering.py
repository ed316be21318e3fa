"""The dashboards' GET filter form — period, channel, one value per segment attribute — and each page's own choices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import Dimension, Touchpoint
from app.services.analytics import FilterError, Filters
from app.services.dashboards import touchpoint_by_code
from app.services.segments import value_codes
from touchloop.journey import Journey

SEGMENT_PREFIX = "segment-"  # query parameter of a segment attribute: segment-region=west


@dataclass(frozen=True)
class SegmentSelect:
    """One select of the form: an attribute, its label, its (value, label) choices and the chosen value."""

    code: str
    label: str
    choices: tuple[tuple[str, str], ...]
    chosen: str


def segment_selects(journey: Journey | None, args: Mapping[str, str], lang: str) -> list[SegmentSelect]:
    """A select per declared segment attribute, with its values (or bands) as choices."""
    selects = []
    for segment in journey.segments if journey else ():
        choices = tuple((item.code, item.name.get(lang) or item.code) for item in (*segment.values, *segment.bands))
        label = segment.name.get(lang) or segment.code
        selects.append(SegmentSelect(segment.code, label, choices, args.get(SEGMENT_PREFIX + segment.code, "")))
    return selects


def read_filters(args: Mapping[str, str], journey: Journey | None, known_channels: list[str]) -> Filters:
    """The filters the query string asks for; FilterError with a readable message when a value is unknown."""
    start = _day(args.get("start", ""), _("Start date"))
    end = _day(args.get("end", ""), _("End date"))
    if start and end and start > end:
        raise FilterError(_("The period ends (%(end)s) before it starts (%(start)s).", end=end, start=start))
    channel = args.get("channel", "")
    if channel and channel not in known_channels:
        raise FilterError(_("There are no responses from channel “%(channel)s”.", channel=channel))
    return Filters(start=start, end=end, channels=[channel] if channel else [], segments=_segments(args, journey))


def _day(value: str, field: str) -> date | None:
    """``value`` as an ISO date (None when empty); FilterError naming ``field`` when it is not one."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(_("%(field)s “%(value)s” is not a date (YYYY-MM-DD).", field=field, value=value)) from None


def _segments(args: Mapping[str, str], journey: Journey | None) -> dict[str, list[str]]:
    """The chosen segment values, each checked against the journey's declared attributes and values."""
    declared = {segment.code: segment for segment in journey.segments} if journey else {}
    chosen = {}
    for key, value in args.items():
        if not key.startswith(SEGMENT_PREFIX) or not value:
            continue
        code = key.removeprefix(SEGMENT_PREFIX)
        if code not in declared:
            raise FilterError(_("There is no segment attribute “%(attribute)s”.", attribute=code))
        if value not in value_codes(declared[code]):
            raise FilterError(_("“%(value)s” is not a value of “%(attribute)s”.", value=value, attribute=code))
        chosen[code] = [value]
    return chosen


def comparison_attribute(args: Mapping[str, str], journey: Journey | None) -> str | None:
    """The segment attribute the touchpoint page compares by: the one asked for, else region, else the first."""
    declared = [segment.code for segment in journey.segments] if journey else []
    asked = args.get("compare", "")
    if asked:
        if asked not in declared:
            raise FilterError(_("There is no segment attribute “%(attribute)s” to compare by.", attribute=asked))
        return asked
    return "region" if "region" in declared else next(iter(declared), None)


def chosen_touchpoint(args: Mapping[str, str], session: Session) -> Touchpoint | None:
    """The touchpoint the query string names (``touchpoint=<code>``), None for the whole journey."""
    code = args.get("touchpoint", "")
    if not code:
        return None
    found = touchpoint_by_code(session, code)
    if found is None:
        raise FilterError(_("There is no touchpoint “%(touchpoint)s”.", touchpoint=code))
    return found


def chosen_dimension(args: Mapping[str, str], session: Session) -> int | None:
    """The id of the dimension the query string names (``dimension=<code>``), None for all of them."""
    code = args.get("dimension", "")
    if not code:
        return None
    found = session.scalar(sa.select(Dimension.id).where(Dimension.code == code))
    if found is None:
        raise FilterError(_("There is no dimension “%(dimension)s”.", dimension=code))
    return found


def chosen_option(args: Mapping[str, str], key: str, allowed: Sequence[str]) -> str:
    """The value of ``key`` if it is one of ``allowed``, the first of them when absent; FilterError otherwise."""
    value = args.get(key, "") or allowed[0]
    if value not in allowed:
        known = ", ".join(allowed)
        raise FilterError(
            _("“%(value)s” is not a choice for %(key)s (choose %(known)s).", value=value, key=key, known=known)
        )
    return value


def chosen_days(args: Mapping[str, str], default: int, lowest: int = 7, highest: int = 365) -> int:
    """A number of days from ``days=``, between ``lowest`` and ``highest``; FilterError otherwise."""
    value = args.get("days", "")
    if not value:
        return default
    if not value.isdigit() or not lowest <= int(value) <= highest:
        raise FilterError(
            _(
                "The window must be %(lowest)d to %(highest)d days, not “%(value)s”.",
                lowest=lowest,
                highest=highest,
                value=value,
            )
        )
    return int(value)
