"""Segments compared: a forest plot of each segment's estimate with its CI, grouped by attribute."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from touchloop.charts.common import (
    Chart,
    Estimate,
    Reference,
    TextAlternative,
    Texts,
    describe,
    no_data_chart,
    reference_notes,
    set_title,
    summary,
)
from touchloop.charts.layout import (
    INCH_PER_UNIT,
    Row,
    grouped,
    shade_headings,
    widest,
    wrap,
)
from touchloop.charts.marks import bottom_legend, draw_estimate, hollow_handle, reference_handle, reference_line
from touchloop.charts.style import BLUE, GRID, INK, MUTED, drawable, new_figure


@dataclass(frozen=True)
class SegmentRow:
    """One segment (a value of an attribute, e.g. region "North") with its estimate and significance marker."""

    attribute: str
    label: str
    estimate: Estimate
    marker: str = ""  # given by the caller, e.g. "*" when the segment differs significantly


@dataclass(frozen=True, kw_only=True)
class SegmentTexts(Texts):
    """Words on the segment comparison: the metric axis, table headers, what the markers mean."""

    attribute: str
    segment: str
    metric: str
    significance: str
    marker_note: str = ""  # e.g. "* differs from the other segments (Holm-adjusted p < 0.05)"


def _draw_row(axes: Axes, y: int, row: SegmentRow) -> None:
    """A segment's estimate with its CI bar, and its n and marker at the right edge."""
    estimate = row.estimate
    if estimate.shown is None:
        return
    draw_estimate(axes, y, estimate, MUTED if estimate.too_small else BLUE)
    edge = {"xy": (1, y), "xycoords": axes.get_yaxis_transform(), "textcoords": "offset points", "va": "center"}
    if estimate.n:
        axes.annotate(f"n={estimate.n}", xytext=(6, 0), fontsize=8, color=MUTED, **edge)
    if row.marker:
        axes.annotate(drawable(row.marker), xytext=(40, 0), fontsize=12, color=INK, **edge).set_parse_math(False)


def _extent(rows: Sequence[SegmentRow], references: Sequence[Reference]) -> list[float]:
    """Every number the axis has to show."""
    values = [reference.value for reference in references]
    for row in rows:
        values += [value for value in (row.estimate.shown, *(row.estimate.interval or ())) if value is not None]
    return values


def _legend(figure, rows: Sequence[SegmentRow], references: Sequence[Reference], texts: SegmentTexts) -> None:
    """Legend: reference lines, the too-small marker, and what the significance markers mean."""
    entries = [(reference_handle(reference), reference.label) for reference in references]
    if any(row.estimate.too_small and row.estimate.shown is not None for row in rows):
        entries.append((hollow_handle(MUTED), texts.too_small))
    if any(row.marker for row in rows):
        entries.append((Line2D([], [], linestyle="none"), texts.marker_note))
    bottom_legend(figure, entries, columns=2)


def _alternative(rows: Sequence[SegmentRow], references, texts: SegmentTexts, decimals: int) -> TextAlternative:
    """The comparison as a table (attribute, segment, estimate, marker) with the reference lines as notes."""
    header = (texts.attribute, texts.segment, texts.metric, texts.significance)
    table = tuple(
        (row.attribute, row.label, describe(row.estimate, decimals, texts.too_small), row.marker) for row in rows
    )
    notes = reference_notes(references, decimals) + ((texts.marker_note,) if texts.marker_note else ())
    return TextAlternative(summary(texts), header, table, notes)


def draw_segments(
    rows: Sequence[SegmentRow], texts: SegmentTexts, references: Sequence[Reference] = (), decimals: int = 2
) -> Chart:
    """Each segment's estimate and CI on one axis, under a heading per attribute, with reference lines."""
    if not any(row.estimate.shown is not None for row in rows):
        return no_data_chart(texts)
    layout: list[Row] = grouped(rows, lambda row: row.attribute, lambda row: row.label)
    labels = [wrap(row.label, 26) if row.item is not None else "" for row in layout]
    width = min(max(5.6, 5.0 + widest(labels) * INCH_PER_UNIT), 9.0)
    figure = new_figure(width, 1.2 + 0.36 * len(layout) + 0.4)
    set_title(figure, texts.title)
    axes = figure.add_subplot()
    for y, row in enumerate(layout):
        if row.item is not None:
            _draw_row(axes, y, row.item)
    for reference in references:
        reference_line(axes, reference)
    values = _extent(rows, references)
    pad = max(max(values) - min(values), 0.1) * 0.08
    axes.set_xlim(min(values) - pad, max(values) + pad)
    axes.set_yticks(range(len(layout)), labels)
    axes.set_ylim(len(layout) - 0.5, -0.5)
    shade_headings(axes, layout, int(3.0 / INCH_PER_UNIT))
    axes.set_xlabel(wrap(texts.metric, 60))
    axes.grid(axis="x", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.tick_params(axis="y", length=0)
    axes.spines["left"].set_visible(False)
    _legend(figure, rows, references, texts)
    return Chart(figure, _alternative(rows, references, texts, decimals))
