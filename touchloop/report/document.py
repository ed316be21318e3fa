"""An A4 PDF for the report, written with fpdf2: headings, paragraphs, tables, charts, a footer on each page.

Why fpdf2: it is pure Python (pip only, no system pango or cairo), breaks tables over pages with their
headings repeated, and embeds the CFF-flavoured Noto Sans CJK SC of mplfonts — the charts' own font — as a
subsetted CID font with a ToUnicode map, so Chinese renders, copies and searches (reportlab cannot use CFF
.otf fonts). DejaVu Sans, which matplotlib ships, fills in the few symbols Noto lacks.

All text is written literally: fpdf2 interprets no markup unless asked (``markdown`` stays off), and every
string passes through :func:`clean`, which drops control characters and replaces glyphs neither font has
with a white square (no invisible text, no tofu of unknown width).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib
from fpdf import FPDF, FontFace
from fpdf.enums import WrapMode, XPos, YPos

from touchloop.charts.style import cjk_font_path, drawable

BODY = "noto"
SYMBOLS = "dejavu"
MARGIN = 16  # mm
INK = (34, 34, 34)
MUTED = (95, 95, 95)
ACCENT = (0, 84, 147)
HEADING_FILL = (228, 236, 244)
STRIPE = (246, 248, 250)
MM_PER_INCH = 25.4


def clean(text: object) -> str:
    """Text as it can be written: line breaks kept, other control characters dropped, glyphs the fonts lack
    as a white square."""
    return "\n".join(drawable(line) for line in str(text).split("\n"))


class _Pages(FPDF):
    """FPDF with the report's footer."""

    footer_text = ""

    def footer(self) -> None:
        """The footer line with the page number, in small grey type."""
        self.set_y(-11)
        self.set_font(BODY, size=7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.footer_text.replace("%(page)s", str(self.page_no())), align="C")


class Document:
    """The report being written: call the writing methods in reading order, then ``bytes()``."""

    def __init__(self, *, language: str, title: str, footer: str) -> None:
        self.pdf = _Pages(orientation="portrait", unit="mm", format="A4")
        self.pdf.add_font(BODY, "", str(cjk_font_path()))
        self.pdf.add_font(SYMBOLS, "", str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"))
        self.pdf.set_fallback_fonts([SYMBOLS])
        for font in self.pdf.fonts.values():
            # The subset keeps the whole font's bounding box: recomputing it runs every CJK outline (seconds).
            font.ttfont.recalcBBoxes = False
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_auto_page_break(True, margin=16)
        self.pdf.set_lang("zh-CN" if language == "zh" else "en")
        self.pdf.set_title(clean(title))
        self.pdf.set_creator("Touchloop")
        self.pdf.footer_text = clean(footer)
        # Chinese text breaks between any two characters; table cells (figures, names) and English at spaces,
        # where a run without spaces that does not fit still breaks between characters.
        self.wrap = WrapMode.CHAR if language == "zh" else WrapMode.WORD

    @property
    def width(self) -> float:
        """The width between the margins, in mm."""
        return self.pdf.epw

    def new_page(self) -> None:
        """Start a new page."""
        self.pdf.add_page()

    def room(self, height: float) -> None:
        """Start a new page unless ``height`` mm fit below the current position."""
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def space(self, height: float = 3) -> None:
        """Vertical space."""
        self.pdf.ln(height)

    def heading(self, text: str, level: int = 1) -> None:
        """A section (level 1) or sub-section heading, kept with the lines after it."""
        size = {0: 24, 1: 15, 2: 11.5}[level]
        self.room(size * 2.2 if level else 30)
        self.space(4 if level == 1 else 2)
        self.pdf.set_font(BODY, size=size)
        self.pdf.set_text_color(*(ACCENT if level < 2 else INK))
        self.pdf.multi_cell(0, size * 0.55, clean(text), align="L", wrapmode=self.wrap)
        if level == 1:
            y = self.pdf.get_y() + 1
            self.pdf.set_draw_color(*ACCENT)
            self.pdf.line(MARGIN, y, MARGIN + self.width, y)
            self.space(3)
        else:
            self.space(1.5)

    def paragraph(self, text: str, *, size: float = 9.5, colour: tuple[int, int, int] = INK, indent: float = 0) -> None:
        """A paragraph of text, wrapped to the page."""
        self.pdf.set_font(BODY, size=size)
        self.pdf.set_text_color(*colour)
        self.pdf.set_x(MARGIN + indent)
        self.pdf.multi_cell(self.width - indent, size * 0.5, clean(text), align="L", wrapmode=self.wrap)
        self.space(1.2)

    def bullet(self, text: str, *, size: float = 9.5, colour: tuple[int, int, int] = INK) -> None:
        """A paragraph with a bullet."""
        self.pdf.set_font(BODY, size=size)
        self.pdf.set_text_color(*colour)
        self.pdf.set_x(MARGIN + 1)
        self.pdf.cell(4, size * 0.5, "•", new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.pdf.multi_cell(self.width - 5, size * 0.5, clean(text), align="L", wrapmode=self.wrap)
        self.space(0.8)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        align: Sequence[str] | None = None,
        size: float = 8.5,
    ) -> None:
        """A table with a shaded heading row (repeated on each page it runs over) and striped rows."""
        self.room(size * 1.6)
        self.pdf.set_font(BODY, size=size)
        self.pdf.set_text_color(*INK)
        self.pdf.set_draw_color(200, 200, 200)
        with self.pdf.table(
            col_widths=tuple(widths),
            text_align=tuple(align or ["LEFT"] * len(header)),
            headings_style=FontFace(emphasis="", color=ACCENT, fill_color=HEADING_FILL),
            borders_layout="HORIZONTAL_LINES",
            cell_fill_color=STRIPE,
            cell_fill_mode="ROWS",
            line_height=size * 0.5,
            padding=(1.2, 1.2),
            wrapmode=WrapMode.WORD,
            width=self.width,
        ) as table:
            for values in [header, *rows]:
                row = table.row()
                for value in values:
                    row.cell(clean(value))
        self.space(3)

    def image(self, png: bytes, width_inches: float, height_inches: float) -> None:
        """A chart at its drawn size (narrowed to the page if wider), on the next page if it does not fit."""
        width = min(width_inches * MM_PER_INCH, self.width)
        height = width * height_inches / width_inches
        available = self.pdf.page_break_trigger - self.pdf.t_margin
        if height > available:
            width, height = width * available / height, available
        self.room(height + 2)
        x = MARGIN + (self.width - width) / 2
        self.pdf.image(io.BytesIO(png), x=x, y=self.pdf.get_y(), w=width, h=height)
        self.pdf.set_y(self.pdf.get_y() + height + 3)

    def bytes(self) -> bytes:
        """The finished PDF."""
        return bytes(self.pdf.output())
