"""``flask analytics rebuild`` and ``flask analytics check``: the rollup tables, from the command line.

The lead registers ``analytics_group`` in app/cli/__init__.py (``app.cli.add_command(analytics_group)``).
"""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from app.extensions import db
from app.services.analytics.rollups import rebuild_rollups, rollup_differences

analytics_group = AppGroup("analytics", help="Keep the dashboards' answer counts (rollup tables) in step.")


@analytics_group.command("rebuild")
def rebuild_command() -> None:
    """Recount the rollup tables from every stored answer (after a bulk load, or to repair them)."""
    started = time.perf_counter()
    size = rebuild_rollups(db.session)
    db.session.commit()
    click.echo(
        f"Counted {size.answers:,} answers into {size.day_rows:,} day rows and "
        f"{size.month_segment_rows:,} month-by-segment rows in {time.perf_counter() - started:.1f} s."
    )


@analytics_group.command("check")
def check_command() -> None:
    """Compare the rollup tables with a recount of the answers; exit 1 if they differ."""
    differences = rollup_differences(db.session)
    db.session.rollback()
    if differences:
        for line in differences:
            click.echo(line, err=True)
        raise click.ClickException("the rollup tables differ from the answers: run 'flask analytics rebuild'")
    click.echo("The rollup tables agree with the answers.")
