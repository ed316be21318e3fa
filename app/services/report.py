"""The periodic experience report (issue 5): one calendar month's figures, gathered from the existing services.

``experience_report`` only reads. Counts come from the analytics aggregates (SQL GROUP BYs), the statistics
from ``touchloop.stats``, the loop figures from the scorecards and recognition; this module chooses what goes
into which section:

- headline figures against targets (``report_targets``);
- went well: aspects (a dimension's gap questions at one touchpoint) whose gap is positive — the whole 95% CI
  above 0, with at least MIN_N answers — largest gap first;
- must improve: aspects whose gap is negative (CI below 0), most important first: by their importance, the
  correlation with overall satisfaction (``report_gaps``); aspects without a known importance come last;
- segment differences (``report_gaps``), the state of the loops (``report_loops``), proposed next targets;
- the heat map and the dimensions chart's figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Dimension, Response, Stage, Touchpoint
from app.services.analytics import Filters, journey_overview
from app.services.analytics.counts import TouchpointOverview
from app.services.dashboards import dimension_order, latest_comments, names
from app.services.journey import current_journey
from app.services.report_figures import csat_figure, gap_figure, merged, nps_figure, of_summary
from app.services.report_gaps import Names, behind, gap_items, segment_differences
from app.services.report_loops import loop_rows
from app.services.report_targets import headlines, other_targets, proposals, targets_for
from app.services.survey_titles import in_language
from touchloop.report.model import Comment, DimensionLine, ExperienceReport, GapItem, HeatRow, Month
from touchloop.stats import GapClass, describe_gap

COMMENTED_TOUCHPOINTS = 3  # touchpoints of the most important aspects to improve whose comments are quoted
COMMENTS_EACH = 2


@dataclass(frozen=True)
class ReportNames:
    """Words the report's figures need from the caller, in the report's language."""

    nps: str = "NPS"
    csat: str = "CSAT"
    other: str = "Other"  # gap questions without a dimension
    segment: str = "%(attribute)s: %(value)s"  # a segment with its attribute, e.g. "Region: West China"


def experience_report(
    session: Session, month: Month, *, lang: str, today: date, words: ReportNames = ReportNames()
) -> ExperienceReport:
    """Everything the report of ``month`` shows, with names in ``lang``; ``today`` is the day it is made."""
    journey = current_journey(session)
    company = in_language(journey.company if journey else None, lang, "Touchloop")
    responses = (count_responses_in(session, month), count_responses_in(session, month.shifted(-1)))
    base = ExperienceReport(company, month, today, *responses, loops=tuple(loop_rows(session, month, today, lang)))
    if base.responses == 0 or journey is None:
        return base
    label = _names(session, lang, words)
    filters = Filters(start=month.start, end=month.end)
    now = journey_overview(session, filters)
    before = journey_overview(session, Filters(start=month.shifted(-1).start, end=month.shifted(-1).end))
    earlier = journey_overview(session, Filters(start=month.shifted(-3).start, end=month.shifted(-1).end))
    targets = targets_for(session, month)
    figures = headlines((now, before, earlier), targets, label, {"nps": words.nps, "csat": words.csat})
    keyed, crosshairs = gap_items(session, now, filters, label)
    differences, runs = segment_differences(session, filters, journey, label, lang)
    keyed = [(key, replace(item, behind=_behind(item, differences, label))) for key, item in keyed]
    worst = sorted(
        ((key, item) for key, item in keyed if item.classification == GapClass.NEGATIVE),
        key=lambda pair: -(pair[1].importance.value if pair[1].importance else -2.0),
    )
    best = [item for _key, item in keyed if item.classification == GapClass.POSITIVE]
    return replace(
        base,
        headlines=tuple(headline for _key, headline in figures),
        other_targets=tuple(other_targets(session, targets, month, label, journey, lang)),
        went_well=tuple(sorted(best, key=lambda item: -item.gap.value)),
        must_improve=tuple(item for _key, item in worst),
        items=tuple(item for _key, item in keyed),
        crosshairs=crosshairs,
        comments=tuple(_comments(session, [key for key, _item in worst], filters, label)),
        differences=tuple(differences),
        comparisons_run=runs,
        proposals=tuple(proposals(session, _candidates(figures, worst))),
        **_charts(session, now, label),
    )


def _names(session: Session, lang: str, words: ReportNames) -> Names:
    """The names of stages, touchpoints and dimensions in ``lang``, and the caller's words for the rest."""
    stages, touchpoints = names(session, Stage, lang), names(session, Touchpoint, lang)
    return Names(stages, touchpoints, names(session, Dimension, lang), words.other, words.segment)


def count_responses_in(session: Session, month: Month) -> int:
    """How many responses were submitted in the month (UTC)."""
    since = datetime.combine(month.start, time.min, tzinfo=timezone.utc)
    until = datetime.combine(month.shifted(1).start, time.min, tzinfo=timezone.utc)
    query = sa.select(sa.func.count(Response.id)).where(Response.submitted_at >= since, Response.submitted_at < until)
    return int(session.scalar(query) or 0)


def _behind(item: GapItem, differences, label: Names) -> tuple[str, ...]:
    """The segments significantly behind on this aspect, over every attribute."""
    found = []
    for difference in differences:
        if (difference.touchpoint, difference.dimension) == (item.touchpoint, item.dimension):
            found += behind(difference, label)
    return tuple(found)


def _candidates(figures, worst) -> list:
    """What next targets are proposed for: every headline figure, then every aspect that must improve."""
    found = [
        (headline.label, headline.kind, headline.current, headline.target.value if headline.target else None)
        + ((kind, touchpoint_id, None),)
        for (kind, touchpoint_id), headline in figures
    ]
    found += [(f"{item.touchpoint} · {item.dimension}", "gap", item.gap, None, ("gap", *key)) for key, item in worst]
    return found


def _comments(session: Session, worst: list[tuple[int, int | None]], filters: Filters, label: Names) -> list[Comment]:
    """The newest comments at the touchpoints of the most important aspects to improve."""
    touchpoints = list(dict.fromkeys(touchpoint_id for touchpoint_id, _dimension in worst))[:COMMENTED_TOUCHPOINTS]
    found = []
    for touchpoint_id in touchpoints:
        for comment in latest_comments(session, touchpoint_id, filters, COMMENTS_EACH):
            found.append(Comment(label.touchpoints[touchpoint_id], comment.text))
    return found


def _charts(session: Session, overview: list[TouchpointOverview], label: Names) -> dict:
    """The heat map (NPS, CSAT, a gap per dimension at each touchpoint) and the journey-wide dimension lines."""
    used = {dimension for point in overview for dimension in point.gaps}
    dimensions = [dimension for dimension in dimension_order(session) if dimension in used]
    rows = [
        HeatRow(
            label.stages[point.stage_id],
            label.touchpoints[point.touchpoint_id],
            (
                nps_figure(point.nps) if point.nps else None,
                csat_figure(point.csat) if point.csat else None,
                *(gap_figure(point.gaps[d]) if d in point.gaps else None for d in dimensions),
            ),
        )
        for point in overview
        if point.nps or point.csat or point.gaps
    ]
    lines = []
    for dimension in dimensions:
        gap = describe_gap(merged(point.gaps.get(dimension, {}) for point in overview))
        summaries = (gap.expectation, gap.experience, gap.gap)
        lines.append(DimensionLine(label.dimensions[dimension], *(of_summary(s) for s in summaries)))
    return {
        "heat_dimensions": tuple(label.dimensions[dimension] for dimension in dimensions),
        "heat_rows": tuple(rows),
        "dimensions": tuple(lines),
    }
