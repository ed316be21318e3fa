"""``flask invitations create|send|export``: personal survey invitations to a customer segment."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click
from flask.cli import AppGroup

from app.extensions import db
from app.mail import MailError
from app.models import InvitationBatch
from app.models.types import utcnow
from app.services import audit
from app.services.invitations import BatchError, create_batch, export_links_csv, send_batch
from app.services.journey import current_journey

invitations_group = AppGroup("invitations", help="Invite a customer segment to a survey by personal link.")


def parse_where(conditions: tuple[str, ...]) -> dict[str, list[str]]:
    """``tier=A``, ``tier=B,C`` and ``region=east`` as {attribute: [values]}."""
    wanted: dict[str, list[str]] = {}
    for condition in conditions:
        attribute, sep, values = condition.partition("=")
        if not sep or not attribute.strip() or not values.strip():
            raise click.BadParameter(f"'{condition}' is not ATTRIBUTE=VALUE[,VALUE…]", param_hint="--where")
        wanted.setdefault(attribute.strip(), []).extend(v.strip() for v in values.split(",") if v.strip())
    return wanted


@invitations_group.command("create")
@click.option("--survey", "slug", required=True, help="The survey's slug.")
@click.option("--where", "conditions", multiple=True, help="A segment condition, e.g. tier=A or region=east,south.")
@click.option("--name", required=True, help="A name for the batch.")
def create_command(slug: str, conditions: tuple[str, ...], name: str) -> None:
    """Create one invitation per matching customer (skipping opt-outs, no e-mail, recently asked)."""
    journey = current_journey(db.session)
    if journey is None:
        raise click.ClickException("no journey is loaded yet; run `flask surveys load` first.")
    try:
        result = create_batch(
            db.session,
            survey_slug=slug,
            segment_filter=parse_where(conditions),
            name=name.strip(),
            created_by_id=None,
            now=utcnow(),
            journey=journey,
        )
    except BatchError as exc:
        raise click.ClickException(str(exc)) from exc
    if result.batch_id is not None:
        summary = {"name": name.strip(), "survey": slug, "segments": parse_where(conditions)}
        summary |= {"invited": result.created, "skipped": result.skipped}
        audit.record(db.session, "batch.created", None, result.batch_id, summary=summary)
    db.session.commit()
    skipped = ", ".join(f"{reason.replace('_', ' ')} {count}" for reason, count in result.skipped.items())
    if result.batch_id is None:
        click.echo(f"nobody to invite; no batch was created (skipped: {skipped}).")
        return
    click.echo(f"batch {result.batch_id}: {result.created} invitation(s) created; skipped: {skipped}.")


@invitations_group.command("send")
@click.argument("batch_id", type=int)
def send_command(batch_id: int) -> None:
    """E-mail the batch's invitations that have not been sent yet."""
    _batch_or_fail(batch_id)
    try:
        report = send_batch(db.session, batch_id, now=utcnow())
    except MailError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"batch {batch_id}: {report.sent} sent, {report.failed} refused by the mail server.")
    if report.error:
        raise click.ClickException(f"{report.error}; run the command again to send the rest.")


@invitations_group.command("export")
@click.argument("batch_id", type=int)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="The CSV file.")
def export_command(batch_id: int, out: str) -> None:
    """Write the batch's personal links as CSV (external_id, name, email, link)."""
    _batch_or_fail(batch_id)
    text = export_links_csv(db.session, batch_id)
    Path(out).write_text(text, encoding="utf-8-sig")  # the BOM makes spreadsheet programs read UTF-8
    links = sum(1 for _row in csv.reader(io.StringIO(text))) - 1
    click.echo(f"batch {batch_id}: {links} link(s) written to {out}.")


def _batch_or_fail(batch_id: int) -> None:
    """Stop with a message if there is no such batch."""
    if db.session.get(InvitationBatch, batch_id) is None:
        raise click.ClickException(f"there is no invitation batch {batch_id}.")
