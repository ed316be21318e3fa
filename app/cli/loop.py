"""``flask loop …``: the closed loop's periodic work, safe to run from cron every few minutes."""

from __future__ import annotations

from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from app.extensions import db
from app.mail import MailError
from app.models.types import utcnow
from app.services.invitations import remind
from app.services.loop_reminders import make_reminders
from app.services.notification_delivery import send_digests, send_immediate
from touchloop.notifications import CASE_DUE_SOON_HOURS, DUE_SOON_DAYS, Kind

loop_group = AppGroup("loop", help="Periodic work of the closed loop (run it from cron).")


@loop_group.command("remind")
@click.option("--now", "moment", help="Act as if it were this moment (ISO 8601; UTC unless it has an offset).")
@click.option(
    "--due-soon-days",
    default=DUE_SOON_DAYS,
    show_default=True,
    type=click.IntRange(0, 365),
    help="Remind the owner of a suggestion due within this many days.",
)
@click.option(
    "--case-due-soon-hours",
    default=CASE_DUE_SOON_HOURS,
    show_default=True,
    type=click.IntRange(0, 720),
    help="Remind the assignee of a case due within this many hours.",
)
@click.option(
    "--digest-hour",
    default=0,
    show_default=True,
    type=click.IntRange(0, 23),
    help="Daily digests go out on the first run after this hour (UTC), with what came before it.",
)
def remind_command(moment: str | None, due_soon_days: int, case_due_soon_hours: int, digest_hour: int) -> None:
    """Invitation reminders, due-soon reminders, escalations of overdue items, notification e-mails and digests.

    Running it twice makes and sends nothing twice.
    """
    now = parse_moment(moment)
    problems = []
    try:
        click.echo(f"invitation reminders sent: {remind(db.session, now=now)}")
    except MailError as exc:
        db.session.rollback()
        problems.append(f"invitation reminders: {exc}")
    made = make_reminders(db.session, now=now, days=due_soon_days, hours=case_due_soon_hours)
    db.session.commit()
    click.echo(f"due-soon reminders: {made[Kind.DUE_SOON]}")
    click.echo(f"overdue escalations: {made[Kind.OVERDUE]}")
    immediate = send_immediate(db.session, now=now)
    click.echo("notification e-mails sent: " + ", ".join(f"{kind} {immediate.sent[kind]}" for kind in Kind))
    digests = send_digests(db.session, now=now, hour=digest_hour)
    click.echo(f"daily digests sent: {digests.sent['digest']}")
    for report, what in ((immediate, "notification e-mails"), (digests, "daily digests")):
        if report.failed:
            click.echo(f"{what}: {report.failed} address(es) refused by the mail server; tried again next run")
        if report.error:
            problems.append(f"{what}: {report.error}")
    if problems:
        raise click.ClickException("; ".join(problems))


def parse_moment(text: str | None) -> datetime:
    """``--now`` as an aware UTC datetime (the current time when not given)."""
    if not text:
        return utcnow()
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 date and time, e.g. 2030-03-10T09:00", param_hint="--now"
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
