"""Fitting labels: display width (a Chinese character is two Latin ones wide), wrapping, grouped rows."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from matplotlib.axes import Axes

from touchloop.charts.style import drawable

Item = TypeVar("Item")
# One wide character, one run of other non-space characters, or one run of spaces.
_WIDE = "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60"
_TOKEN = re.compile(rf"[{_WIDE}]|[^\s{_WIDE}]+|\s+")
INCH_PER_UNIT = 0.075  # one Latin character of 9-point Noto Sans, roughly


def width_of(text: str) -> int:
    """How many Latin-character widths ``text`` takes: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _split_long(token: str, width: int) -> list[str]:
    """A token longer than ``width`` cut into pieces that fit."""
    pieces, piece = [], ""
    for ch in token:
        if piece and width_of(piece + ch) > width:
            pieces.append(piece)
            piece = ""
        piece += ch
    return pieces + [piece]


def _lines(text: str, width: int) -> list[str]:
    """``text`` broken greedily into lines of at most ``width`` units, at spaces or between wide characters."""
    lines, line = [], ""
    for token in _TOKEN.findall(text):
        for piece in _split_long(token, width) if width_of(token) > width else [token]:
            if line and width_of(line + piece) > width:
                lines.append(line.rstrip())
                line = "" if piece.isspace() else piece
            else:
                line += piece
    return [*lines, line.rstrip()] if line.strip() else lines


def wrap(text: str, width: int, max_lines: int = 2) -> str:
    """``text`` made drawable and wrapped to ``width`` units on at most ``max_lines`` lines, with "…" if cut."""
    lines = _lines(drawable(text), width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and width_of(last + "…") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return "\n".join(lines)


def widest(labels: Iterable[str]) -> int:
    """The display width of the widest line among ``labels``."""
    return max((width_of(line) for label in labels for line in label.split("\n")), default=0)


@dataclass(frozen=True)
class Row(Generic[Item]):
    """A line of a grouped chart: a group heading (``item`` None) or one item under it."""

    label: str
    item: Item | None = None


def grouped(items: Sequence[Item], group_of: Callable[[Item], str], label_of: Callable[[Item], str]) -> list[Row]:
    """Items under a heading for each group, groups in order of first appearance; no heading for blank groups."""
    order: dict[str, list[Item]] = {}
    for item in items:
        order.setdefault(group_of(item), []).append(item)
    rows: list[Row] = []
    for group, members in order.items():
        if group.strip():
            rows.append(Row(group))
        rows.extend(Row(label_of(member), member) for member in members)
    return rows


def shade_headings(axes: Axes, rows: Sequence[Row], width: int) -> None:
    """Write each group heading in a light band across the axes, at its row (rows run top to bottom)."""
    for position, row in enumerate(rows):
        if row.item is None:
            axes.axhspan(position - 0.5, position + 0.5, color="#f2f2f2", zorder=0, linewidth=0)
            axes.text(
                0.005,
                position,
                wrap(row.label, width, 1),
                transform=axes.get_yaxis_transform(),
                ha="left",
                va="center",
                fontsize=9,
                color="#333333",
                parse_math=False,
                in_layout=False,
            )
