"""A touchpoint's dimensions: expectation and experience side by side, and the gap, each with its CI."""

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
    number,
    set_title,
    summary,
)
from touchloop.charts.layout import INCH_PER_UNIT, widest, wrap
from touchloop.charts.marks import bottom_legend, draw_estimate, hollow_handle, reference_handle, reference_segment
from touchloop.charts.style import BLUE, GRID, INK, MUTED, SKY, new_figure

HALF_ROW = 0.38


@dataclass(frozen=True)
class DimensionRow:
    """One experience dimension: its three estimates and the levels to compare them with."""

    label: str
    expectation: Estimate
    experience: Estimate
    gap: Estimate
    references: tuple[Reference, ...] = ()  # on the score scale: industry, satisfied customers, ideal, target
    gap_references: tuple[Reference, ...] = ()  # on the gap scale, e.g. a target gap


@dataclass(frozen=True, kw_only=True)
class DimensionTexts(Texts):
    """Words on the dimensions chart: legend entries, axis titles and the table's first column."""

    dimension: str
    expectation: str
    experience: str
    gap: str
    score_axis: str
    gap_axis: str


def _limits(values: list[float], scale: tuple[float, float] | None) -> tuple[float, float]:
    """The score axis range: the scale if given, widened to whatever must be seen."""
    low, high = scale or (min(values), max(values))
    low, high = min([low, *values]), max([high, *values])
    pad = max(high - low, 1.0) * 0.06
    return low - pad, high + pad


def _extent(rows: Sequence[DimensionRow], gap: bool) -> list[float]:
    """Every number the score panel (or with ``gap`` the gap panel) has to show."""
    values = []
    for row in rows:
        estimates = (row.gap,) if gap else (row.expectation, row.experience)
        values += [value for estimate in estimates for value in (estimate.shown, *(estimate.interval or ()))]
        values += [reference.value for reference in (row.gap_references if gap else row.references)]
    return [value for value in values if value is not None]


def _style(axes: Axes, label: str) -> None:
    """Light vertical grid, axis title, no frame at the left."""
    axes.set_xlabel(label)
    axes.grid(axis="x", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.tick_params(axis="y", length=0)
    axes.spines["left"].set_visible(False)


def _label(row: DimensionRow) -> str:
    """A dimension's name wrapped, with how many answers its gap rests on."""
    n = row.gap.n or row.experience.n
    return wrap(row.label, 22) + (f"\nn={n}" if n else "")


def _legend(figure, rows: Sequence[DimensionRow], texts: DimensionTexts) -> None:
    """Legend under the chart: the three estimates, every comparison level used, too-small markers."""
    entries = [
        (Line2D([], [], color=SKY, marker="s", linestyle="none"), texts.expectation),
        (Line2D([], [], color=BLUE, marker="o", linestyle="none"), texts.experience),
        (Line2D([], [], color=INK, marker="D", linestyle="none"), texts.gap),
    ]
    for reference in (reference for row in rows for reference in (*row.references, *row.gap_references)):
        entries.append((reference_handle(reference), reference.label))
    estimates = [estimate for row in rows for estimate in (row.expectation, row.experience, row.gap)]
    if any(estimate.too_small and estimate.shown is not None for estimate in estimates):
        entries.append((hollow_handle(MUTED), texts.too_small))
    bottom_legend(figure, entries)


def _alternative(rows: Sequence[DimensionRow], texts: DimensionTexts, decimals: int) -> TextAlternative:
    """The chart as a table: each dimension's three estimates, then one column per comparison level.

    A level drawn on both scales (say the satisfied customers' experience and their gap) gets two columns,
    the gap one headed "<level> (<gap>)", so neither value hides the other.
    """
    on_scores = {ref.label for row in rows for ref in row.references}

    def column(reference: Reference, gap: bool) -> str:
        return f"{reference.label} ({texts.gap})" if gap and reference.label in on_scores else reference.label

    def columns(row: DimensionRow) -> list[tuple[str, Reference]]:
        scores = [(column(ref, False), ref) for ref in row.references]
        return scores + [(column(ref, True), ref) for ref in row.gap_references]

    levels = list(dict.fromkeys(name for row in rows for name, _ref in columns(row)))
    header = (texts.dimension, texts.expectation, texts.experience, texts.gap, *levels)
    table = []
    for row in rows:
        values = {name: number(ref.value, decimals) for name, ref in columns(row)}
        estimates = (row.expectation, row.experience, row.gap)
        described = [describe(estimate, decimals, texts.too_small) for estimate in estimates]
        table.append((row.label, *described, *(values.get(level, "") for level in levels)))
    return TextAlternative(summary(texts), header, tuple(table))


def draw_dimensions(
    rows: Sequence[DimensionRow], texts: DimensionTexts, scale: tuple[float, float] | None = None, decimals: int = 2
) -> Chart:
    """Expectation and experience on the answer scale (left), the gap around zero (right), CIs as bars."""
    if not _extent(rows, gap=False) and not _extent(rows, gap=True):
        return no_data_chart(texts)
    labels = [_label(row) for row in rows]
    figure = new_figure(min(max(4.8, 5.2 + widest(labels) * INCH_PER_UNIT), 9.0), 1.3 + 0.62 * len(rows) + 0.5)
    set_title(figure, texts.title)
    scores, gaps = figure.subplots(1, 2, sharey=True, width_ratios=[3, 2])
    for y, row in enumerate(rows):
        for axes, references in ((scores, row.references), (gaps, row.gap_references)):
            for reference in references:
                reference_segment(axes, reference, y - HALF_ROW, y + HALF_ROW)
        draw_estimate(scores, y - 0.15, row.expectation, SKY, "s")
        draw_estimate(scores, y + 0.15, row.experience, BLUE, "o")
        draw_estimate(gaps, y, row.gap, INK, "D")
    scores.set_xlim(*_limits(_extent(rows, gap=False) or [0.0, 1.0], scale))
    reach = max([abs(value) for value in _extent(rows, gap=True)] + [0.5]) * 1.15
    gaps.set_xlim(-reach, reach)
    gaps.axvline(0, color=MUTED, linewidth=1.0, zorder=1)
    scores.set_yticks(range(len(rows)), labels)
    scores.set_ylim(len(rows) - 0.5, -0.5)
    _style(scores, wrap(texts.score_axis, 50))
    _style(gaps, wrap(texts.gap_axis, 36))
    _legend(figure, rows, texts)
    return Chart(figure, _alternative(rows, texts, decimals))
