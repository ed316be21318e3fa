"""The report's charts, drawn by ``touchloop.charts`` from the report's figures, as PNG for the PDF.

PNG rather than vector: fpdf2 draws SVG without patterns (the hatching that marks too-small cells would be
lost) and cannot place a PDF page; at 170 dpi a chart stays sharp on paper and costs tens of kilobytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from touchloop.charts import (
    Chart,
    DimensionRow,
    DimensionTexts,
    HeatmapColumn,
    HeatmapRow,
    HeatmapTexts,
    QuadrantPoint,
    QuadrantTexts,
    SegmentRow,
    SegmentTexts,
    draw_dimensions,
    draw_heatmap,
    draw_quadrant,
    draw_segments,
)
from touchloop.report.model import ExperienceReport, SegmentDifference
from touchloop.report.words import ReportWords

DPI = 170


@dataclass(frozen=True)
class Picture:
    """A drawn chart as PNG with its size in inches."""

    png: bytes
    width: float
    height: float


def picture(chart: Chart) -> Picture:
    """The chart as PNG, and its size."""
    width, height = chart.figure.get_size_inches()
    return Picture(chart.png(DPI), float(width), float(height))


def heat_map(report: ExperienceReport, words: ReportWords) -> Picture:
    """NPS, CSAT and the mean gap per dimension at every touchpoint with answers."""
    columns = [HeatmapColumn(words.nps, 0, 0.0, 100.0), HeatmapColumn(words.csat, 0, 50.0, 50.0)]
    columns += [
        HeatmapColumn(words.heat_gap_line % {"dimension": name}, 2, 0.0, 2.0) for name in report.heat_dimensions
    ]
    rows = [HeatmapRow(row.stage, row.touchpoint, row.cells) for row in report.heat_rows]
    texts = HeatmapTexts(
        title=words.heat_title,
        no_data=words.heat_no_data,
        too_small=words.too_small,
        stage=words.stage,
        touchpoint=words.touchpoint,
    )
    return picture(draw_heatmap(rows, columns, texts))


def dimensions(report: ExperienceReport, words: ReportWords) -> Picture:
    """Expectation, experience and gap of each dimension over the whole journey, with CIs."""
    rows = [DimensionRow(line.label, line.expectation, line.experience, line.gap) for line in report.dimensions]
    texts = DimensionTexts(
        title=words.dimensions_title,
        no_data=words.heat_no_data,
        too_small=words.too_small,
        dimension=words.dimension,
        expectation=words.expectation,
        experience=words.experience,
        gap=words.gap,
        score_axis=words.score_axis,
        gap_axis=words.gap_axis,
    )
    return picture(draw_dimensions(rows, texts))


def quadrant(report: ExperienceReport, words: ReportWords) -> Picture:
    """Every aspect by its mean gap (across) and its importance (up), in the four quadrants, labelled by number.

    Numbers, not names: "touchpoint · aspect" does not fit beside a point; the tables and a key give the names.
    """
    points = [
        QuadrantPoint(
            str(number),
            item.gap.value,
            item.importance.value,
            item.gap.n,
            item.gap.too_small or item.importance.too_small,
        )
        for number, item in enumerate(report.items, start=1)
        if item.importance is not None and item.gap.shown is not None
    ]
    texts = QuadrantTexts(
        title=words.quadrant_title,
        no_data=words.heat_no_data,
        too_small=words.too_small,
        item=words.aspect,
        performance=words.performance_axis,
        importance=words.importance_axis,
        quadrant=words.quadrant,
        concentrate=words.quadrants["concentrate_here"],
        keep_up=words.quadrants["keep_up_the_good_work"],
        low_priority=words.quadrants["low_priority"],
        overkill=words.quadrants["possible_overkill"],
    )
    performance, importance = report.crosshairs
    return picture(draw_quadrant(points, texts, performance, importance))


def segments(difference: SegmentDifference, words: ReportWords) -> Picture:
    """The segments of one significant difference, each mean gap with its CI; differing ones starred."""
    differing = {name for pair in difference.pairs for name in (pair.first, pair.second)}
    rows = [
        SegmentRow(difference.attribute, group.label, group.gap, "*" if group.label in differing else "")
        for group in difference.groups
    ]
    values = {"touchpoint": difference.touchpoint, "aspect": difference.dimension, "attribute": difference.attribute}
    texts = SegmentTexts(
        title=words.segments_title_line % values,
        no_data=words.heat_no_data,
        too_small=words.too_small,
        attribute=difference.attribute,
        segment=words.segment,
        metric=words.mean_gap,
        significance="*",
        marker_note=words.marker_note,
    )
    return picture(draw_segments(rows, texts))
