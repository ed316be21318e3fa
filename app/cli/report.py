"""``flask report --period YYYY-MM --out FILE.pdf [--lang zh|en]``: the month's experience report as a PDF."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app

from app.extensions import db
from app.services.report_document import LANGUAGES, report_pdf
from touchloop.report.model import Month, MonthError


@click.command("report")
@click.option("--period", required=True, help="The calendar month to report on, YYYY-MM (e.g. 2026-03).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF file to write.")
@click.option(
    "--lang", type=click.Choice(LANGUAGES), help="The report's language; default: the app's first language (zh)."
)
def report_command(period: str, out: Path, lang: str | None) -> None:
    """Write the experience report of one month: figures against targets, gaps, segments, loops, next targets."""
    try:
        month = Month.parse(period)
    except MonthError as error:
        raise click.BadParameter(str(error), param_hint="--period") from None
    _check_writable(out)
    lang = lang or current_app.config["LANGUAGES"][0]
    started = time.perf_counter()
    today = datetime.now(timezone.utc).date()
    data = report_pdf(db.session, month, lang=lang, today=today)
    db.session.rollback()  # read only: end the transaction the report read in
    partial = out.with_name(out.name + ".part")  # renamed when complete, so FILE is never half-written
    try:
        partial.write_bytes(data)
        os.replace(partial, out)
    except OSError as error:
        raise click.ClickException(f"cannot write {out}: {error.strerror or error}; nothing was written.") from None
    finally:
        partial.unlink(missing_ok=True)
    seconds = time.perf_counter() - started
    click.echo(f"Experience report for {month} ({lang}) written to {out}: {len(data):,} bytes in {seconds:.1f} s.")


def _check_writable(out: Path) -> None:
    """Refuse, before the work, a path whose folder is missing or not writable."""
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise click.BadParameter(f"the folder {folder} does not exist", param_hint="--out")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise click.BadParameter(f"{out} cannot be written (permission denied)", param_hint="--out")
