"""The importance–performance quadrant: each item placed by how it performs and how much it matters.

Quadrants follow Martilla & James (1977): performance across, importance up, split by crosshair values
the caller computes. An item exactly on a crosshair line counts as high on that axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from touchloop.charts.common import Chart, TextAlternative, Texts, finite, no_data_chart, number, set_title, summary
from touchloop.charts.layout import wrap
from touchloop.charts.marks import bottom_legend, hollow_handle
from touchloop.charts.style import BLUE, GRID, INK, MUTED, VERMILION, new_figure

# Where a label may go relative to its point, nearest first: offset in points, alignment.
PLACES = [
    ((6, 2), "left", "bottom"), ((6, -2), "left", "top"), ((-6, 2), "right", "bottom"), ((-6, -2), "right", "top"),
    ((0, 7), "center", "bottom"), ((0, -7), "center", "top"), ((10, 12), "left", "bottom"),
    ((-10, -12), "right", "top"), ((10, -12), "left", "top"), ((-10, 12), "right", "bottom"),
]  # fmt: skip


@dataclass(frozen=True)
class QuadrantPoint:
    """An item (touchpoint or question) with its performance (e.g. mean score) and importance."""

    label: str
    performance: float
    importance: float
    n: int = 0
    too_small: bool = False


@dataclass(frozen=True, kw_only=True)
class QuadrantTexts(Texts):
    """Words on the quadrant chart: axis titles, the four quadrant names, the table's headers."""

    item: str
    performance: str
    importance: str
    quadrant: str
    concentrate: str  # important, performing below the line
    keep_up: str  # important, performing well
    low_priority: str  # less important, performing below the line
    overkill: str  # less important, performing well


def quadrant_of(point: QuadrantPoint, performance_cross: float, importance_cross: float, texts: QuadrantTexts) -> str:
    """The name of the quadrant a point falls in; on a line counts as high."""
    important = point.importance >= importance_cross
    performing = point.performance >= performance_cross
    if important:
        return texts.keep_up if performing else texts.concentrate
    return texts.overkill if performing else texts.low_priority


def _cross(value: float | None, values: list[float]) -> float:
    """The crosshair at ``value``, or at the mean of ``values`` when it is missing or not finite."""
    value = finite(value)
    return value if value is not None else sum(values) / len(values)


def _limits(values: list[float], cross: float) -> tuple[float, float]:
    """An axis range holding every value and the crosshair, with room for labels."""
    low, high = min(*values, cross), max(*values, cross)
    pad = max(high - low, 0.1) * 0.18
    return low - pad, high + pad


def _quadrants(axes: Axes, performance_cross: float, importance_cross: float, texts: QuadrantTexts) -> None:
    """Crosshair lines, a light tint on the "concentrate here" quadrant, and each quadrant's name in its corner."""
    axes.axvline(performance_cross, color=MUTED, linestyle=(0, (4, 2)), linewidth=1.1, zorder=1)
    axes.axhline(importance_cross, color=MUTED, linestyle=(0, (4, 2)), linewidth=1.1, zorder=1)
    left, _right = axes.get_xlim()
    _bottom, top = axes.get_ylim()
    axes.fill_between([left, performance_cross], importance_cross, top, color=VERMILION, alpha=0.07, linewidth=0)
    corners = [
        (0.01, 0.99, "left", "top", texts.concentrate),
        (0.99, 0.99, "right", "top", texts.keep_up),
        (0.01, 0.01, "left", "bottom", texts.low_priority),
        (0.99, 0.01, "right", "bottom", texts.overkill),
    ]
    for x, y, ha, va, name in corners:
        axes.text(
            x,
            y,
            wrap(name, 24),
            transform=axes.transAxes,
            ha=ha,
            va=va,
            color=MUTED,
            fontsize=8.5,
            in_layout=False,
            parse_math=False,
        )


def _overlap(box: Bbox, taken: list[Bbox]) -> float:
    """How much area ``box`` shares with boxes already taken."""
    total = 0.0
    for other in taken:
        width = min(box.x1, other.x1) - max(box.x0, other.x0)
        height = min(box.y1, other.y1) - max(box.y0, other.y0)
        total += max(width, 0) * max(height, 0)
    return total


