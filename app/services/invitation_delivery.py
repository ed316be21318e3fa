"""E-mailing personal invitations, and the one reminder, each exactly once.

Every e-mail is claimed first with a conditional UPDATE that is committed
before sending: of two runs (cron overlapping itself, two managers pressing
"Send"), only the one whose UPDATE changed the row sends. A failed send clears
the claim so a later run tries again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.mail import Mailer, MailError, RecipientRefused
from app.models import Customer, Invitation, InvitationBatch, Response
from app.services.definitions import current_version
from app.services.invitation_mail import Letter, LetterFacts, write_letter
from app.services.journey import current_journey
from app.services.links import external_url, invitation_link, opt_out_link

logger = logging.getLogger("touchloop.invitations")


@dataclass
class SendReport:
    """What a sending run did."""

    sent: int = 0
    failed: int = 0  # addresses the mail server refused; tried again next run
    skipped: int = 0  # sent by another run meanwhile, or no longer to be sent
    remaining: int = 0  # not tried: the time budget ran out, or the mail server failed
    error: str | None = None  # the mail server failed; the rest are left for a later run


def send_batch(session: Session, batch_id: int, *, now: datetime, seconds: float | None = None) -> SendReport:
    """E-mail each unsent, unanswered, live invitation of a batch, marking ``sent_at``; stop after ``seconds``."""
    # A web request must end, so with ``seconds`` no new e-mail is started after that long
    # (one always is); the rest wait for the next run.
    ids = session.scalars(deliverable(now).where(Invitation.batch_id == batch_id, Invitation.sent_at.is_(None))).all()
    return _deliver(session, ids, Invitation.sent_at, now, reminder=False, seconds=seconds)


def remind(session: Session, *, now: datetime) -> int:
    """Send one reminder to each invitation unanswered ``reminder_after_days`` after sending; the count sent."""
    batches = session.execute(
        sa.select(InvitationBatch.id, InvitationBatch.reminder_after_days).where(
            InvitationBatch.reminder_after_days.isnot(None), InvitationBatch.expires_at > now
        )
    ).all()
    ids: list[int] = []
    for batch_id, days in batches:
        ids += session.scalars(
            deliverable(now).where(
                Invitation.batch_id == batch_id,
                Invitation.sent_at <= now - timedelta(days=days),
                Invitation.reminded_at.is_(None),
            )
        ).all()
    report = _deliver(session, ids, Invitation.reminded_at, now, reminder=True)
    if report.error:
        raise MailError(f"{report.error} ({report.sent} reminder(s) sent before that)")
    return report.sent


def deliverable(now: datetime) -> sa.Select:
    """Invitation ids that may be e-mailed: live, unanswered, to a customer with an address who did not opt out."""
    return (
        sa.select(Invitation.id)
        .join(Customer, Customer.id == Invitation.customer_id)
        .where(
            Invitation.expires_at > now,
            Customer.opted_out_at.is_(None),
            Customer.email.isnot(None),
            Customer.email != "",
            ~sa.exists().where(Response.invitation_id == Invitation.id),
        )
        .order_by(Invitation.id)
    )


def customer_language(customer: Customer, languages: tuple[str, ...]) -> str:
    """The language to write to a customer in: ``extra["language"]`` if offered, else the first language."""
    wanted = customer.extra.get("language") if isinstance(customer.extra, dict) else None
    return wanted if wanted in languages else languages[0]


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite hands back naive UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _deliver(
    session: Session, ids: list[int], mark, now: datetime, *, reminder: bool, seconds: float | None = None
) -> SendReport:
    """Claim, write and send the e-mail of each invitation in ``ids``."""
    report = SendReport()
    letters = _Letters(session, reminder=reminder)
    started = time.monotonic()
    with Mailer() as mailer:
        for position, invitation_id in enumerate(ids):
            if position and seconds is not None and time.monotonic() - started > seconds:
                report.remaining = len(ids) - position
                break
            try:
                outcome = _deliver_one(session, mailer, letters, invitation_id, mark, now)
            except MailError as exc:  # the server, not this address: stop and leave the rest for later
                report.error, report.remaining = str(exc), len(ids) - position
                break
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _deliver_one(session: Session, mailer: Mailer, letters: _Letters, invitation_id: int, mark, now: datetime) -> str:
    """Claim and send one invitation's e-mail: "sent", "skipped" or "failed" (address refused)."""
    if not _claim(session, invitation_id, mark, now):
        return "skipped"
    if session.scalar(deliverable(now).where(Invitation.id == invitation_id)) is None:
        _release(session, invitation_id, mark)  # answered or opted out since the list was made
        return "skipped"
    invitation = session.get(Invitation, invitation_id)
    try:
        letter = letters.letter(invitation)
        mailer.send(invitation.customer.email, letter.subject, letter.text, letter.html)
    except RecipientRefused as exc:
        _release(session, invitation_id, mark)
        logger.warning("invitation %s not sent: %s", invitation_id, exc)
        return "failed"
    except BaseException:  # the mail server failed, or anything else: this e-mail did not go out
        session.rollback()
        _release(session, invitation_id, mark)
        raise
    return "sent"


def _claim(session: Session, invitation_id: int, mark, now: datetime) -> bool:
    """Set ``mark`` to ``now`` if nobody has yet, and commit; True if this call set it."""
    result = session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation_id, mark.is_(None))
        .values({mark.key: now})
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def _release(session: Session, invitation_id: int, mark) -> None:
    """Clear a claim whose e-mail did not go out, so a later run sends it."""
    session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation_id)
        .values({mark.key: None})
        .execution_options(synchronize_session=False)
    )
    session.commit()


class _Letters:
    """Writes invitation e-mails, looking survey titles and the company name up once per run."""

    def __init__(self, session: Session, *, reminder: bool) -> None:
        """Look up the journey's languages and company name once."""
        self.session = session
        self.reminder = reminder
        journey = current_journey(session)
        self.languages = journey.languages if journey else ("zh", "en")
        self.company = journey.company if journey else {}
        self.titles: dict[int, dict[str, str]] = {}
        self.base = external_url()

    def letter(self, invitation: Invitation) -> Letter:
        """The e-mail for one invitation, in its customer's language."""
        customer = invitation.customer
        language = customer_language(customer, self.languages)
        facts = LetterFacts(
            customer_name=customer.name,
            company=self.company.get(language) or next(iter(self.company.values()), ""),
            survey_title=self._title(invitation, language),
            link=invitation_link(invitation, self.base, language),
            opt_out_link=opt_out_link(customer.id, self.base, language),
            expires_at=as_utc(invitation.expires_at),
            reminder=self.reminder,
        )
        return write_letter(facts, language)

    def _title(self, invitation: Invitation, language: str) -> str:
        """The survey's title in ``language`` (or its first language)."""
        if invitation.survey_id not in self.titles:
            version = current_version(self.session, invitation.survey.slug)
            self.titles[invitation.survey_id] = dict(version.definition.title) if version else {}
        titles = self.titles[invitation.survey_id]
        return titles.get(language) or next(iter(titles.values()), invitation.survey.slug)
