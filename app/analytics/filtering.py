"""The dashboards' GET filter form: period, channel and one value per segment attribute, read into ``Filters``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.services.analytics import FilterError, Filters
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
