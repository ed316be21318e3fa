"""E-mailing notifications: each immediate one once, and each user's daily digest once a day.

As with invitations, every e-mail is claimed before it is sent, by a change committed first: an immediate
notice by setting ``emailed_at`` where it is still empty, a digest by inserting the (user, day) row of the
digest log, which is unique. Of two runs at once only the claimant sends. A failed send clears the claim,
so a later run tries again.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.mail import Mailer, MailError, RecipientRefused
from app.models import Notification, NotificationDigest, NotificationSetting, User
from app.services.links import external_url
from app.services.notification_mail import digest_letter, notice_letter
from app.services.notifications import mail_language
from touchloop.notifications import Delivery, digest_cutoff

logger = logging.getLogger("touchloop.notifications")


@dataclass
class MailReport:
    """What a sending run did."""

    sent: Counter = field(default_factory=Counter)  # immediate e-mails by kind; digests under "digest"
    failed: int = 0  # addresses the mail server refused; tried again next run
    error: str | None = None  # the mail server failed; the rest wait for a later run


def send_immediate(session: Session, *, now: datetime) -> MailReport:
    """E-mail every notice meant for e-mail at once that has not been e-mailed yet."""
    report = MailReport()
    ids = session.scalars(
        sa.select(Notification.id)
        .where(Notification.delivery == Delivery.IMMEDIATE, Notification.emailed_at.is_(None))
        .order_by(Notification.id)
    ).all()
    base = external_url()
    with Mailer() as mailer:
        for notification_id in ids:
            if not _claim(session, [notification_id], now):
                continue
            notification = session.get(Notification, notification_id)
            user = session.get(User, notification.user_id)
            if not user.active:
                continue  # left claimed: a deactivated account is not written to
            letter = notice_letter(user, notification, _language(session, user.id), base)
            if not _send(session, mailer, user, letter, report, release=lambda: _release(session, [notification_id])):
                break
            report.sent[notification.kind] += 1
    return report


def send_digests(session: Session, *, now: datetime, hour: int = 0) -> MailReport:
    """Send today's digest to each user with notices waiting for one, unless they had it today already."""
    report = MailReport()
    now = now.astimezone(timezone.utc)
    cutoff = digest_cutoff(now, hour)
    if cutoff is None:
        return report
    waiting = sa.select(Notification).where(*_waiting(cutoff)).order_by(Notification.created_at, Notification.id)
    has_waiting = sa.exists().where(Notification.user_id == User.id, *_waiting(cutoff))
    done_today = sa.exists().where(NotificationDigest.user_id == User.id, NotificationDigest.day == now.date())
    users = session.scalars(
        sa.select(User).where(User.active.is_(True), has_waiting, ~done_today).order_by(User.id)
    ).all()
    base = external_url()
    with Mailer() as mailer:
        for user in users:
            digest_id = _claim_digest(session, user.id, now)
            if digest_id is None:
                continue  # another run sent it meanwhile
            notifications = session.scalars(waiting.where(Notification.user_id == user.id)).all()
            ids = [notification.id for notification in notifications]
            if not notifications or not _claim(session, ids, now, digest_id=digest_id):
                _release_digest(session, digest_id, ids)
                continue
            letter = digest_letter(user, notifications, _language(session, user.id), base)
            if not _send(
                session, mailer, user, letter, report, release=lambda: _release_digest(session, digest_id, ids)
            ):
                break
            report.sent["digest"] += 1
    return report


def _waiting(cutoff: datetime) -> tuple:
    """The conditions of a notice waiting for a digest: meant for one, not sent yet, made before ``cutoff``."""
    return (
        Notification.delivery == Delivery.DIGEST,
        Notification.emailed_at.is_(None),
        Notification.created_at < cutoff,
    )


def _send(session: Session, mailer: Mailer, user: User, letter, report: MailReport, *, release) -> bool:
    """Send one letter; on failure ``release`` its claim. False if the mail server failed (stop the run)."""
    try:
        mailer.send(user.email, letter.subject, letter.text, letter.html)
    except RecipientRefused as exc:
        release()
        report.failed += 1
        logger.warning("notification e-mail to user %s not sent: %s", user.id, exc)
    except MailError as exc:
        session.rollback()
        release()
        report.error = str(exc)
        return False
    return True


def _language(session: Session, user_id: int) -> str:
    """The language ``user_id``'s e-mails are written in."""
    return mail_language(session.get(NotificationSetting, user_id))


def _claim(session: Session, ids: list[int], now: datetime, *, digest_id: int | None = None) -> bool:
    """Set ``emailed_at`` on the notices in ``ids`` that have none, and commit; True if it set all of them."""
    result = session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(ids), Notification.emailed_at.is_(None))
        .values(emailed_at=now)
        .execution_options(synchronize_session=False)
    )
    if digest_id is not None:
        session.execute(
            sa.update(NotificationDigest).where(NotificationDigest.id == digest_id).values(notifications=len(ids))
        )
    session.commit()
    return result.rowcount == len(ids)


def _release(session: Session, ids: list[int]) -> None:
    """Clear the claim on notices whose e-mail did not go out, so a later run sends them."""
    session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(ids))
        .values(emailed_at=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _claim_digest(session: Session, user_id: int, now: datetime) -> int | None:
    """Insert today's digest row for ``user_id`` and commit; its id, or None if it was there already."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = NotificationDigest.__table__
    statement = (
        dialect.insert(table)
        .values(user_id=user_id, day=now.date(), sent_at=now, notifications=0)
        .on_conflict_do_nothing(index_elements=["user_id", "day"])
        .returning(table.c.id)
    )
    digest_id = session.scalar(statement)
    session.commit()
    return digest_id


def _release_digest(session: Session, digest_id: int, ids: list[int]) -> None:
    """Undo a digest that did not go out: its notices wait again, and the day's digest is still to send."""
    session.execute(sa.delete(NotificationDigest).where(NotificationDigest.id == digest_id))
    _release(session, ids)
