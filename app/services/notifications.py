"""Notifications: adding them to an inbox (in the caller's transaction), each user's choices, and the inbox.

``notify`` adds a row and lets the caller commit, so a notice exists exactly when the change that caused it
does. How a notice reaches its reader (e-mail at once, a daily digest, the inbox only) is fixed when it is
made, from the reader's choices; ``flask loop remind`` sends the e-mails.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.models import Notification, NotificationSetting, SuggestionFollower, User
from app.models.types import utcnow
from touchloop.notifications import Delivery, Kind, delivery_for

PER_PAGE = 20


@dataclass(frozen=True)
class InboxPage:
    """One page of a user's inbox, newest first."""

    items: list[Notification]
    page: int
    pages: int
    total: int


def notify(
    session: Session,
    user: User | int,
    kind: Kind,
    *,
    dedup_key: str,
    params: Mapping | None = None,
    suggestion_id: int | None = None,
    case_id: int | None = None,
) -> Notification | None:
    """Add a notice for ``user`` to the caller's transaction; None if they are inactive or switched ``kind`` off."""
    user = session.get(User, user) if isinstance(user, int) else user
    if user is None or not user.active:
        return None
    delivery = deliveries(session, user.id)[Kind(kind)]
    if delivery is Delivery.OFF:
        return None
    notification = Notification(
        user_id=user.id,
        kind=Kind(kind),
        delivery=delivery,
        suggestion_id=suggestion_id,
        case_id=case_id,
        params=dict(params or {}),
        dedup_key=dedup_key,
    )
    session.add(notification)
    return notification


def deliveries(session: Session, user_id: int) -> dict[Kind, Delivery]:
    """How each kind reaches ``user_id``: their choice, or the default."""
    return deliveries_of(session.get(NotificationSetting, user_id))


def deliveries_of(setting: NotificationSetting | None) -> dict[Kind, Delivery]:
    """How each kind reaches the owner of ``setting`` (None: every default)."""
    return {kind: delivery_for(kind, getattr(setting, kind.value, None)) for kind in Kind}


def mail_language(setting: NotificationSetting | None) -> str:
    """The language a user's e-mails are written in: their choice, else the app's first language."""
    languages = current_app.config["LANGUAGES"]
    return setting.language if setting is not None and setting.language in languages else languages[0]


def save_settings(session: Session, user_id: int, choices: Mapping[str, str], language: str | None) -> None:
    """Store ``user_id``'s choice for each kind in ``choices`` and their e-mail language."""
    kinds, ways = {kind.value for kind in Kind}, {way.value for way in Delivery}
    unknown = [f"{kind}={value}" for kind, value in choices.items() if kind not in kinds or value not in ways]
    if language is not None and language not in current_app.config["LANGUAGES"]:
        unknown.append(f"language={language}")
    if unknown:
        raise ValueError(f"unknown notification choices: {', '.join(unknown)}")
    setting = session.get(NotificationSetting, user_id) or NotificationSetting(user_id=user_id)
    for kind, value in choices.items():
        setattr(setting, kind, value)
    setting.language = language
    session.add(setting)
    session.flush()


def follow(session: Session, suggestion_id: int, user_ids: Iterable[int]) -> None:
    """Make each of ``user_ids`` follow the suggestion (those who already do are left as they are)."""
    wanted = set(user_ids)
    already = set(
        session.scalars(
            sa.select(SuggestionFollower.user_id).where(
                SuggestionFollower.suggestion_id == suggestion_id, SuggestionFollower.user_id.in_(wanted)
            )
        )
    )
    session.add_all(SuggestionFollower(suggestion_id=suggestion_id, user_id=uid) for uid in sorted(wanted - already))


def followers(session: Session, suggestion_id: int) -> list[int]:
    """The ids of the users who follow a suggestion, oldest follower first."""
    query = sa.select(SuggestionFollower.user_id).where(SuggestionFollower.suggestion_id == suggestion_id)
    return list(session.scalars(query.order_by(SuggestionFollower.since, SuggestionFollower.user_id)))


def is_follower(session: Session, suggestion_id: int, user_id: int) -> bool:
    """True if ``user_id`` follows the suggestion."""
    return session.get(SuggestionFollower, (suggestion_id, user_id)) is not None


def unread_count(session: Session, user_id: int) -> int:
    """How many of ``user_id``'s notices are unread."""
    query = sa.select(sa.func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    return session.scalar(query) or 0


def inbox_page(session: Session, user_id: int, page: int, per_page: int = PER_PAGE) -> InboxPage:
    """Page ``page`` (from 1; out of range shows the nearest page) of ``user_id``'s notices, newest first."""
    total = session.scalar(sa.select(sa.func.count()).where(Notification.user_id == user_id)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    items = session.scalars(
        sa.select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return InboxPage(list(items), page, pages, total)


def mark_all_read(session: Session, user_id: int, now: datetime | None = None) -> int:
    """Mark every unread notice of ``user_id`` read; how many were unread."""
    result = session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
