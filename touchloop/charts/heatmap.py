"""The journey heat map: stage → touchpoint rows, one column per metric, coloured around each column's centre."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from touchloop.charts.common import (
    Chart,
    Estimate,
    TextAlternative,
    Texts,
    describe,
    no_data_chart,
    number,
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
from touchloop.charts.marks import bottom_legend, too_small_handle
from touchloop.charts.style import (
    DIVERGING_MAP,
    INK,
    MUTED,
    TOO_SMALL_EDGE,
    TOO_SMALL_FACE,
    TOO_SMALL_HATCH,
    new_figure,
)

DIVERGING = colormaps[DIVERGING_MAP]  # a copy made once; only read afterwards


@dataclass(frozen=True)
class HeatmapColumn:
    """A metric column: colour runs from red (``centre - limit``) through white to blue (``centre + limit``)."""

    label: str
    decimals: int = 2
    centre: float = 0.0
    limit: float | None = None  # None: the largest distance from the centre in this column
    higher_is_better: bool = True  # False turns the colours round (e.g. customer effort)


@dataclass(frozen=True)
class HeatmapRow:
    """A touchpoint under its stage, with one estimate (or None when missing) per column."""

    stage: str
    touchpoint: str
    cells: tuple[Estimate | None, ...]


@dataclass(frozen=True, kw_only=True)
class HeatmapTexts(Texts):
    """Words on the heat map; ``stage`` and ``touchpoint`` head the text alternative's first columns."""

    stage: str
    touchpoint: str


def _has_value(cell: Estimate | None) -> bool:
    """Whether a cell has a number to show."""
    return cell is not None and cell.shown is not None


def _norm(column: HeatmapColumn, cells: Sequence[Estimate | None]) -> Normalize:
    """The colour scale of a column, symmetric around its centre."""
    distances = [abs(cell.shown - column.centre) for cell in cells if _has_value(cell) and not cell.too_small]
    limit = column.limit or max(distances, default=0.0) or 1.0
    if column.higher_is_better:
        return Normalize(column.centre - limit, column.centre + limit, clip=True)
    return Normalize(column.centre + limit, column.centre - limit, clip=True)


def _column_faces(column: HeatmapColumn, cells: Sequence[Estimate | None]) -> list[tuple[float, float, float]]:
    """The fill colour of every cell in a column (cells without a value get the centre's colour, unused)."""
    values = np.array([cell.shown if _has_value(cell) else column.centre for cell in cells])
    return [tuple(rgba[:3]) for rgba in DIVERGING(_norm(column, cells)(values))]


def _ink_on(face: tuple[float, float, float]) -> str:
    """Black or white, whichever reads better on ``face``."""
    red, green, blue = face
    return INK if 0.299 * red + 0.587 * green + 0.114 * blue > 0.55 else "white"


def _write(axes: Axes, x: int, y: int, cell: Estimate, decimals: int, ink: str) -> None:
    """A cell's value written in it; a too-small cell also shows its n."""
    label = number(cell.shown, decimals) + (f"\nn={cell.n}" if cell.too_small else "")
    text = axes.text(x, y, label, ha="center", va="center", color=ink, fontsize=8.5 if cell.too_small else 9.5)
    text.set_in_layout(False)  # inside its cell: measuring it for the layout would only cost time
    if cell.too_small:
        text.set_bbox({"facecolor": TOO_SMALL_FACE, "edgecolor": "none", "pad": 1})


def _draw_cells(axes: Axes, layout: Sequence[Row], columns: Sequence[HeatmapColumn]) -> None:
    """Every cell with a value: coloured, or grey and hatched when too small; missing cells stay blank."""
    plain, faces, small = [], [], []
    for y, line in enumerate(layout):
        row, row_faces = line.item or (None, ())
        for x, (cell, face, column) in enumerate(zip(row.cells if row else (), row_faces, columns)):
            if not _has_value(cell):
                continue
            (small if cell.too_small else plain).append(Rectangle((x - 0.5, y - 0.5), 1, 1))
            if not cell.too_small:
                faces.append(face)
            _write(axes, x, y, cell, column.decimals, MUTED if cell.too_small else _ink_on(face))
    edges = {"edgecolors": "white", "linewidths": 1.5}
    axes.add_collection(PatchCollection(plain, facecolors=faces, **edges))
    hatching = {"hatch": TOO_SMALL_HATCH, "hatchcolor": TOO_SMALL_EDGE}
    axes.add_collection(PatchCollection(small, facecolors=TOO_SMALL_FACE, **hatching, **edges))


