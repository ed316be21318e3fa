"""The dashboards' charts: translated words, drawing, and the in-process cache the SVG routes read from.

Caching: a chart is drawn once per key (chart kind, touchpoint, filters, language, compared attribute, data
version) and kept in an LRU cache of ``CACHE_SIZE`` entries per application (``functools.lru_cache`` stored in
``app.extensions``, so two apps — e.g. two test databases — never share entries). The data version is
(newest response id, number of responses, newest journey snapshot): responses are never edited, so any
change to what a chart shows changes the key, and stale entries simply age out. Drawing is deterministic, so
the page (which needs the text alternative) and the ``<img>`` request that follows share one drawing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _

from app.analytics import figures
from app.extensions import db
from app.services.analytics import Filters
from app.services.dashboards import data_version, touchpoint_by_code
from app.services.journey import current_journey
from touchloop.charts import (
    DimensionTexts,
    DistributionTexts,
    HeatmapTexts,
    SegmentRow,
    SegmentTexts,
    TextAlternative,
    draw_dimensions,
    draw_distribution,
    draw_heatmap,
    draw_segments,
)

CACHE_SIZE = 64
KINDS = ("overview", "dimensions", "distribution", "segments")


@dataclass(frozen=True)
class Drawn:
    """A drawn chart: its SVG bytes and its text alternative."""

    svg: bytes
    alternative: TextAlternative
    codes: tuple[str, ...] = ()  # the overview's touchpoint code of each table row, for links


def chart(kind: str, code: str, filters: Filters, lang: str, compare: str | None, dimension: int = 0) -> Drawn:
    """The chart ``kind`` (of touchpoint ``code``), from the cache when the data have not changed since."""
    cache = current_app.extensions.get("analytics_charts")
    if cache is None:
        cache = current_app.extensions["analytics_charts"] = lru_cache(maxsize=CACHE_SIZE)(_draw)
    if kind != "segments":
        compare, dimension = None, 0  # only the segments chart depends on them: one entry for the others
    return cache(kind, code, filters, lang, compare, dimension, data_version(db.session))


def _draw(kind: str, code: str, filters: Filters, lang: str, compare: str | None, dimension: int, version) -> Drawn:
    """Draw one chart (``version`` is only part of the cache key)."""
    if kind == "overview":
        data = figures.overview(db.session, filters, lang)
        drawn = draw_heatmap(data.rows, data.columns, _heatmap_texts())
        return Drawn(drawn.svg(), drawn.alternative, data.codes)
    else:
        touchpoint = touchpoint_by_code(db.session, code)
        if kind == "dimensions":
            rows = [figure.row() for figure in figures.dimension_figures(db.session, touchpoint, filters, lang)]
            drawn = draw_dimensions(rows, _dimension_texts())
        elif kind == "distribution":
            drawn = draw_distribution(figures.nps_distribution(db.session, touchpoint, filters), _distribution_texts())
        else:
            journey = current_journey(db.session)
            found = figures.comparisons(db.session, touchpoint, filters, compare, journey, lang)
            drawn = _segments_chart(found[dimension] if dimension < len(found) else None, compare, journey, lang)
    return Drawn(drawn.svg(), drawn.alternative)


def _segments_chart(comparison: figures.Comparison | None, compare: str, journey, lang: str):
    """The forest plot of one dimension's segment comparison."""
    segment = next(segment for segment in journey.segments if segment.code == compare)
    attribute = segment.name.get(lang) or segment.code
    rows = [
        SegmentRow(attribute, line.label, figures.estimate(line.summary), line.marker)
        for line in (comparison.lines if comparison else ())
    ]
    return draw_segments(rows, _segment_texts(comparison.dimension if comparison else ""))


def _small() -> str:
    """The words for a group too small to trust."""
    return _("too few answers to trust")


def _heatmap_texts() -> HeatmapTexts:
    """Words on the journey heat map."""
    return HeatmapTexts(
        title=_("Journey overview: NPS, CSAT and gaps by touchpoint"),
        no_data=_("No answers match these filters."),
        too_small=_small(),
        stage=_("Stage"),
        touchpoint=_("Touchpoint"),
    )


def _dimension_texts() -> DimensionTexts:
    """Words on the dimensions chart."""
    return DimensionTexts(
        title=_("Expectation, experience and gap by dimension (95% CI)"),
        no_data=_("No gap answers match these filters."),
        too_small=_small(),
        dimension=_("Dimension"),
        expectation=_("Expectation"),
        experience=_("Experience"),
        gap=_("Gap"),
        score_axis=_("Mean score"),
        gap_axis=_("Gap (experience − expectation)"),
    )


def _distribution_texts() -> DistributionTexts:
    """Words on the NPS distribution chart."""
    return DistributionTexts(
        title=_("How likely customers are to recommend us"),
        no_data=_("No NPS answers match these filters."),
        too_small=_small(),
        score=_("Score"),
        share=_("Share of answers (%)"),
        count=_("Answers"),
        detractors=_("Detractors"),
        passives=_("Passives"),
        promoters=_("Promoters"),
    )


def _segment_texts(dimension: str) -> SegmentTexts:
    """Words on the segment comparison chart of one dimension."""
    return SegmentTexts(
        title=_("Mean gap by segment: %(dimension)s", dimension=dimension),
        no_data=_("No gap answers match these filters."),
        too_small=_small(),
        attribute=_("Segment attribute"),
        segment=_("Segment"),
        metric=_("Mean gap (95% CI)"),
        significance=_("Differs"),
        marker_note=_("* differs from another segment (Mann–Whitney, Holm-adjusted p < 0.05)"),
    )
