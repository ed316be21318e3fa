"""Reading a PDF back as people see it: its text by poppler's pdftotext, its fonts by pdffonts."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# Skipped on a machine without poppler-utils; never where TOUCHLOOP_REQUIRE_BROWSER is set (CI installs poppler-utils
# with Chromium), so there a missing tool fails the test instead of hiding it.
needs_poppler = pytest.mark.skipif(
    (shutil.which("pdftotext") is None or shutil.which("pdffonts") is None)
    and not os.environ.get("TOUCHLOOP_REQUIRE_BROWSER"),
    reason="needs poppler-utils (pdftotext, pdffonts): apt-get install poppler-utils",
)


def _run(tool: str, data: bytes, *arguments: str) -> str:
    """Run a poppler tool on ``data`` written to a temporary file; its standard output."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(data)
        done = subprocess.run(
            [tool, *arguments, str(path), *(["-"] if tool == "pdftotext" else [])],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return done.stdout.decode("utf-8")


def pdf_text(data: bytes) -> str:
    """The PDF's text in reading order (pdftotext -layout would keep columns; plain keeps words together)."""
    return _run("pdftotext", data)


def pdf_fonts(data: bytes) -> list[list[str]]:
    """pdffonts' table rows, split on whitespace (name, type…, encoding, emb, sub, uni, object, generation)."""
    lines = _run("pdffonts", data).splitlines()[2:]
    return [line.split() for line in lines if line.strip()]


def pdf_pages(data: bytes) -> int:
    """The number of pages, as pdfinfo reports it."""
    for line in _run("pdfinfo", data).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo reported no page count")
