"""Signed links customers get by e-mail: a personal survey link and an opt-out link.

The tokens are signed with the app's secret key, so nobody can make or alter
one; the invitation's ``public_id`` inside is random, so nobody can guess one.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

DEFAULT_EXTERNAL_URL = "http://127.0.0.1:5000"
PUBLIC_ID_RE = re.compile(r"[0-9a-f]{32}")
MAX_TOKEN_LENGTH = 200


def external_url() -> str:
    """The address customers reach this server at (config EXTERNAL_URL)."""
    return (current_app.config.get("EXTERNAL_URL") or DEFAULT_EXTERNAL_URL).rstrip("/")


def invitation_token(public_id: str) -> str:
    """The signed token of an invitation's personal link."""
    return _serializer("invitation").dumps(public_id)


def public_id_from_token(token: str) -> str | None:
    """The invitation public id inside a personal-link token, or None if it was not made by us."""
    value = _load("invitation", token)
    return value if isinstance(value, str) and PUBLIC_ID_RE.fullmatch(value) else None


def invitation_link(invitation: Any, external_base_url: str, language: str | None = None) -> str:
    """The personal link of an invitation (anything with a ``public_id``)."""
    link = f"{external_base_url.rstrip('/')}/i/{invitation_token(invitation.public_id)}"
    return f"{link}?lang={language}" if language else link


def opt_out_token(customer_id: int) -> str:
    """The signed token of a customer's opt-out link."""
    return _serializer("opt-out").dumps(customer_id)


def customer_id_from_opt_out_token(token: str) -> int | None:
    """The customer id inside an opt-out token, or None if it was not made by us."""
    value = _load("opt-out", token)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def opt_out_link(customer_id: int, external_base_url: str, language: str | None = None) -> str:
    """The link that lets a customer stop survey e-mails."""
    link = f"{external_base_url.rstrip('/')}/o/{opt_out_token(customer_id)}"
    return f"{link}?lang={language}" if language else link


def _serializer(salt: str) -> URLSafeSerializer:
    """A serializer keyed by the app's secret, separated by ``salt``."""
    return URLSafeSerializer(current_app.secret_key, salt=salt)


def _load(salt: str, token: str) -> Any:
    """The signed value in ``token``, or None if the token is malformed or tampered with."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        return _serializer(salt).loads(token)
    except (BadData, UnicodeError, ValueError):
        return None
