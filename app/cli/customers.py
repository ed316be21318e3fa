"""``flask customers import FILE.csv`` and ``flask customers classify``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click
from flask.cli import AppGroup

from app.extensions import db
from app.services import audit
from app.services.classification import ClassificationSummary, classify_customers
from app.services.customer_import import ImportReport, import_customers
from app.services.journey import current_journey
from touchloop.customer_csv import CustomerFileError, RowProblem
from touchloop.journey import Journey

customers_group = AppGroup("customers", help="Import customers and grade them into tiers and lifecycle stages.")
PASS_LABELS = {"check": "Checking", "import": "Importing"}


class _ProgressBars:
    """One progress bar on stderr per pass over the file: bytes read of the file's size."""

    def __init__(self, size: int):
        self.size = size
        self.bar = None
        self.phase: str | None = None
        self.shown = 0

    def __call__(self, phase: str, position: int) -> None:
        if phase != self.phase:
            self.close()
            self.phase, self.shown = phase, 0
            label = PASS_LABELS.get(phase, phase)
            self.bar = click.progressbar(length=max(self.size, 1), label=label, file=sys.stderr)
            self.bar.__enter__()
        position = min(position, self.size)
        self.bar.update(position - self.shown)
        self.shown = position

    def close(self) -> None:
        """Fill and end the current bar."""
        if self.bar is not None:
            self.bar.update(self.size - self.shown)
            self.bar.__exit__(None, None, None)
            self.bar = None


def _journey() -> Journey:
    """The loaded journey, whose segment codes the customers' values must use."""
    journey = current_journey(db.session)
    if journey is None:
        raise click.ClickException("no journey is loaded yet; run 'flask surveys load' first.")
    return journey


def _print_problems(problems: Sequence[RowProblem], count: int | None = None) -> None:
    """Each problem as ``line N: column: message`` on stderr."""
    for problem in problems:
        click.echo(str(problem), err=True)
    if count is not None and count > len(problems):
        click.echo(f"... and {count - len(problems)} more problem(s)", err=True)


def _print_counts(journey: Journey, summary: ClassificationSummary) -> None:
    """Customers per tier and per lifecycle stage, in the journey's order."""
    declared = {attribute.code: [value.code for value in attribute.values] for attribute in journey.segments}
    for label, counts, codes in (
        ("tier", summary.tiers, declared.get("tier", [])),
        ("lifecycle", summary.stages, declared.get("lifecycle", [])),
    ):
        shown = [f"{code} {counts.get(code, 0)}" for code in codes]
        shown += [f"{code or 'none'} {n}" for code, n in counts.items() if code not in codes]
        click.echo(f"{label}: {', '.join(shown)}")


@customers_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Import the good rows and list the bad ones, instead of refusing.")
def import_command(file: Path, skip_invalid: bool) -> None:
    """Add or update customers from a CSV file (UTF-8 or GBK, as Excel saves it)."""
    journey = _journey()
    progress = _ProgressBars(file.stat().st_size)
    with open(file, "rb") as handle:
        try:
            report = import_customers(db.session, handle, journey, skip_invalid=skip_invalid, progress=progress)
        except CustomerFileError as exc:
            db.session.rollback()
            progress.close()
            _print_problems(exc.problems)
            raise click.ClickException(f"{file.name} was refused; nothing was imported.") from None
    progress.close()
    _print_problems(report.problems, report.problem_count)
    if report.refused:
        db.session.rollback()
        raise click.ClickException(
            f"{report.skipped} bad row(s) in {file.name}; nothing was imported. "
            "Fix them, or use --skip-invalid to import the good rows."
        )
    summary = {"file": file.name, "created": report.created, "updated": report.updated, "skipped": report.skipped}
    audit.record(db.session, "customers.imported", None, summary=summary)
    db.session.commit()
    _print_summary(file, report, journey)


def _print_summary(file: Path, report: ImportReport, journey: Journey) -> None:
    """What the import did."""
    skipped = f", {report.skipped} bad row(s) skipped" if report.skipped else ""
    click.echo(f"{file.name}: {report.created} created, {report.updated} updated{skipped} in {report.seconds:.1f} s.")
    if report.classification is not None:
        _print_counts(journey, report.classification)


@customers_group.command("classify")
def classify_command() -> None:
    """Recompute every customer's tier and lifecycle stage from journey.yaml's classification rules."""
    journey = _journey()
    summary = classify_customers(db.session, journey)
    db.session.commit()
    click.echo(
        f"classified in {summary.seconds:.1f} s: {summary.tiers_changed} tier(s) "
        f"and {summary.stages_changed} lifecycle stage(s) changed."
    )
    _print_counts(journey, summary)
