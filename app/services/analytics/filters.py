"""What an aggregate looks at (``Filters``) and how it splits into groups (``group_by``), checked on the journey."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Union

from app.services.segments import value_codes
from touchloop.journey import Journey

TOUCHPOINT = "touchpoint"  # key: touchpoint id
STAGE = "stage"  # key: stage id
DIMENSION = "dimension"  # key: dimension id, None for questions without one
QUESTION = "question"  # key: question id (one per survey version)
CHANNEL = "channel"  # key: the response's channel ("web", "email", a store code, ...)
MONTH = "month"  # key: the first day of the month (UTC) the response was submitted in
TYPE = "type"  # key: the question type ("nps", "csat", "gap", ...)
GROUPINGS = (TOUCHPOINT, STAGE, DIMENSION, QUESTION, CHANNEL, MONTH, TYPE)


class FilterError(ValueError):
    """A filter or grouping names something the journey does not declare, or a period that ends before it starts."""


@dataclass(frozen=True)
class Segment:
    """Group by the value of one segment attribute of the responding customer (key None: no value known)."""

    attribute: str


GroupBy = Union[str, Segment]


def _frozen(values: Iterable | str | int) -> frozenset:
    """A frozenset of the values; a lone string or number is one value, not a sequence of characters."""
    return frozenset([values] if isinstance(values, (str, int)) else values)


def _frozen_segments(raw: Mapping[str, Iterable[str]] | Iterable[tuple[str, Iterable[str]]]) -> tuple:
    """Segment conditions as sorted (attribute, frozenset of values) pairs; attributes without values are dropped."""
    items = raw.items() if isinstance(raw, Mapping) else raw
    pairs = {}
    for attribute, values in items:
        values = _frozen(values)
        if values:
            pairs[attribute] = pairs.get(attribute, frozenset()) | values
    return tuple(sorted(pairs.items()))


@dataclass(frozen=True)
class Filters:
    """Which responses count: a period (UTC days, both ends included), touchpoints, channels, segment values.

    Empty means "all". ``segments`` maps attribute -> allowed values; several attributes must all hold
    (a response without a value for a filtered attribute does not count). Hashable, so it can key a cache.
    """

    start: date | None = None
    end: date | None = None
    touchpoint_ids: frozenset[int] = frozenset()
    channels: frozenset[str] = frozenset()
    segments: tuple[tuple[str, frozenset[str]], ...] = field(default=())

    def __post_init__(self) -> None:
        """Normalise the collections (and datetimes to days), and refuse a period that ends before it starts."""
        for end in ("start", "end"):
            if isinstance(getattr(self, end), datetime):
                object.__setattr__(self, end, getattr(self, end).date())
        object.__setattr__(self, "touchpoint_ids", frozenset(int(i) for i in _frozen(self.touchpoint_ids)))
        object.__setattr__(self, "channels", _frozen(self.channels))
        object.__setattr__(self, "segments", _frozen_segments(self.segments))
        if self.start and self.end and self.start > self.end:
            raise FilterError(f"the period ends ({self.end}) before it starts ({self.start})")

    @property
    def segment_values(self) -> dict[str, frozenset[str]]:
        """Attribute -> the values a response must have."""
        return dict(self.segments)

    @property
    def whole_months(self) -> bool:
        """True when the period starts on a first and ends on a last day of a month (or is open)."""
        starts = self.start is None or self.start.day == 1
        ends = self.end is None or self.end.day == calendar.monthrange(self.end.year, self.end.month)[1]
        return starts and ends


def segment_attributes(filters: Filters, group_by: Sequence[GroupBy]) -> set[str]:
    """Every segment attribute the filters or the grouping involve."""
    return set(filters.segment_values) | {g.attribute for g in group_by if isinstance(g, Segment)}


def check(journey: Journey | None, filters: Filters, group_by: Sequence[GroupBy]) -> None:
    """Raise FilterError for an unknown grouping, segment attribute or segment value."""
    for grouping in group_by:
        if not isinstance(grouping, Segment) and grouping not in GROUPINGS:
            raise FilterError(f"cannot group by '{grouping}' (known: {', '.join(GROUPINGS)} or a segment attribute)")
    involved = segment_attributes(filters, group_by)
    if not involved:
        return
    if journey is None:
        raise FilterError("no journey is loaded, so there are no segment attributes to filter or group by")
    declared = {attribute.code: attribute for attribute in journey.segments}
    for code in sorted(involved):
        if code not in declared:
            raise FilterError(f"unknown segment attribute '{code}' (known: {', '.join(declared)})")
    for code, values in filters.segments:
        allowed = value_codes(declared[code])
        unknown = sorted(values - set(allowed))
        if unknown:
            raise FilterError(
                f"unknown value(s) {', '.join(map(repr, unknown))} for '{code}' (known: {', '.join(allowed)})"
            )
