"""The texts of notification e-mails: one notice, or a user's daily digest, in the user's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.models import Notification, User
from app.services.notification_texts import describe, subject_line


@dataclass(frozen=True)
class NoticeLine:
    """One notice as an e-mail lists it."""

    headline: str
    detail: str | None
    link: str


@dataclass(frozen=True)
class NoticeLetter:
    """One notification e-mail's parts, every text already in the reader's language."""

    language: str
    subject: str
    greeting: str
    intro: str
    lines: tuple[NoticeLine, ...]
    action: str
    settings_note: str
    settings_label: str
    settings_link: str

    @property
    def text(self) -> str:
        """The plain-text body."""
        blocks = [self.greeting, self.intro]
        for line in self.lines:
            blocks.append("\n".join(part for part in (f"- {line.headline}", line.detail, line.link) if part))
        blocks.append(f"--\n{self.settings_note}\n{self.settings_link}")
        return "\n\n".join(blocks)

    @property
    def html(self) -> str:
        """The HTML body (every text escaped by the template)."""
        return render_template("mail/notification.html", letter=self, language=self.language)


def notice_letter(user: User, notification: Notification, language: str, base: str) -> NoticeLetter:
    """The e-mail for one notice, sent as soon as it is made."""
    with force_locale(language):
        line = _line(notification, base)
        return _letter(user, language, base, subject_line(line.headline), _("You have a new notification:"), [line])


def digest_letter(user: User, notifications: Sequence[Notification], language: str, base: str) -> NoticeLetter:
    """The daily digest: every notice ``user`` chose to receive once a day, oldest first."""
    with force_locale(language):
        lines = [_line(notification, base) for notification in notifications]
        subject = _("Your daily Touchloop digest (%(count)d)", count=len(lines))
        intro = _("Here is what happened in the closed loop since your last digest.")
        return _letter(user, language, base, subject, intro, lines)


def _line(notification: Notification, base: str) -> NoticeLine:
    """One notice's words and link (call inside ``force_locale``)."""
    notice = describe(notification)
    return NoticeLine(notice.headline, notice.detail, base + notice.path)


def _letter(user: User, language: str, base: str, subject: str, intro: str, lines: list[NoticeLine]) -> NoticeLetter:
    """The parts every notification e-mail shares (call inside ``force_locale``)."""
    return NoticeLetter(
        language=language,
        subject=subject,
        greeting=_("Hello %(name)s,", name=user.name),
        intro=intro,
        lines=tuple(lines),
        action=_("Open in Touchloop"),
        settings_note=_("You receive these e-mails because of your notification settings. You can change them here:"),
        settings_label=_("Notification settings"),
        settings_link=f"{base}/inbox/settings",
    )
