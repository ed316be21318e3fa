"""Reading an export's rows in batches and writing them as CSV or XLSX, safe to open in a spreadsheet.

Memory stays flat whatever the number of responses: rows come from the database ``BATCH_ROWS`` at a time
(streamed by the server on PostgreSQL, ``yield_per`` elsewhere), CSV leaves in chunks of ``CHUNK_ROWS`` rows,
and openpyxl's write-only mode writes each row to a temporary file at once (with inline strings, so no
shared-string table grows).

CSV is UTF-8 with a byte-order mark, comma-separated, CRLF line ends, quoted as needed (RFC 4180): Excel
then reads Chinese text correctly; ``csv`` with ``encoding="utf-8-sig"`` and pandas read it as is.
``submitted_at`` is ``YYYY-MM-DDTHH:MM:SSZ`` in CSV and a date-time cell (UTC) in XLSX.

Formula injection (OWASP "CSV injection"): a text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a single quote in front in CSV, so no spreadsheet runs it; in XLSX it stays verbatim
but is written as a string cell, never a formula. Numbers (a gap of -2) are numbers in both.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any

import psycopg
import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from sqlalchemy.orm import Session

from app.services.export.columns import ExportPlan

BATCH_ROWS = 2000  # rows fetched from the database at a time
CHUNK_ROWS = 500  # CSV rows per chunk sent on
FORMULA_STARTS = frozenset("=+-@\t\r")  # first characters that make a spreadsheet read a formula
XLSX_MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
SUBMITTED_AT = 1  # the position of submitted_at in every export
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_rows(session: Session, plan: ExportPlan, *, batch_rows: int = BATCH_ROWS) -> Iterator[list[Any]]:
    """Each response's cells in header order, multiple choices in the options' order, ``batch_rows`` at a time."""
    if session.get_bind().dialect.name == "postgresql":
        rows = _streamed_rows(session, plan.statement, batch_rows)
    else:
        rows = session.connection().execute(plan.statement, execution_options={"yield_per": batch_rows})
    orders = plan.choice_orders
    for row in rows:
        cells = list(row)
        for index, order in orders:
            chosen = cells[index]
            if chosen and ";" in chosen:
                cells[index] = ";".join(sorted(chosen.split(";"), key=order.__getitem__))
        yield cells


def _streamed_rows(session: Session, statement: sa.Select, batch_rows: int) -> Iterator[tuple]:
    """PostgreSQL: the rows as the server sends them (psycopg's chunked streaming), a batch at a time in memory.

    Unlike a server-side cursor, which computes the next batch only when asked for it, the server goes on
    computing while this process writes; the socket's back-pressure keeps memory flat. Closing the generator
    early cancels the query.
    """
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    size = batch_rows if psycopg.capabilities.has_stream_chunked() else 1  # chunks need libpq 17
    with connection.connection.driver_connection.cursor() as cursor:
        yield from cursor.stream(str(compiled), compiled.params, size=size)


def csv_chunks(plan: ExportPlan, rows: Iterable[list[Any]], *, chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """The export as CSV bytes (BOM first), a chunk per ``chunk_rows`` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(plan.headers)
    texts = plan.text_columns
    for number, cells in enumerate(rows, 1):
        for index in texts:
            value = cells[index]
            if value and value[0] in FORMULA_STARTS:
                cells[index] = "'" + value
        writer.writerow(cells)
        if number % chunk_rows == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(plan: ExportPlan, rows: Iterable[list[Any]], target: str | IO[bytes]) -> int:
    """Write the export as one XLSX sheet to ``target`` (a path or a seekable binary file); the rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="responses")
    sheet.append(plan.headers)
    texts = plan.text_columns
    written = 0
    for cells in rows:
        if written == XLSX_MAX_ROWS:
            raise ValueError(f"an XLSX sheet holds at most {XLSX_MAX_ROWS:,} responses")
        # Excel has no time zones: a plain date-time, in UTC like the CSV's.
        cells[SUBMITTED_AT] = datetime.fromisoformat(cells[SUBMITTED_AT].removesuffix("Z"))
        for index in texts:
            if cells[index]:
                cells[index] = _string_cell(sheet, cells[index])
        sheet.append(cells)
        written += 1
    workbook.save(target)
    return written


def _string_cell(sheet, text: str) -> str | WriteOnlyCell:
    """``text`` for an XLSX sheet: characters XML cannot hold dropped, forced to a string cell if risky."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text[:1] not in FORMULA_STARTS and text not in ERROR_CODES:
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never "f" (formula) or "e" (error value)
    return cell


def download_name(plan: ExportPlan, file_format: str) -> str:
    """The file name offered: ``responses-<survey>[-<from>-to-<to>].<format>`` (ASCII only)."""
    criteria = plan.criteria
    period = ""
    if criteria.start or criteria.end:
        period = f"-{_day(criteria.start, 'start')}-to-{_day(criteria.end, 'now')}"
    return f"responses-{criteria.survey}{period}.{file_format}"


def _day(day: date | None, missing: str) -> str:
    """An ISO date, or ``missing``."""
    return day.isoformat() if day else missing
