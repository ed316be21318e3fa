"""Sending e-mail through the server in SMTP_URL, or to the log when it is unset."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

logger = logging.getLogger("touchloop.mail")
TIMEOUT_SECONDS = 20


class MailError(Exception):
    """A message could not be handed to the mail server."""


class RecipientRefused(MailError):
    """The server refused this recipient; other messages may still go through."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect, from an ``smtp://`` or ``smtps://`` URL."""

    host: str
    port: int
    ssl: bool
    starttls: bool
    username: str | None
    password: str | None


def smtp_settings(url: str) -> SmtpSettings:
    """Parse ``smtp://user:pass@host:port?starttls=1`` or ``smtps://user:pass@host:port``."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailError(f"SMTP_URL must look like smtp://user:pass@host:port or smtps://…, not {parts.scheme}://…")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError as exc:
        raise MailError(f"SMTP_URL has a bad port: {exc}") from exc
    starttls = parse_qs(parts.query).get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        ssl=parts.scheme == "smtps",
        starttls=starttls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def build_message(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    """A text message, with an HTML alternative when given."""
    message = EmailMessage()
    try:
        message["From"] = current_app.config.get("MAIL_FROM") or "touchloop@localhost"
        message["To"] = ascii_domain(to)
        message["Subject"] = subject
    except (ValueError, TypeError) as exc:  # e.g. a line break smuggled into a header
        raise RecipientRefused(f"cannot address a message to {to!r}: {exc}") from exc
    message["Message-ID"] = make_msgid(domain="touchloop")
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def ascii_domain(address: str) -> str:
    """The address with an internationalised domain in its ASCII (punycode) form, which every server takes."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address  # not a valid domain name; the server will refuse it as it is


def readable(message: EmailMessage) -> str:
    """The whole message as a person reads it: headers, then each part decoded."""
    headers = "\n".join(f"{name}: {value}" for name, value in message.items() if name != "Content-Type")
    parts = [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
    return headers + "\n\n" + "\n\n".join(parts)


class Mailer:
    """One connection for many messages (``with Mailer() as mailer: mailer.send(...)``)."""

    def __init__(self) -> None:
        """Read SMTP_URL; connect only when the first message is sent."""
        url = current_app.config.get("SMTP_URL")
        self.settings = smtp_settings(url) if url else None
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        """Use as a context manager, so the connection is closed afterwards."""
        return self

    def __exit__(self, *exc_info) -> None:
        """Close the connection."""
        self.close()

    def send(self, to: str, subject: str, text: str, html: str | None = None) -> None:
        """Send one message, or log it when no SMTP server is configured; raise MailError on failure."""
        message = build_message(to, subject, text, html)
        if self.settings is None:
            logger.info("SMTP_URL is not set; this message was not sent:\n%s", readable(message))
            return
        try:
            self._connection().send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise RecipientRefused(f"the mail server refused {to}: {exc.recipients}") from exc
        except smtplib.SMTPNotSupportedError as exc:
            # A non-ASCII mailbox name needs SMTPUTF8, which this server lacks: only this address fails.
            raise RecipientRefused(f"the mail server cannot deliver to {to}: {exc}") from exc
        except smtplib.SMTPServerDisconnected:
            self.connection = None  # the server dropped an idle connection: try once more on a new one
            self._send_fresh(message)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MailError(self._failure(exc)) from exc

    def close(self) -> None:
        """Say goodbye to the server, if connected."""
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.connection = None

    def _send_fresh(self, message: EmailMessage) -> None:
        """Send on a new connection."""
        try:
            self._connection().send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MailError(self._failure(exc)) from exc

    def _connection(self) -> smtplib.SMTP:
        """The open connection, made (and logged in) on first use."""
        if self.connection is None:
            settings = self.settings
            if settings.ssl:
                context = ssl.create_default_context()
                smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context)
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
            self.connection = smtp
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
        return self.connection

    def _failure(self, exc: Exception) -> str:
        """What went wrong, naming the server but never the password."""
        where = f"{self.settings.host}:{self.settings.port}" if self.settings else "the mail server"
        return f"could not send mail through {where}: {exc.__class__.__name__}: {exc}"


def send_mail(to: str, subject: str, text: str, html: str | None = None) -> None:
    """Send one message through SMTP_URL (or log it when unset); raise MailError on failure."""
    with Mailer() as mailer:
        mailer.send(to, subject, text, html)
