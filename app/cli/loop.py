"""``flask loop …``: the closed loop's periodic work, safe to run from cron every few minutes."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.mail import MailError
from app.models.types import utcnow
from app.services.invitations import remind

loop_group = AppGroup("loop", help="Periodic work of the closed loop (run it from cron).")


@loop_group.command("remind")
def remind_command() -> None:
    """Send the one reminder each unanswered invitation gets; running it twice sends nothing twice."""
    try:
        sent = remind(db.session, now=utcnow())
    except MailError as exc:
        raise click.ClickException(f"invitation reminders: {exc}") from exc
    click.echo(f"invitation reminders sent: {sent}")