def _place_labels(axes: Axes, points: Sequence[QuadrantPoint]) -> None:
    """Label every point at the nearest place that overlaps no other label or point and stays inside the axes."""
    renderer = axes.figure.canvas.get_renderer()
    frame = axes.get_window_extent(renderer)
    centres = [axes.transData.transform((point.performance, point.importance)) for point in points]
    taken = [Bbox.from_extents(x - 5, y - 5, x + 5, y + 5) for x, y in centres]
    for point in sorted(points, key=lambda point: -point.importance):
        where = (point.performance, point.importance)
        label = axes.annotate(wrap(point.label, 18), where, (0, 0), "data", "offset points", fontsize=8, color=INK)
        label.set_in_layout(False)
        label.set_parse_math(False)
        label.set_bbox({"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 0.6})
        costs = []
        for place in PLACES:
            _put(label, place)
            box = label.get_window_extent(renderer)
            costs.append(_overlap(box, taken) + 4 * (box.width * box.height - _overlap(box, [frame])))
            if costs[-1] == 0:
                break
        _put(label, PLACES[costs.index(min(costs))])
        taken.append(label.get_window_extent(renderer))


def _put(label: Annotation, place: tuple[tuple[int, int], str, str]) -> None:
    """Move an annotation's text to ``place`` (offset, horizontal and vertical alignment)."""
    label.xyann = place[0]
    label.set_horizontalalignment(place[1])
    label.set_verticalalignment(place[2])


def _answers(point: QuadrantPoint, too_small: str) -> str:
    """How many answers a point rests on, with the too-small note when it applies."""
    count = str(point.n) if point.n else ""
    return f"{count} ({too_small})".strip() if point.too_small and too_small else count


def _alternative(points, performance_cross: float, importance_cross: float, texts: QuadrantTexts, decimals: int):
    """The chart as a table (item, performance, importance, n, quadrant) and the crosshair values as notes."""
    header = (texts.item, texts.performance, texts.importance, "n", texts.quadrant)
    rows = tuple(
        (
            point.label,
            number(point.performance, decimals),
            number(point.importance, decimals),
            _answers(point, texts.too_small),
            quadrant_of(point, performance_cross, importance_cross, texts),
        )
        for point in points
    )
    notes = (
        f"{texts.performance}: {number(performance_cross, decimals)}",
        f"{texts.importance}: {number(importance_cross, decimals)}",
    )
    return TextAlternative(summary(texts), header, rows, notes)


def draw_quadrant(
    points: Sequence[QuadrantPoint],
    texts: QuadrantTexts,
    performance_cross: float | None,
    importance_cross: float | None,
    decimals: int = 2,
) -> Chart:
    """Items as labelled points over the four quadrants; hollow grey points rest on too few answers."""
    points = [point for point in points if None not in (finite(point.performance), finite(point.importance))]
    if not points:
        return no_data_chart(texts)
    performance_cross = _cross(performance_cross, [point.performance for point in points])
    importance_cross = _cross(importance_cross, [point.importance for point in points])
    figure = new_figure(6.4, 5.2)
    set_title(figure, texts.title)
    axes = figure.add_subplot()
    axes.set_xlim(*_limits([point.performance for point in points], performance_cross))
    axes.set_ylim(*_limits([point.importance for point in points], importance_cross))
    _quadrants(axes, performance_cross, importance_cross, texts)
    for point in points:
        colour = MUTED if point.too_small else BLUE
        face = "white" if point.too_small else BLUE
        axes.plot(point.performance, point.importance, "o", markersize=7, color=colour, markerfacecolor=face, zorder=3)
    axes.set_xlabel(wrap(texts.performance, 60))
    axes.set_ylabel(wrap(texts.importance, 40))
    axes.grid(color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    if any(point.too_small for point in points):
        bottom_legend(figure, [(hollow_handle(MUTED), texts.too_small)])
    figure.draw_without_rendering()  # settle the layout so labels are placed where they will be drawn
    _place_labels(axes, points)
    return Chart(figure, _alternative(points, performance_cross, importance_cross, texts, decimals))
