"""Marks shared by several charts: an estimate with its CI bar, reference lines, legend keys, the legend."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from touchloop.charts.common import REFERENCE_STYLES, Estimate, Reference
from touchloop.charts.layout import wrap
from touchloop.charts.style import TOO_SMALL_EDGE, TOO_SMALL_FACE, TOO_SMALL_HATCH


def draw_estimate(axes: Axes, y: float, estimate: Estimate, colour: str, marker: str = "o") -> None:
    """An estimate as a marker at height ``y`` with its CI as a horizontal bar; hollow when too small."""
    if estimate.shown is None:
        return
    low, high = estimate.interval or (estimate.shown, estimate.shown)
    axes.errorbar(
        estimate.shown,
        y,
        # A bound on the wrong side of the value (bad input) draws no bar rather than failing.
        xerr=[[max(estimate.shown - low, 0.0)], [max(high - estimate.shown, 0.0)]],
        fmt=marker,
        color=colour,
        markersize=7,
        capsize=3,
        elinewidth=1.4,
        markeredgewidth=1.4,
        markerfacecolor="white" if estimate.too_small else colour,
        zorder=3,
    )


def reference_line(axes: Axes, reference: Reference, horizontal: bool = False, span: tuple[float, float] = (0, 1)):
    """A comparison level as a line across the axes (vertical unless ``horizontal``), over ``span`` of it."""
    colour, style, _marker = REFERENCE_STYLES[reference.kind]
    draw = axes.axhline if horizontal else axes.axvline
    draw(reference.value, span[0], span[1], color=colour, linestyle=style, linewidth=1.7, zorder=2)


def reference_segment(axes: Axes, reference: Reference, bottom: float, top: float) -> None:
    """A comparison level as a short vertical line from ``bottom`` to ``top`` (data units), e.g. across one row."""
    colour, style, _marker = REFERENCE_STYLES[reference.kind]
    axes.plot([reference.value] * 2, [bottom, top], color=colour, linestyle=style, linewidth=1.7, zorder=2)


def reference_handle(reference: Reference) -> Line2D:
    """The legend key of a comparison level."""
    colour, style, _marker = REFERENCE_STYLES[reference.kind]
    return Line2D([], [], color=colour, linestyle=style, linewidth=1.7)


def too_small_handle() -> Patch:
    """The legend key for "too few answers to trust": a grey hatched square."""
    return Patch(facecolor=TOO_SMALL_FACE, edgecolor=TOO_SMALL_EDGE, hatch=TOO_SMALL_HATCH)


def hollow_handle(colour: str, marker: str = "o") -> Line2D:
    """The legend key for a hollow marker, used for estimates from too few answers."""
    return Line2D([], [], linestyle="none", marker=marker, markerfacecolor="white", markeredgecolor=colour)


def bottom_legend(figure: Figure, entries: Sequence[tuple[object, str]], columns: int = 3) -> None:
    """A legend under the chart from (handle, label) pairs, skipping blank labels and repeats.

    It takes up to ``columns`` columns, fewer when that many would be wider than the figure (long or
    Chinese names), so no entry is ever cut off at the figure's edge.
    """
    seen: dict[str, object] = {}
    for handle, label in entries:
        if label and label not in seen:
            seen[label] = handle
    if not seen:
        return
    labels = [wrap(label, 60) for label in seen]
    renderer = figure.canvas.get_renderer()
    for count in range(min(columns, len(seen)), 0, -1):
        legend = figure.legend(
            list(seen.values()),
            labels,
            loc="outside lower center",
            ncols=count,
            handlelength=2.2,
            columnspacing=1.4,
        )
        for text in legend.get_texts():
            text.set_parse_math(False)
        if count == 1 or legend.get_window_extent(renderer).width <= figure.bbox.width:
            return
        legend.remove()
