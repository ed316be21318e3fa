"""``flask surveys validate`` and ``flask surveys load``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.services import audit
from app.services.survey_loading import load_catalog
from touchloop.catalog import Catalog, read_catalog

surveys_group = AppGroup("surveys", help="Check and load the journey and survey definition files.")


def _read(path: str | None) -> Catalog:
    """Read PATH, or the configured surveys folder, printing every problem."""
    catalog = read_catalog(Path(path or current_app.config["SURVEYS_DIR"]))
    for problem in catalog.problems:
        click.echo(f"error: {problem}", err=True)
    return catalog


@surveys_group.command("validate")
@click.argument("path", required=False)
def validate_command(path: str | None) -> None:
    """Check definition files; exit non-zero if any has a problem."""
    catalog = _read(path)
    if catalog.problems:
        raise SystemExit(f"{len(catalog.problems)} problem(s) found.")
    click.echo(f"ok: journey.yaml and {len(catalog.surveys)} survey(s) are valid.")


@surveys_group.command("load")
@click.argument("path", required=False)
def load_command(path: str | None) -> None:
    """Load definition files: new or changed surveys get a new version; the rest is left alone."""
    catalog = _read(path)
    if catalog.problems:
        raise SystemExit(f"{len(catalog.problems)} problem(s) found; nothing was loaded.")
    report = load_catalog(db.session, catalog)
    for slug in report.created:
        audit.record(db.session, "survey.loaded", None, slug, summary={"status": "created", "version": 1})
    for slug, number in report.new_versions:
        audit.record(db.session, "survey.loaded", None, slug, summary={"status": "changed", "version": number})
    db.session.commit()
    click.echo("journey: updated" if report.journey_changed else "journey: unchanged")
    for slug in report.created:
        click.echo(f"{slug}: created (version 1)")
    for slug, number in report.new_versions:
        click.echo(f"{slug}: changed, now version {number}")
    for slug in report.unchanged:
        click.echo(f"{slug}: unchanged")
