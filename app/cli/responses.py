"""``flask responses export --survey SLUG [--from DAY] [--to DAY] [--format csv|xlsx] --out FILE``."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from app.extensions import db
from app.services.export import (
    XLSX_MAX_ROWS,
    ExportCriteria,
    ExportError,
    count_responses,
    csv_chunks,
    export_rows,
    plan_export,
    write_xlsx,
)
from app.services.journey import current_journey

responses_group = AppGroup("responses", help="Export survey responses.")
DAY = click.DateTime(formats=["%Y-%m-%d"])


class _Counter:
    """Counts the rows passing through it."""

    def __init__(self) -> None:
        self.rows = 0

    def __call__(self, rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
        for row in rows:
            self.rows += 1
            yield row


@responses_group.command("export")
@click.option("--survey", "slug", required=True, help="The survey's slug, e.g. delivery-installation.")
@click.option("--from", "start", type=DAY, help="First day (UTC) to include, YYYY-MM-DD.")
@click.option("--to", "end", type=DAY, help="Last day (UTC) to include, YYYY-MM-DD.")
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]), help="Default: from --out's extension.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The file to write.")
@click.option("--personal-data", is_flag=True, help="Add customers' names, e-mail addresses and phone numbers.")
def export_command(
    slug: str, start: datetime | None, end: datetime | None, file_format: str | None, out: Path, personal_data: bool
) -> None:
    """Write one row per response of a survey, with segment and question columns, as CSV or XLSX."""
    file_format = file_format or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    criteria = ExportCriteria(slug, start and start.date(), end and end.date(), personal=personal_data)
    try:
        plan = plan_export(db.session, criteria, current_journey(db.session))
    except ExportError as exc:
        raise click.ClickException(f"{exc}; nothing was written.") from None
    if file_format == "xlsx" and count_responses(db.session, plan) > XLSX_MAX_ROWS:
        raise click.ClickException(f"an XLSX sheet holds at most {XLSX_MAX_ROWS:,} responses: use --format csv.")
    started = time.perf_counter()
    counter = _Counter()
    partial = out.with_name(out.name + ".part")  # renamed when complete, so FILE is never half-written
    try:
        with open(partial, "wb") as handle:
            rows = counter(export_rows(db.session, plan))
            if file_format == "xlsx":
                write_xlsx(plan, rows, handle)
            else:
                handle.writelines(csv_chunks(plan, rows))
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    db.session.rollback()  # read only: end the transaction the export read in
    click.echo(f"{counter.rows:,} response(s) of {slug} written to {out} in {time.perf_counter() - started:.1f} s.")
