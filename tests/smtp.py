"""A real SMTP server (aiosmtpd) on 127.0.0.1 for tests, collecting what it receives.

Use it with ``from tests.smtp import smtp_server_fixture  # noqa: F401`` and a
test argument named ``smtp_server``; the app's SMTP_URL then points at it.
"""

from __future__ import annotations

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.url = ""

    async def handle_DATA(self, server, session, envelope) -> str:
        """Keep the message, parsed, and accept it."""
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to ``address``."""
        return [m for m, rcpts in zip(self.messages, self.recipients) if address in rcpts]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def password_check(username: str, password: str):
    """An aiosmtpd authenticator accepting only ``username``/``password``."""

    def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = auth_data.login == username.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False)

    return authenticate


@contextmanager
def running_smtp_server(**controller_options):
    """Start an SMTP server on a free port; yield its Inbox (with ``url``); stop it afterwards."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **controller_options)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture(name="smtp_server")
def smtp_server_fixture(app):
    """A running SMTP server the app sends its mail to."""
    with running_smtp_server() as inbox:
        app.config["SMTP_URL"] = inbox.url
        yield inbox
