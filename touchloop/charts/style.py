"""The look shared by every chart: fonts (Latin and CJK), settings that make output repeatable, colours.

matplotlib reads a few settings only from its global ``rcParams`` at draw time (the SVG id salt, how
SVG and PDF store text, the font family, mathtext parsing). They are set once, under a lock, the first
time a chart is drawn, and never changed afterwards, so charts drawn in several threads agree.
Figures are built with :class:`matplotlib.figure.Figure` and the Agg canvas, never with pyplot.
"""

from __future__ import annotations

import importlib.util
import threading
import unicodedata
from functools import cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from touchloop.text import printable

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
CJK_FAMILY = "Noto Sans CJK SC"
# Noto Sans CJK has Latin too, so both languages share one typeface; DejaVu Sans fills in symbols.
FAMILIES = [CJK_FAMILY, "DejaVu Sans"]
REPLACEMENT = "\N{WHITE SQUARE}"

SETTINGS = {
    "font.family": FAMILIES,
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    # Labels are names people typed: a "$" must stay a dollar sign, never start mathtext.
    "text.parse_math": False,
    # Text as outlines: the browser needs no CJK web font and every browser shows the same chart.
    "svg.fonttype": "path",
    "svg.hashsalt": "touchloop",
    # Type 3 embeds only the glyphs used; Type 42 cannot carry this CFF-flavoured OpenType font cleanly.
    "pdf.fonttype": 3,
    "hatch.linewidth": 0.8,
}

INK = "#222222"
MUTED = "#6b6b6b"
GRID = "#d9d9d9"
TOO_SMALL_FACE = "#eeeeee"
TOO_SMALL_EDGE = "#8c8c8c"
TOO_SMALL_HATCH = "///"
# Okabe-Ito colours: told apart with the common colour-vision deficiencies.
BLUE = "#0072B2"
SKY = "#56B4E9"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#999999"
DIVERGING_MAP = "RdBu"  # ColorBrewer, colour-blind safe: red below the centre, blue above

_lock = threading.Lock()


def cjk_font_path() -> Path:
    """The Noto Sans CJK SC file shipped inside the mplfonts package (found without importing it)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the mplfonts package is not installed: charts need its Noto Sans CJK SC font")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / CJK_FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: charts need it to draw Chinese labels")
    return path


@cache
def _configured() -> frozenset[int]:
    """Register the CJK font and apply :data:`SETTINGS` once; the code points the fonts can draw."""
    path = str(cjk_font_path())
    font_manager.fontManager.addfont(path)
    matplotlib.rcParams.update(SETTINGS)
    fallback = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"), fallback_to_default=False)
    return frozenset(font_manager.get_font(path).get_charmap()) | frozenset(
        font_manager.get_font(fallback).get_charmap()
    )


def drawable_characters() -> frozenset[int]:
    """Set up matplotlib for Touchloop's charts (once, thread-safe) and return the code points it can draw."""
    with _lock:
        return _configured()


def drawable(text: str) -> str:
    """``text`` as it can be drawn: no control characters, and a white square for glyphs no font has.

    A missing glyph would otherwise draw nothing and log a warning on every request.
    """
    known = drawable_characters()
    cleaned = printable(unicodedata.normalize("NFC", text))
    return "".join(ch if ord(ch) in known or ch == " " else REPLACEMENT for ch in cleaned)


def new_figure(width: float, height: float) -> Figure:
    """A figure of ``width`` x ``height`` inches on its own Agg canvas, laid out so nothing is cut off."""
    drawable_characters()
    figure = Figure(figsize=(width, height), layout="constrained", facecolor="white")
    FigureCanvasAgg(figure)
    return figure
