"""What an experience report says, as plain values: the service fills these, the PDF renderer reads them.

Every figure is a :class:`touchloop.charts.Estimate` (value, 95% CI, n, too-small flag), so the report and its
charts show the same numbers. Names (company, touchpoints, segments, departments) are already in the report's
language; the renderer draws them literally.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from touchloop.charts import Estimate
from touchloop.stats import GapClass, Quadrant, TargetStatus

MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")


class MonthError(ValueError):
    """A period that is not a calendar month written YYYY-MM."""


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month (UTC days)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``2026-03`` as a Month; MonthError saying what is wrong otherwise."""
        found = MONTH_PATTERN.fullmatch((text or "").strip())
        if found is None:
            raise MonthError(f"“{text}” is not a month written YYYY-MM, e.g. 2026-03")
        year, month = int(found[1]), int(found[2])
        if not 1 <= month <= 12:
            raise MonthError(f"“{text}”: the month must be 01 to 12")
        if year < 1900:
            raise MonthError(f"“{text}”: the year must be 1900 or later")
        return cls(year, month)

    @property
    def start(self) -> date:
        """The first day of the month."""
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        """The last day of the month."""
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def shifted(self, months: int) -> Month:
        """The month ``months`` later (earlier when negative)."""
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class TargetLine:
    """A target set for the period, and where the figure stands against it."""

    value: float
    status: TargetStatus
    note: str = ""


@dataclass(frozen=True)
class Headline:
    """A headline figure (journey NPS, journey CSAT, or one touchpoint's mean gap) against its target."""

    kind: str  # "nps", "csat" or "gap"
    label: str
    current: Estimate
    previous: Estimate  # the month before
    earlier: Estimate  # the three months before, pooled
    change: int  # +1 / −1: the month differs from the three before (Welch CI of the difference excludes 0); else 0
    target: TargetLine | None = None


@dataclass(frozen=True)
class OtherTarget:
    """A target for the period that is not a headline figure (a dimension, a segment, a touchpoint's NPS …)."""

    kind: str  # "nps", "csat", "mean" or "gap"
    place: str  # where and for whom, in words
    figure: Estimate
    target: TargetLine


@dataclass(frozen=True)
class GapItem:
    """One aspect at one touchpoint (a dimension's gap questions there), with its importance."""

    stage: str
    touchpoint: str
    dimension: str
    gap: Estimate
    classification: GapClass | None
    importance: Estimate | None = None  # Pearson r with overall satisfaction, Fisher-z CI, n pairs
    quadrant: Quadrant | None = None
    behind: tuple[str, ...] = ()  # segments significantly below others on this aspect, e.g. "Region: West China"


@dataclass(frozen=True)
class SegmentGroup:
    """One segment's mean gap; ``too_small`` groups are shown but were left out of every test."""

    label: str
    gap: Estimate


@dataclass(frozen=True)
class SegmentPair:
    """Two segments that differ: Welch difference of means (first − second), Holm-adjusted p, Cliff's delta."""

    first: str
    second: str
    difference: Estimate
    p_holm: float
    cliffs_delta: float | None


@dataclass(frozen=True)
class SegmentDifference:
    """Segments of one attribute that differ on one aspect at one touchpoint."""

    touchpoint: str
    dimension: str
    attribute: str
    groups: tuple[SegmentGroup, ...]
    kruskal_h: float
    p_value: float
    p_adjusted: float  # Benjamini–Hochberg over every comparison the report ran
    epsilon_squared: float | None
    pairs: tuple[SegmentPair, ...]

    def behind(self) -> tuple[str, ...]:
        """The segments lower in a significant pair and higher in none (e.g. the one region that falls short)."""
        lower, higher = [], set()
        for pair in self.pairs:
            first_higher = (pair.difference.value or 0) > 0
            low, high = (pair.second, pair.first) if first_higher else (pair.first, pair.second)
            higher.add(high)
            if low not in lower:
                lower.append(low)
        return tuple(name for name in lower if name not in higher)


@dataclass(frozen=True)
class LoopRow:
    """One department's closed-loop work in the period, and what it has open now."""

    department: str
    implemented: int
    verified: int
    closed: int
    cases_resolved: int
    cases_within_deadline: int
    within_share: Estimate  # percent, Wilson CI, n = cases resolved
    open_now: int
    overdue_now: int


@dataclass(frozen=True)
class Proposal:
    """A proposed next target and why (see ``proposals.propose``)."""

    kind: str  # "nps", "csat" or "gap"
    label: str
    current: Estimate
    current_target: float | None
    proposed: float | None  # None when the figure rests on too few answers
    reason: str  # "step", "industry", "ideal", "expectations_met", "too_few"


@dataclass(frozen=True)
class Comment:
    """A comment a customer typed at a touchpoint that must improve (drawn literally)."""

    touchpoint: str
    text: str


@dataclass(frozen=True)
class HeatRow:
    """A touchpoint's row of the heat map: NPS, CSAT (%) and a mean gap per dimension (None: no answers)."""

    stage: str
    touchpoint: str
    cells: tuple[Estimate | None, ...]


@dataclass(frozen=True)
class DimensionLine:
    """One dimension over the whole journey: expectation, experience and gap."""

    label: str
    expectation: Estimate
    experience: Estimate
    gap: Estimate


@dataclass(frozen=True)
class ExperienceReport:
    """Everything one month's experience report shows."""

    company: str
    month: Month
    made_on: date
    responses: int
    previous_responses: int
    headlines: tuple[Headline, ...] = ()
    other_targets: tuple[OtherTarget, ...] = ()
    went_well: tuple[GapItem, ...] = ()
    must_improve: tuple[GapItem, ...] = ()
    items: tuple[GapItem, ...] = ()  # every aspect with answers, for the importance–performance chart
    crosshairs: tuple[float | None, float | None] = (None, None)  # (performance, importance) lines
    comments: tuple[Comment, ...] = ()
    differences: tuple[SegmentDifference, ...] = ()
    comparisons_run: int = 0
    loops: tuple[LoopRow, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    heat_dimensions: tuple[str, ...] = ()
    heat_rows: tuple[HeatRow, ...] = ()
    dimensions: tuple[DimensionLine, ...] = ()
