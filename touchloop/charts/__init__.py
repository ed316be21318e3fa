"""Touchloop's charts, drawn by matplotlib from plain values; no Flask, no database.

Each ``draw_*`` function takes frozen dataclasses (estimates with CI, n and a too-small flag, reference
levels) and the words to write, already translated by the caller, and returns a :class:`Chart`: the
figure (``svg()``, ``png(dpi)``, ``pdf()``; the same data always give the same bytes) and a
:class:`TextAlternative` (a short description and the data as a table) for screen readers.
Names people typed (touchpoints, segments) are drawn literally: "$" never starts mathtext.
"""

from __future__ import annotations

from touchloop.charts.common import REFERENCE_KINDS, Chart, Estimate, Reference, TextAlternative, Texts
from touchloop.charts.dimensions import DimensionRow, DimensionTexts, draw_dimensions
from touchloop.charts.distribution import Distribution, DistributionTexts, draw_distribution
from touchloop.charts.heatmap import HeatmapColumn, HeatmapRow, HeatmapTexts, draw_heatmap
from touchloop.charts.quadrant import QuadrantPoint, QuadrantTexts, draw_quadrant, quadrant_of
from touchloop.charts.segments import SegmentRow, SegmentTexts, draw_segments
from touchloop.charts.trend import TrendPoint, TrendTexts, draw_trend

__all__ = [
    "REFERENCE_KINDS",
    "Chart",
    "DimensionRow",
    "DimensionTexts",
    "Distribution",
    "DistributionTexts",
    "Estimate",
    "HeatmapColumn",
    "HeatmapRow",
    "HeatmapTexts",
    "QuadrantPoint",
    "QuadrantTexts",
    "Reference",
    "SegmentRow",
    "SegmentTexts",
    "TextAlternative",
    "Texts",
    "TrendPoint",
    "TrendTexts",
    "draw_dimensions",
    "draw_distribution",
    "draw_heatmap",
    "draw_quadrant",
    "draw_segments",
    "draw_trend",
    "quadrant_of",
]
