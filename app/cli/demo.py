"""``flask demo``: fill an empty database with the demo company."""

from __future__ import annotations

import random
import time
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app

from app.extensions import db
from app.services.demo.fill import database_is_empty, erase_people_and_responses, fill_demo
from app.services.demo.invitations import make_demo_batches
from app.services.demo.loop import fill_loop
from app.services.demo.people import DEMO_PASSWORD, make_demo_people
from app.services.demo.targets import make_demo_targets
from app.services.survey_loading import load_catalog
from touchloop.catalog import read_catalog


@click.command("demo")
@click.option("--seed", default=42, show_default=True, help="Random seed: the same seed makes the same data.")
@click.option("--customers", default=2000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--responses", default=20000, show_default=True, type=click.IntRange(0, 10_000_000))
@click.option("--force", is_flag=True, help="Erase existing customers and responses first.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) if the database already has data.")
def demo_command(seed: int, customers: int, responses: int, force: bool, if_empty: bool) -> None:
    """Load the surveys and fill the database with the demo company's customers and responses."""
    if not database_is_empty(db.session):
        if if_empty:
            click.echo("demo: the database already has data; leaving it alone.")
            return
        if not force:
            raise click.ClickException(
                "the database already has customers or responses; use --force to erase them and fill it again."
            )
        erase_people_and_responses(db.session)
    catalog = read_catalog(Path(current_app.config["SURVEYS_DIR"]))
    if catalog.problems:
        for problem in catalog.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException("the survey files have problems; fix them first (flask surveys validate).")
    load_catalog(db.session, catalog)
    started = time.perf_counter()
    now = datetime.now(timezone.utc)  # one "now" for everything, so planted changes line up with their answers
    summary = fill_demo(db.session, catalog.journey, seed=seed, customers=customers, responses=responses, today=now)
    people = make_demo_people(db.session)
    invited = make_demo_batches(db.session, catalog.journey, now)
    loop = fill_loop(db.session, rng=random.Random(seed), now=now)
    make_demo_targets(db.session, now.date())
    db.session.commit()
    click.echo(
        f"demo: {summary.customers} customers, {summary.responses} responses, "
        f"{summary.answers} answers in {time.perf_counter() - started:.1f} s (seed {seed}); "
        f"{invited} invitations in the demo batches; {loop.cases} follow-up cases, {loop.suggestions} suggestions."
    )
    if people:
        click.echo(
            f"demo: sign in at /login as admin@huachen.example (or another demo account) "
            f"with the password {DEMO_PASSWORD!r}."
        )
