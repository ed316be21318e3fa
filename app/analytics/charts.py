"""The dashboards' charts: drawing each kind, and the in-process cache the SVG routes read from.

Caching: a chart is drawn once per key (chart kind, touchpoint, filters, language, the chart's own options —
compared attribute, metric, dimension, overall score —, data version) and kept in an LRU cache of
``CACHE_SIZE`` entries per application (``functools.lru_cache`` stored in ``app.extensions``, so two apps —
e.g. two test databases — never share entries). The data version (``dashboards.data_version``) changes with
every new or deleted response, reloaded journey, target or reference level, so any change to what a chart
shows changes the key, and stale entries simply age out. Drawing is deterministic, so the page (which needs
the text alternative) and the ``<img>`` request that follows share one drawing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _

from app.analytics import figures, importance, trends, words
from app.analytics.segments import Block, compare_by
from app.extensions import db
from app.services.analytics import Filters
from app.services.dashboards import data_version, touchpoint_by_code
from app.services.journey import current_journey
from app.services.reference_lines import metric_levels
from touchloop.charts import (
    Reference,
    SegmentRow,
    TextAlternative,
    draw_dimensions,
    draw_distribution,
    draw_heatmap,
    draw_quadrant,
    draw_segments,
    draw_trend,
)

CACHE_SIZE = 64


@dataclass(frozen=True)
class Drawn:
    """A drawn chart: its SVG bytes and its text alternative."""

    svg: bytes
    alternative: TextAlternative
    codes: tuple[str, ...] = ()  # the overview's touchpoint code of each table row, for links


def chart(kind: str, code: str, filters: Filters, lang: str, **options) -> Drawn:
    """The chart ``kind`` (of touchpoint ``code``, "" for the journey), from the cache when the data are unchanged."""
    cache = current_app.extensions.get("analytics_charts")
    if cache is None:
        cache = current_app.extensions["analytics_charts"] = lru_cache(maxsize=CACHE_SIZE)(_draw)
    return cache(kind, code, filters, lang, tuple(sorted(options.items())), data_version(db.session))


def _draw(kind: str, code: str, filters: Filters, lang: str, options: tuple, version) -> Drawn:
    """Draw one chart (``version`` is only part of the cache key)."""
    return DRAWERS[kind](code, filters, lang, **dict(options))


def _overview(code: str, filters: Filters, lang: str) -> Drawn:
    """The journey heat map."""
    data = figures.overview(db.session, filters, lang)
    drawn = draw_heatmap(data.rows, data.columns, words.heatmap_texts())
    return Drawn(drawn.svg(), drawn.alternative, data.codes)


def _dimensions(code: str, filters: Filters, lang: str) -> Drawn:
    """A touchpoint's dimensions with their comparison levels."""
    touchpoint = touchpoint_by_code(db.session, code)
    names = words.level_names()
    rows = [figure.row(names) for figure in figures.dimension_figures(db.session, touchpoint, filters, lang)]
    return _done(draw_dimensions(rows, words.dimension_texts()))


def _distribution(code: str, filters: Filters, lang: str) -> Drawn:
    """A touchpoint's NPS distribution."""
    touchpoint = touchpoint_by_code(db.session, code)
    return _done(
        draw_distribution(figures.nps_distribution(db.session, touchpoint, filters), words.distribution_texts())
    )


def _segments(code: str, filters: Filters, lang: str, compare: str, dimension: int) -> Drawn:
    """The forest plot of one dimension's segment comparison at a touchpoint (the touchpoint page)."""
    journey = current_journey(db.session)
    touchpoint = touchpoint_by_code(db.session, code)
    found = figures.comparisons(db.session, touchpoint, filters, compare, journey, lang)
    block = found[dimension] if dimension < len(found) else None
    segment = next(segment for segment in journey.segments if segment.code == compare)
    attribute = segment.name.get(lang) or segment.code
    rows = [SegmentRow(attribute, line.label, line.shown, line.marker) for line in (block.lines if block else ())]
    title = _("Mean gap by segment: %(dimension)s", dimension=block.dimension if block else "")
    texts = words.segment_texts(title, _("Mean gap (95% CI)"), _("Segment attribute"))
    return _done(draw_segments(rows, texts))


def _comparison(code: str, filters: Filters, lang: str, compare: str, metric: str) -> Drawn:
    """All of one touchpoint's segment comparisons on ``metric`` (the segment comparison page)."""
    journey = current_journey(db.session)
    touchpoint = touchpoint_by_code(db.session, code)
    blocks = compare_by(db.session, replace(filters, touchpoint_ids={touchpoint.id}), compare, metric, journey, lang)
    return _done(draw_segments(*comparison_rows(blocks, compare, metric, journey, lang)))


def comparison_rows(blocks: list[Block], compare: str, metric: str, journey, lang: str) -> tuple:
    """The rows and words of a touchpoint's comparison chart: a heading per dimension (gaps) or the metric."""
    metric_name = words.metric_names()[metric]
    segment = next(segment for segment in journey.segments if segment.code == compare)
    attribute = segment.name.get(lang) or segment.code
    rows = [
        SegmentRow(block.dimension or metric_name, line.label, line.shown, line.marker)
        for block in blocks
        for line in block.lines
    ]
    name = blocks[0].touchpoint if blocks else ""
    title = _("%(touchpoint)s: %(metric)s by %(attribute)s", touchpoint=name, metric=metric_name, attribute=attribute)
    heading = _("Dimension") if metric == "gap" else _("Metric")
    return rows, words.segment_texts(title, _("%(metric)s (95%% CI)", metric=metric_name), heading)


def _trend(code: str, filters: Filters, lang: str, metric: str, dimension: int | None) -> Drawn:
    """One metric month by month, with its target, industry and ideal levels as lines."""
    touchpoint = touchpoint_by_code(db.session, code) if code else None
    scoped = replace(filters, touchpoint_ids={touchpoint.id}) if touchpoint else filters
    found = trends.months(db.session, scoped, dimension)
    scope = (touchpoint.name.get(lang) or touchpoint.code) if touchpoint else _("whole journey")
    names = words.level_names()
    place = touchpoint.id if touchpoint else None
    levels = metric_levels(db.session, metric, place, filters.start, filters.end, dimension)
    references = [Reference(level.kind, names[level.kind], level.value) for level in levels]
    chart = draw_trend(
        trends.points(found, metric), words.trend_texts(metric, scope), references, trends.DECIMALS[metric]
    )
    return _done(chart)


def _importance(code: str, filters: Filters, lang: str, outcome: str) -> Drawn:
    """The importance–performance quadrant of the questions at a touchpoint (or along the journey)."""
    touchpoint = touchpoint_by_code(db.session, code) if code else None
    scoped = replace(filters, touchpoint_ids={touchpoint.id}) if touchpoint else filters
    view = importance.importance_view(db.session, scoped, outcome, lang)
    scope = (touchpoint.name.get(lang) or touchpoint.code) if touchpoint else _("whole journey")
    texts = words.quadrant_texts(outcome, scope)
    return _done(draw_quadrant(view.points(), texts, view.performance_line, view.importance_line))


def _done(drawn) -> Drawn:
    """A drawn chart as the cache keeps it."""
    return Drawn(drawn.svg(), drawn.alternative)


DRAWERS = {
    "overview": _overview,
    "dimensions": _dimensions,
    "distribution": _distribution,
    "segments": _segments,
    "comparison": _comparison,
    "trend": _trend,
    "importance": _importance,
}
