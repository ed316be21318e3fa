"""Chart output: names drawn literally, Chinese glyphs present and embedded, the same bytes every time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from matplotlib import font_manager

from tests.domain.test_charts import CHARTS, estimate, heatmap, segments
from tests.pdf_text import needs_poppler, pdf_fonts, pdf_text
from touchloop.charts import HeatmapRow, SegmentRow
from touchloop.charts.common import number
from touchloop.charts.layout import width_of, wrap
from touchloop.charts.style import REPLACEMENT, cjk_font_path, drawable

HOSTILE = "$x$ <script>alert(1)</script> & $\\alpha$"


def glyph_id(character: str) -> str:
    """The id matplotlib gives a glyph of the CJK font in SVG output."""
    font = font_manager.get_font(str(cjk_font_path()))
    return f'id="{font.postscript_name}-{font.get_char_index(ord(character)):x}"'


def hostile_heatmap():
    """A heat map whose touchpoint and stage names look like mathtext and markup."""
    return heatmap("en", rows=[HeatmapRow(HOSTILE, HOSTILE, (estimate(-0.5), estimate(10)))])


def test_names_with_dollar_signs_are_drawn_literally_not_as_mathtext():
    chart = hostile_heatmap()
    assert all(not text.get_parse_math() for text in chart.figure.findobj(lambda a: hasattr(a, "get_parse_math")))
    svg = chart.svg().decode()
    assert glyph_id("$") in svg and glyph_id("\\") in svg
    assert "DejaVuSans-Oblique" not in svg and "Cmmi" not in svg  # the fonts mathtext would use


def test_markup_in_names_never_reaches_the_svg_unescaped():
    svg = hostile_heatmap().svg().decode()
    assert "<script" not in svg and "alert(1)</" not in svg
    assert "&lt;script&gt;" in svg  # only inside comments naming the drawn text
    assert "<text" not in svg  # text is drawn as outlines


def test_segment_names_and_markers_with_markup_are_drawn_literally():
    chart = segments("en", rows=[SegmentRow(HOSTILE, HOSTILE, estimate(-0.2), marker="$*$")])
    svg = chart.svg().decode()
    assert "<script" not in svg and glyph_id("$") in svg
    assert chart.alternative.rows[0][:2] == (HOSTILE, HOSTILE)  # the page escapes it when it shows the table


def test_glyphs_no_font_has_become_a_square_instead_of_a_missing_glyph_warning():
    assert drawable("好 🙂 ஆ\x00\u200b") == f"好 {REPLACEMENT} {REPLACEMENT}"
    chart = heatmap("zh", rows=[HeatmapRow("阶段 🙂", "安装 ஆ", (estimate(0.3), estimate(5)))])
    assert chart.png(dpi=50).startswith(b"\x89PNG")


@pytest.mark.parametrize("kind", CHARTS)
def test_the_same_data_draw_the_same_bytes(kind):
    first, second = CHARTS[kind]("zh"), CHARTS[kind]("zh")
    assert first.svg() == second.svg()
    assert first.png(dpi=40) == second.png(dpi=40)


def test_the_same_data_make_the_same_pdf():
    assert heatmap("zh").pdf() == heatmap("zh").pdf()


def test_charts_drawn_in_threads_at_once_match_those_drawn_one_by_one():
    expected = [CHARTS[kind]("zh").svg() for kind in CHARTS]
    with ThreadPoolExecutor(max_workers=3) as pool:
        found = list(pool.map(lambda kind: CHARTS[kind]("zh").svg(), CHARTS))
    assert found == expected


@needs_poppler
def test_pdf_embeds_the_chinese_font_and_its_text_can_be_extracted():
    data = heatmap("zh").pdf()
    lines = pdf_fonts(data)
    assert lines and all("NotoSansCJKsc-Regular" in line[0] and line[-5:-2] == ["yes", "yes", "yes"] for line in lines)
    text = pdf_text(data)
    assert "安装：体验如何" in text and "交付与安装" in text


def test_wrap_counts_chinese_characters_double_and_breaks_between_them():
    assert width_of("安装 ab") == 7
    assert wrap("合同签订与付款条件确认", 8) == "合同签订\n与付款…"
    assert wrap("Contract signing and payment terms", 16) == "Contract signing\nand payment…"
    assert wrap("Supercalifragilistic", 8, 3) == "Supercal\nifragili\nstic"


def test_numbers_use_a_true_minus_sign_and_never_show_minus_zero():
    assert number(-1.234, 2) == "\N{MINUS SIGN}1.23"
    assert number(-0.001, 2) == "0.00"
    assert number(float("inf"), 1) == ""
    assert number(None, 1) == ""
