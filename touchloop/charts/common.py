"""The plain values every chart is drawn from, and what every chart returns."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

from touchloop.charts.style import BLUE, GREEN, INK, MUTED, ORANGE, PURPLE, VERMILION, drawable, new_figure

REFERENCE_KINDS = ("own", "industry", "satisfied", "ideal", "target")
# How each comparison level is drawn: colour, line style, marker. Told apart by shape as well as colour.
REFERENCE_STYLES = {
    "own": (BLUE, (0, (2, 1)), "o"),
    "industry": (ORANGE, (0, (4, 2)), "s"),
    "satisfied": (GREEN, (0, (4, 1.5, 1, 1.5)), "^"),
    "ideal": (PURPLE, (0, (1, 1.5)), "*"),
    "target": (VERMILION, "solid", "D"),
}


def finite(value: float | None) -> float | None:
    """``value`` as a float, or None when it is missing or not a finite number."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Estimate:
    """A figure with its 95% confidence interval, how many answers it rests on, and whether to trust it."""

    value: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0
    too_small: bool = False

    @classmethod
    def of(cls, value: float | None, ci: object | None, n: int = 0, too_small: bool = False) -> Estimate:
        """An estimate from a value and any interval with ``low`` and ``high`` (e.g. the statistics' Interval)."""
        low, high = (ci.low, ci.high) if ci is not None else (None, None)
        return cls(value, low, high, n=n, too_small=too_small)

    @property
    def shown(self) -> float | None:
        """The value to draw, or None when there is nothing (a missing or non-finite value)."""
        return finite(self.value)

    @property
    def interval(self) -> tuple[float, float] | None:
        """The (low, high) bounds when both are finite numbers."""
        low, high = finite(self.low), finite(self.high)
        return None if low is None or high is None else (low, high)


@dataclass(frozen=True)
class Reference:
    """A level to compare with: the company's own, the industry's, satisfied customers', the ideal, or a target."""

    kind: str
    label: str
    value: float

    def __post_init__(self) -> None:
        """Refuse kinds the charts cannot draw and levels that are not numbers."""
        if self.kind not in REFERENCE_KINDS:
            raise ValueError(f"reference kind {self.kind!r} is not one of {', '.join(REFERENCE_KINDS)}")
        if finite(self.value) is None:
            raise ValueError(f"reference {self.label!r} has no finite value: {self.value!r}")


@dataclass(frozen=True, kw_only=True)
class Texts:
    """The words on a chart, already in the reader's language: the caller translates."""

    title: str
    no_data: str
    too_small: str = ""
    description: str = ""


@dataclass(frozen=True)
class TextAlternative:
    """What a chart shows, for screen readers: a short description, the data as a table, lines like "Target: 40"."""

    summary: str
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Chart:
    """A drawn chart and its text alternative; the figure can be written as SVG, PNG or PDF."""

    figure: Figure
    alternative: TextAlternative

    def svg(self) -> bytes:
        """The chart as SVG with text as outlines; the same data always gives the same bytes."""
        return self._save("svg", metadata={"Date": None})

    def png(self, dpi: int = 150) -> bytes:
        """The chart as PNG at ``dpi`` dots per inch."""
        return self._save("png", dpi=dpi)

    def pdf(self) -> bytes:
        """The chart as a one-page PDF with its glyphs embedded."""
        return self._save("pdf", metadata={"CreationDate": None})

    def _save(self, kind: str, **options) -> bytes:
        """The figure written in format ``kind``."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format=kind, **options)
        return buffer.getvalue()


def number(value: float | None, decimals: int) -> str:
    """``value`` rounded to ``decimals`` places with a true minus sign; "" when missing; never "-0"."""
    value = finite(value)
    if value is None:
        return ""
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text.replace("-", "\N{MINUS SIGN}")


def describe(estimate: Estimate | None, decimals: int, too_small: str) -> str:
    """An estimate in words for a table: "−0.42 [−0.60, −0.24], n=120", plus the too-small note."""
    if estimate is None or estimate.shown is None:
        return ""
    text = number(estimate.shown, decimals)
    if estimate.interval:
        low, high = estimate.interval
        text += f" [{number(low, decimals)}, {number(high, decimals)}]"
    if estimate.n:
        text += f", n={estimate.n}"
    if estimate.too_small and too_small:
        text += f" ({too_small})"
    return text


def reference_notes(references: Sequence[Reference], decimals: int) -> tuple[str, ...]:
    """Reference lines in words for the text alternative: "Target: 40.0"."""
    return tuple(f"{reference.label}: {number(reference.value, decimals)}" for reference in references)


def summary(texts: Texts) -> str:
    """The short description of a chart: the caller's description, else its title."""
    return texts.description or texts.title


def set_title(figure: Figure, title: str) -> None:
    """Write the chart title at the top left of the figure."""
    if title:
        figure.suptitle(drawable(title), x=0.01, ha="left", fontsize=11, color=INK, parse_math=False)


def no_data_chart(texts: Texts) -> Chart:
    """A small chart that says there is no data, instead of failing on an empty table."""
    figure = new_figure(6.4, 1.8)
    set_title(figure, texts.title)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.5, drawable(texts.no_data), ha="center", va="center", color=MUTED, fontsize=10, parse_math=False)
    return Chart(figure, TextAlternative(texts.no_data))
