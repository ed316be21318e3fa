"""XSS payloads and the checks that show a page, an e-mail, a chart, a spreadsheet or a PDF shows them harmlessly.

One payload carries the HTML tricks, a template expression and matplotlib mathtext at once; the formula and
the link are separate because they only work at the start of a cell or an address.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>{{7*7}}$\\alpha$'
FORMULA = '=HYPERLINK("http://x")'
LINK = "javascript:alert(1)"
PAYLOADS = (PAYLOAD, FORMULA, LINK)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What can make a PDF do something on opening or on a click. An /OpenAction that is a destination array
# ("/OpenAction [3 0 R /FitH null]": open at page one, fitted to the width) only sets the view: allowed.
PDF_ACTIONS = (b"/JavaScript", b"/JS ", b"/JS(", b"/OpenAction <<", b"/OpenAction<<", b"/Launch", b"/AA ", b"/AA<")


class _Page(HTMLParser):
    """The text a reader sees, and every place the markup could run script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        self.in_script = tag == "script"
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=...>: an event handler attribute")
            if name.lower() in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>: a javascript: address")

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script and "alert(1)" in data:
            self.problems.append("a script element runs the payload")
        self.text.append(data)


def page_text(html: str) -> str:
    """What a reader of ``html`` sees (entities decoded), with whitespace runs made single spaces."""
    parser = _Page()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.text))


def assert_html_safe(html: str, where: str, *, shown: tuple[str, ...] = ()) -> None:
    """No payload runs in ``html``, and each of ``shown`` is there as plain text (escaped, not swallowed)."""
    parser = _Page()
    parser.feed(html)
    assert "<script>alert(1)" not in html and "<img src=x onerror" not in html, f"{where}: raw payload markup"
    assert not parser.problems, f"{where}: {parser.problems}"
    text = re.sub(r"\s+", " ", "".join(parser.text))
    for expected in shown:
        assert re.sub(r"\s+", " ", expected) in text, f"{where}: {expected!r} is not shown as text"


def assert_svg_safe(svg: bytes | str, where: str) -> None:
    """A chart that parses as XML (so no label broke out), with no script, handler or javascript: link."""
    root = ElementTree.fromstring(svg if isinstance(svg, bytes) else svg.encode("utf-8"))
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        assert tag not in ("script", "foreignObject"), f"{where}: <{tag}>"
        for name, value in element.attrib.items():
            name = name.rsplit("}", 1)[-1]
            assert not name.lower().startswith("on"), f"{where}: {tag} {name}"
            assert not (name in ("href",) and value.strip().lower().startswith("javascript:")), f"{where}: {value}"


def assert_csv_defused(text: str, where: str, *, shown: tuple[str, ...] = ()) -> None:
    """No cell would be read as a formula, and each of ``shown`` is a cell's text (a defused one after its ')."""
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    formulas = [cell for cell in cells if cell.startswith(FORMULA_STARTS) and not _is_number(cell)]
    assert not formulas, f"{where}: cells a spreadsheet runs: {formulas[:3]}"
    for expected in shown:
        assert any(cell.removeprefix("'") == expected for cell in cells), f"{where}: {expected!r} not in a cell"


def assert_xlsx_defused(content: bytes, where: str, *, shown: tuple[str, ...] = ()) -> None:
    """No cell of the workbook is a formula, and each of ``shown`` is a cell's text."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{where}: {cell.coordinate} is a formula: {cell.value!r}"
                values.append(cell.value)
    for expected in shown:
        assert any(str(value).removeprefix("'") == expected for value in values), f"{where}: {expected!r} missing"


def assert_pdf_safe(content: bytes, where: str, *, shown: tuple[str, ...] = ()) -> None:
    """A PDF with no script or automatic action, that shows each of ``shown`` as its literal text.

    For the PDF report: call it with the report's bytes and the payloads entered before it was made. The
    text is read back with poppler's pdftotext, so ``$\\alpha$`` must come out as typed (not as a Greek
    letter: no mathtext) and ``{{7*7}}`` as typed (not 49: no template ran on it).
    """
    for action in PDF_ACTIONS:
        assert action not in content, f"{where}: the PDF holds {action!r}"
    assert b"javascript:" not in content.lower(), f"{where}: a javascript: link"
    if shown:
        text = re.sub(r"\s+", "", pdf_text(content))
        for expected in shown:
            assert re.sub(r"\s+", "", expected) in text, f"{where}: {expected!r} is not in the PDF's text"


def pdf_text(content: bytes) -> str:
    """The text of a PDF, by poppler's pdftotext (installed with poppler-utils)."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is needed to read a PDF's text"
    return subprocess.run([tool, "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def _is_number(cell: str) -> bool:
    """A negative number is data, not a formula."""
    return re.fullmatch(r"-\d+(\.\d+)?", cell) is not None
