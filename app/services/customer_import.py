"""Importing customers from a CSV file: check it, upsert by customer number in batches, classify.

By default the whole file is checked first (one streaming pass) and nothing is
written if any row is bad; a second pass then writes. With ``skip_invalid``
one pass writes the good rows and reports the rest. The caller commits once,
and rolls back if anything raises (CustomerFileError included).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Customer
from app.models.types import utcnow
from app.services.classification import ClassificationSummary, classify_customers
from touchloop.customer_csv import COLUMNS, CustomerCsv, CustomerRow, RowProblem, open_customer_csv
from touchloop.journey import Journey

MAX_PROBLEMS = 1000  # stored in the report; all are counted
# Copied as they are; tier and lifecycle also set the *_given columns (see _values).
PLAIN_FIELDS = tuple(name for name in COLUMNS if name not in ("tier", "lifecycle"))
# Called with the pass ("check" or "import") and the bytes of the file read so far.
Progress = Callable[[str, int], None]


@dataclass
class ImportReport:
    """What an import did, or why it was refused."""

    created: int = 0
    updated: int = 0
    skipped: int = 0  # bad rows: left out with skip_invalid, else the reason for refusing
    problems: list[RowProblem] = field(default_factory=list)  # the first MAX_PROBLEMS
    problem_count: int = 0
    refused: bool = False
    seconds: float = 0.0
    classification: ClassificationSummary | None = None


def import_customers(
    session: Session,
    fileobj: BinaryIO,
    journey: Journey,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    batch_size: int = 1000,
    today: date | None = None,
) -> ImportReport:
    """Upsert the customers of a CSV file (a seekable binary file unless ``skip_invalid``)."""
    started = time.perf_counter()
    report = ImportReport()
    if not skip_invalid:
        if not fileobj.seekable():
            raise ValueError("checking the whole file first needs a seekable file (or use skip_invalid)")
        start = fileobj.tell()
        _check(open_customer_csv(fileobj, journey, today=today), report, fileobj, progress, batch_size)
        if report.skipped:
            report.refused = True
            report.seconds = time.perf_counter() - started
            return report
        fileobj.seek(start)
    customers = open_customer_csv(fileobj, journey, today=today)
    now = utcnow()
    refresh_statistics(session)
    for number, batch in enumerate(_batches(_good_rows(customers, report), batch_size), start=1):
        if number % 10 == 0:
            refresh_statistics(session)  # the table grows as a first import goes on
        created, updated = _write_batch(session, batch, customers.columns, now)
        report.created += created
        report.updated += updated
        if progress:
            progress("import", fileobj.tell())
    refresh_statistics(session)
    report.classification = classify_customers(session, journey, today=today)
    report.seconds = time.perf_counter() - started
    return report


def refresh_statistics(session: Session) -> None:
    """Let PostgreSQL's planner see how many customers there are now (ANALYZE counts this transaction's rows).

    Without it, after a first import into an empty table the planner still thinks the table tiny, and the
    prepared ``UPDATE … WHERE id = …`` of a re-import scans the whole table for every row: 160 rows/s at
    100,000 customers instead of thousands.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("ANALYZE customer"))


def _check(customers: CustomerCsv, report: ImportReport, fileobj: BinaryIO, progress, batch_size: int) -> None:
    """Read every row once, only to find the bad ones."""
    for count, _ in enumerate(_good_rows(customers, report), start=1):
        if progress and count % batch_size == 0:
            progress("check", fileobj.tell())


def _good_rows(customers: CustomerCsv, report: ImportReport) -> Iterator[CustomerRow]:
    """The file's good rows; the bad ones are counted and their problems noted in ``report``."""
    last_bad_line = 0
    for item in customers.rows():
        if isinstance(item, CustomerRow):
            yield item
            continue
        report.problem_count += 1
        if len(report.problems) < MAX_PROBLEMS:
            report.problems.append(item)
        if item.line != last_bad_line:
            report.skipped += 1
            last_bad_line = item.line


def _batches(rows: Iterator[CustomerRow], size: int) -> Iterator[list[CustomerRow]]:
    """``rows`` in lists of at most ``size``."""
    while batch := list(itertools.islice(rows, size)):
        yield batch


def _write_batch(session: Session, rows: list[CustomerRow], columns: frozenset[str], now) -> tuple[int, int]:
    """Insert the new customers of a batch and update the known ones; return (created, updated)."""
    extra_columns = columns - set(COLUMNS)
    known = {
        external_id: (customer_id, extra)
        for external_id, customer_id, extra in session.execute(
            sa.select(Customer.external_id, Customer.id, Customer.extra if extra_columns else sa.null()).where(
                Customer.external_id.in_([row.external_id for row in rows])
            )
        )
    }
    new, changed = [], []
    for row in rows:
        values = _values(row, columns)
        if row.external_id in known:
            customer_id, old_extra = known[row.external_id]
            if extra_columns:
                kept = {key: value for key, value in (old_extra or {}).items() if key not in extra_columns}
                values["extra"] = kept | row.extra
            changed.append({"id": customer_id, "updated_at": now, **values})
        else:
            if extra_columns:
                values["extra"] = dict(row.extra)
            new.append({"created_at": now, "updated_at": now, **values})
    if new:
        session.execute(sa.insert(Customer), new)
    if changed:
        session.execute(sa.update(Customer), changed)
    return len(new), len(changed)


def _values(row: CustomerRow, columns: frozenset[str]) -> dict[str, object]:
    """The columns the file gives, as Customer attributes; a given tier or stage is also the effective one."""
    values = {name: getattr(row, name) for name in PLAIN_FIELDS if name in columns}
    # The effective value is provisional when none is given: classification, run next, fills it in.
    if "tier" in columns:
        values["tier_given"] = values["tier"] = row.tier
    if "lifecycle" in columns:
        values["lifecycle_given"] = values["lifecycle"] = row.lifecycle
    return values
