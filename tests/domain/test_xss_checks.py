"""The XSS checks themselves (tests/xss.py) tell a harmless page, chart, spreadsheet or PDF from a dangerous one."""

from __future__ import annotations

import io
from html import escape

import matplotlib
import pytest
from openpyxl import Workbook

from tests.xss import (
    FORMULA,
    LINK,
    PAYLOAD,
    assert_csv_defused,
    assert_html_safe,
    assert_pdf_safe,
    assert_svg_safe,
    assert_xlsx_defused,
)
from touchloop.charts.style import SETTINGS, new_figure


def _pdf(text: str, **settings) -> bytes:
    """A one-line PDF drawn the way the charts draw (Type 3 fonts, no mathtext unless ``settings`` say so)."""
    with matplotlib.rc_context({**SETTINGS, **settings}):
        figure = new_figure(6, 1)
        figure.text(0.02, 0.5, text)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="pdf")
    return buffer.getvalue()


def test_escaped_html_passes_and_shows_the_payload():
    assert_html_safe(f"<p>{escape(PAYLOAD)}</p><a href='/x'>{escape(LINK)}</a>", "page", shown=(PAYLOAD, LINK))


@pytest.mark.parametrize(
    "html",
    [
        f"<p>{PAYLOAD}</p>",
        f'<a href="{LINK}">x</a>',
        '<img src="/x.png" onload="go()">',
        "<script>alert(1)</script>",
    ],
)
def test_markup_that_could_run_is_caught(html):
    with pytest.raises(AssertionError):
        assert_html_safe(html, "page")


def test_a_swallowed_payload_is_caught():
    with pytest.raises(AssertionError, match="not shown as text"):
        assert_html_safe("<p>49</p>", "page", shown=(PAYLOAD,))


def test_an_svg_whose_label_broke_out_is_caught():
    assert_svg_safe(f'<svg xmlns="http://www.w3.org/2000/svg"><!-- {escape(PAYLOAD)} --><g/></svg>', "chart")
    with pytest.raises(Exception):
        assert_svg_safe(f'<svg xmlns="http://www.w3.org/2000/svg"><text>{PAYLOAD}</text></svg>', "chart")


def test_csv_cells_a_spreadsheet_would_run_are_caught():
    quoted = FORMULA.replace('"', '""')
    assert_csv_defused(f'name,score\n"\'{quoted}",-3\n', "csv", shown=(FORMULA,))
    with pytest.raises(AssertionError, match="cells a spreadsheet runs"):
        assert_csv_defused(f'name\n"{quoted}"\n', "csv")


def test_xlsx_formula_cells_are_caught():
    book = Workbook()
    book.active["A1"] = "'" + FORMULA
    harmless = io.BytesIO()
    book.save(harmless)
    assert_xlsx_defused(harmless.getvalue(), "xlsx", shown=(FORMULA,))
    book.active["A2"] = FORMULA  # openpyxl stores a leading = as a formula
    dangerous = io.BytesIO()
    book.save(dangerous)
    with pytest.raises(AssertionError, match="is a formula"):
        assert_xlsx_defused(dangerous.getvalue(), "xlsx")


def test_a_pdf_shows_the_payload_as_typed_and_mathtext_is_caught():
    assert_pdf_safe(_pdf(PAYLOAD), "pdf", shown=(PAYLOAD,))
    with pytest.raises(AssertionError, match="is not in the PDF's text"):
        assert_pdf_safe(_pdf(PAYLOAD, **{"text.parse_math": True}), "pdf", shown=(PAYLOAD,))


def test_a_pdf_with_a_script_action_is_caught():
    with pytest.raises(AssertionError, match="JavaScript"):
        assert_pdf_safe(b"%PDF-1.4 1 0 obj << /Type /Action /S /JavaScript /JS (app.alert(1)) >> endobj", "pdf")


def test_a_pdf_that_only_opens_at_a_page_passes_but_an_action_on_opening_is_caught():
    assert_pdf_safe(b"%PDF-1.6 2 0 obj << /OpenAction [3 0 R /FitH null] /Type /Catalog >> endobj", "pdf")
    with pytest.raises(AssertionError, match="OpenAction"):
        assert_pdf_safe(b"%PDF-1.6 2 0 obj << /OpenAction << /S /Launch /F (x) >> >> endobj", "pdf")
