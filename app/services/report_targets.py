"""The report's figures against targets, and its proposed next targets.

- Headline figures: journey NPS and CSAT and each touchpoint's mean gap (all its gap questions pooled) for
  the month, the month before and the three months before. A target about exactly that figure (no dimension,
  no segment) whose period overlaps the month is checked against the month's figure
  (``touchloop.stats.target_status``: met / not met / not yet clear from where the CI lies).
- Every other target overlapping the month is checked over the month for its own place and segment
  (``target_progress_in``).
- Proposals: for each headline figure and each aspect that must improve, ``touchloop.report.proposals``
  with the industry and ideal levels entered for that place.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.models.targets import Target
from app.services.analytics.counts import TouchpointOverview
from app.services.report_figures import change, figure_of, merged
from app.services.report_gaps import Names
from app.services.target_progress import target_progress_in
from app.services.targets import reference_levels, targets_in_force
from touchloop.charts import Estimate
from touchloop.journey import Journey
from touchloop.report.model import Headline, Month, OtherTarget, Proposal, TargetLine
from touchloop.report.proposals import propose
from touchloop.stats import Interval, target_status

Place = tuple[str, int | None, int | None]  # (metric, touchpoint id, dimension id)
Key = tuple[str, int | None]  # (kind, touchpoint id or None for the whole journey)


def period_tables(overview: list[TouchpointOverview]) -> dict[Key, dict]:
    """Count tables of the headline figures: journey NPS and CSAT, each touchpoint's pooled gap pairs."""
    tables: dict[Key, dict] = {
        ("nps", None): merged(point.nps for point in overview),
        ("csat", None): merged(point.csat for point in overview),
    }
    for point in overview:
        tables[("gap", point.touchpoint_id)] = merged(point.gaps.values())
    return {key: table for key, table in tables.items() if table or key[1] is None}


def targets_for(session: Session, month: Month) -> list[Target]:
    """The targets whose period overlaps the month, oldest first."""
    found = [t for t in targets_in_force(session) if t.period_start <= month.end and t.period_end >= month.start]
    return sorted(found, key=lambda target: target.id)


def headline_key(target: Target) -> Key | None:
    """The headline figure a target is about — journey NPS or CSAT, a touchpoint's mean gap — or None."""
    if target.segment_attribute or target.dimension_id is not None:
        return None
    if target.metric in ("nps", "csat") and target.touchpoint_id is None:
        return (target.metric, None)
    if target.metric == "gap" and target.touchpoint_id is not None:
        return ("gap", target.touchpoint_id)
    return None


def headlines(
    periods: Sequence[list[TouchpointOverview]], targets: list[Target], label: Names, words: dict[str, str]
) -> list[tuple[Key, Headline]]:
    """Each headline figure of the month with its key (``periods``: the month, the month before, the three before).

    ``words`` names the journey-wide figures: {"nps": "NPS", "csat": "CSAT"}.
    """
    now, before, earlier = (period_tables(overview) for overview in periods)
    matching = {headline_key(target): target for target in targets if headline_key(target)}  # newest wins
    found = []
    for (kind, touchpoint_id), table in now.items():
        if not table:
            continue
        current = figure_of(kind, table)
        target = matching.get((kind, touchpoint_id))
        line = None
        if target is not None:
            interval = Interval(*current.interval) if current.interval else None
            check = target_status(current.value, interval, target.value, too_small=current.too_small)
            line = TargetLine(target.value, check.status, target.note or "")
        found.append(
            (
                (kind, touchpoint_id),
                Headline(
                    kind,
                    words[kind] if touchpoint_id is None else label.touchpoints[touchpoint_id],
                    current,
                    figure_of(kind, before.get((kind, touchpoint_id), {})),
                    figure_of(kind, earlier.get((kind, touchpoint_id), {})),
                    change(kind, table, earlier.get((kind, touchpoint_id), {})),
                    line,
                ),
            )
        )
    return found


def other_targets(
    session: Session, targets: list[Target], month: Month, label: Names, journey: Journey, lang: str
) -> list[OtherTarget]:
    """Every target of the month that is not a headline figure's, checked over the month."""
    shown = {headline_key(target): target for target in targets if headline_key(target)}.values()
    found = []
    for target in targets:
        if target in shown:
            continue
        progress = target_progress_in(session, target, month.start, month.end)
        check = progress.check
        figure = Estimate.of(check.estimate, check.ci, progress.n, check.too_small)
        line = TargetLine(target.value, check.status, target.note or "")
        found.append(OtherTarget(target.metric, _place(target, label, journey, lang), figure, line))
    return found


def _place(target: Target, label: Names, journey: Journey, lang: str) -> str:
    """Where and for whom a target is, in words: touchpoint · dimension · segment (empty: the whole journey)."""
    parts = [label.touchpoints.get(target.touchpoint_id, "") if target.touchpoint_id else ""]
    parts.append(label.dimensions.get(target.dimension_id, "") if target.dimension_id else "")
    attribute = next((a for a in journey.segments if a.code == target.segment_attribute), None)
    if attribute is not None:
        values = {item.code: item.name.get(lang) or item.code for item in (*attribute.values, *attribute.bands)}
        named = {"attribute": attribute.name.get(lang) or attribute.code, "value": values.get(target.segment_value, "")}
        parts.append(label.segment % named)
    return " · ".join(part for part in parts if part)


Candidate = tuple[str, str, Estimate, float | None, Place]  # label, kind, figure, current target, place


def proposals(session: Session, candidates: Sequence[Candidate]) -> list[Proposal]:
    """The next target of each candidate figure, with the industry and ideal levels entered for its place."""
    levels: dict[Place, dict[str, float]] = {}
    for level in reference_levels(session):
        levels.setdefault((level.metric, level.touchpoint_id, level.dimension_id), {})[level.kind] = level.value
    made = []
    for label, kind, figure, target, place in candidates:
        industry, ideal = _level(levels, place, "industry"), _level(levels, place, "ideal")
        proposal = propose(kind, label, figure, industry=industry, ideal=ideal, current_target=target)
        if proposal is not None:
            made.append(proposal)
    return made


def _level(levels: dict[Place, dict[str, float]], place: Place, kind: str) -> float | None:
    """The level of ``kind`` set for the place, else for its dimension journey-wide, else for the metric."""
    metric, touchpoint, dimension = place
    for candidate in ((metric, touchpoint, dimension), (metric, None, dimension), (metric, None, None)):
        if kind in levels.get(candidate, {}):
            return levels[candidate][kind]
    return None