def _in_words(row: HeatmapRow, columns: Sequence[HeatmapColumn], too_small: str) -> tuple[str, ...]:
    """A table row: stage, touchpoint, then each cell's estimate in words."""
    cells = (describe(cell, column.decimals, too_small) for cell, column in zip(row.cells, columns))
    return (row.stage, row.touchpoint, *cells)


def _alternative(rows: Sequence[HeatmapRow], columns: Sequence[HeatmapColumn], texts: HeatmapTexts):
    """The heat map as a table, one row per touchpoint."""
    header = (texts.stage, texts.touchpoint, *(column.label for column in columns))
    return TextAlternative(summary(texts), header, tuple(_in_words(row, columns, texts.too_small) for row in rows))


def _check(rows: Sequence[HeatmapRow], columns: Sequence[HeatmapColumn]) -> None:
    """Refuse a row whose number of cells differs from the number of columns."""
    for row in rows:
        if len(row.cells) != len(columns):
            raise ValueError(f"touchpoint {row.touchpoint!r} has {len(row.cells)} cells for {len(columns)} columns")


def _shape(layout: Sequence[Row], columns: Sequence[HeatmapColumn]) -> tuple[list[str], list[str], float, float]:
    """Wrapped row and column labels and the figure size (inches) they need."""
    row_labels = [wrap(row.label, 30) if row.item is not None else "" for row in layout]
    column_labels = [wrap(column.label, 14, 3) for column in columns]
    label_inches = widest(row_labels) * INCH_PER_UNIT + 0.3
    width = min(max(label_inches + 0.95 * len(columns) + 0.3, 4.8), 12.0)
    header_lines = max(label.count("\n") + 1 for label in column_labels)
    height = 0.7 + 0.17 * header_lines + 0.36 * len(layout) + 0.35
    return row_labels, column_labels, width, height


def draw_heatmap(rows: Sequence[HeatmapRow], columns: Sequence[HeatmapColumn], texts: HeatmapTexts) -> Chart:
    """The journey heat map; missing cells stay blank and too-small cells are hatched grey with their n."""
    _check(rows, columns)
    if not columns or not any(_has_value(cell) for row in rows for cell in row.cells):
        return no_data_chart(texts)
    by_column = [_column_faces(column, [row.cells[index] for row in rows]) for index, column in enumerate(columns)]
    with_faces = list(zip(rows, zip(*by_column)))
    layout = grouped(with_faces, lambda pair: pair[0].stage, lambda pair: pair[0].touchpoint)
    row_labels, column_labels, width, height = _shape(layout, columns)
    figure = new_figure(width, height)
    set_title(figure, texts.title)
    axes = figure.add_subplot()
    _draw_cells(axes, layout, columns)
    shade_headings(axes, layout, int(0.95 * len(columns) / INCH_PER_UNIT))
    axes.set_xlim(-0.5, len(columns) - 0.5)
    axes.set_ylim(len(layout) - 0.5, -0.5)
    axes.set_xticks(range(len(columns)), column_labels)
    axes.set_yticks(range(len(layout)), row_labels)
    axes.xaxis.tick_top()
    axes.tick_params(length=0, labelcolor=INK)
    for spine in axes.spines.values():
        spine.set_visible(False)
    if any(_has_value(cell) and cell.too_small for row in rows for cell in row.cells):
        bottom_legend(figure, [(too_small_handle(), texts.too_small)])
    return Chart(figure, _alternative(rows, columns, texts))
