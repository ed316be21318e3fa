"""A metric month by month: the estimate as a line in its CI band, n under each month, targets as lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import isnan

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

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
from touchloop.charts.layout import wrap
from touchloop.charts.marks import bottom_legend, hollow_handle, reference_handle, reference_line
from touchloop.charts.style import BLUE, GRID, MUTED, new_figure

NAN = float("nan")
BAND = "#a6cbe6"
UPRIGHT_LABELS = 12  # more months than this and the month labels turn on their side


@dataclass(frozen=True)
class TrendPoint:
    """One month (labelled by the caller, e.g. "2025-03") and its estimate."""

    label: str
    estimate: Estimate


@dataclass(frozen=True, kw_only=True)
class TrendTexts(Texts):
    """Words on a trend: the metric (legend and y axis), the CI band, the table's column headers."""

    metric: str
    interval: str
    month: str


def _series(points: Sequence[TrendPoint]) -> tuple[list[float], list[float], list[float]]:
    """Values, lows and highs with NaN where a month has nothing, so the line and band break there."""
    values = [NAN if point.estimate.shown is None else point.estimate.shown for point in points]
    bounds = [point.estimate.interval if point.estimate.shown is not None else None for point in points]
    lows = [bound[0] if bound else NAN for bound in bounds]
    highs = [bound[1] if bound else NAN for bound in bounds]
    return values, lows, highs


def _month_labels(points: Sequence[TrendPoint]) -> list[str]:
    """Month labels with the number of answers under them (beside them when turned on their side)."""
    joiner = "\n" if len(points) <= UPRIGHT_LABELS else "  "
    return [
        wrap(point.label, 12, 1) + (f"{joiner}n={point.estimate.n}" if point.estimate.n else "") for point in points
    ]


def _lone_intervals(axes: Axes, values: list[float], lows: list[float], highs: list[float]) -> None:
    """The CI of a month with no neighbour as a bar, since the band between months cannot show it."""
    missing = [True, *(isnan(value) for value in values), True]
    for x, (low, high) in enumerate(zip(lows, highs)):
        if not missing[x + 1] and missing[x] and missing[x + 2] and not isnan(low):
            axes.plot([x, x], [low, high], color=BAND, linewidth=4, solid_capstyle="butt", zorder=1)


def _markers(axes: Axes, points: Sequence[TrendPoint], values: list[float]) -> None:
    """Filled markers for trusted months, hollow grey ones for months with too few answers."""
    trusted = [(x, y) for x, (point, y) in enumerate(zip(points, values)) if not point.estimate.too_small]
    shaky = [(x, y) for x, (point, y) in enumerate(zip(points, values)) if point.estimate.too_small]
    if trusted:
        axes.plot(*zip(*trusted), linestyle="none", marker="o", color=BLUE, markersize=5.5, zorder=4)
    if shaky:
        axes.plot(
            *zip(*shaky),
            linestyle="none",
            marker="o",
            markerfacecolor="white",
            markeredgecolor=MUTED,
            markeredgewidth=1.4,
            markersize=6.5,
            zorder=4,
        )


def _legend(figure, points: Sequence[TrendPoint], references: Sequence[Reference], texts: TrendTexts) -> None:
    """Legend: the metric, its CI band, each reference line, and the too-small marker if used."""
    entries = [(Line2D([], [], color=BLUE, marker="o"), texts.metric), (Patch(facecolor=BAND), texts.interval)]
    entries += [(reference_handle(reference), reference.label) for reference in references]
    if any(point.estimate.too_small and point.estimate.shown is not None for point in points):
        entries.append((hollow_handle(MUTED), texts.too_small))
    bottom_legend(figure, entries, columns=3)  # four columns of long (or Chinese) names outgrow the figure


def draw_trend(
    points: Sequence[TrendPoint], texts: TrendTexts, references: Sequence[Reference] = (), decimals: int = 1
) -> Chart:
    """The metric over the months given, in order; missing months leave a gap in the line."""
    values, lows, highs = _series(points)
    if all(isnan(value) for value in values):
        return no_data_chart(texts)
    upright = len(points) <= UPRIGHT_LABELS
    width = min(max(6.4, 0.55 * len(points) + 1.5), 8.0) if upright else min(max(6.4, 0.3 * len(points) + 1.5), 11.0)
    figure = new_figure(width, 3.6 if upright else 4.2)
    set_title(figure, texts.title)
    axes = figure.add_subplot()
    positions = list(range(len(points)))
    axes.fill_between(positions, lows, highs, color=BAND, alpha=0.7, linewidth=0, zorder=1)
    axes.plot(positions, values, color=BLUE, linewidth=1.8, zorder=3)
    _lone_intervals(axes, values, lows, highs)
    _markers(axes, points, values)
    for reference in references:
        reference_line(axes, reference, horizontal=True)
    axes.set_xticks(positions, _month_labels(points), rotation=0 if upright else 90, fontsize=8)
    axes.set_xlim(-0.5, len(points) - 0.5)
    axes.set_ylabel(wrap(texts.metric, 40))
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    _legend(figure, points, references, texts)
    header = (texts.month, texts.metric)
    table = tuple((point.label, describe(point.estimate, decimals, texts.too_small)) for point in points)
    return Chart(figure, TextAlternative(summary(texts), header, table, reference_notes(references, decimals)))
