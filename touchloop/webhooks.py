"""Webhooks without Flask: the event types, what a subscription URL may be, signatures, and the retry schedule.

A delivery is signed with the subscription's secret: ``Touchloop-Signature: sha256=<hex>`` where the hex is
HMAC-SHA256 over ``<Touchloop-Timestamp>.<body>`` (the timestamp as sent, a dot, the raw body bytes). A
receiver recomputes it with ``verify_signature`` (or the few lines in the README) and rejects old timestamps,
so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from touchloop.refusal import Refusal

RESPONSE_CREATED = "response.created"
CASE_OPENED = "case.opened"
CASE_CLOSED = "case.closed"
SUGGESTION_TRANSITIONED = "suggestion.transitioned"
EVENT_TYPES = (RESPONSE_CREATED, CASE_OPENED, CASE_CLOSED, SUGGESTION_TRANSITIONED)
TEST_EVENT = "webhook.test"  # sent on an admin's request to one subscription only

URL_MAX_LENGTH = 2000
SECRET_PREFIX = "whsec_"
SIGNATURE_PREFIX = "sha256="
TIMESTAMP_TOLERANCE = 300  # seconds a receiver should accept between the timestamp and its own clock


@dataclass(frozen=True)
class RetryPolicy:
    """How deliveries are retried: exponential backoff from ``base_seconds``, capped, up to ``max_attempts``."""

    max_attempts: int = 12
    base_seconds: int = 30
    cap_seconds: int = 3600
    timeout_seconds: float = 10.0

    def delay_after(self, attempts: int) -> timedelta | None:
        """How long to wait after the ``attempts``-th failed attempt; None when no attempt is left."""
        if attempts >= self.max_attempts:
            return None
        exponent = min(max(attempts - 1, 0), 30)  # 2**30 seconds is far past any cap
        return timedelta(seconds=min(self.cap_seconds, self.base_seconds * 2**exponent))


def url_problem(url: str) -> Refusal | None:
    """Why ``url`` cannot receive webhooks (None if it can): http or https, a host, no credentials, one line."""
    if not url:
        return Refusal("webhook.url_empty", "give the address that should receive the events")
    if len(url) > URL_MAX_LENGTH:
        return Refusal("webhook.url_too_long", f"at most {URL_MAX_LENGTH} characters", {"most": URL_MAX_LENGTH})
    if any(character.isspace() or ord(character) < 32 or ord(character) == 127 for character in url):
        return Refusal("webhook.url_spaces", "an address has no spaces or line breaks")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError:
        return Refusal("webhook.url_unreadable", "this is not a web address, e.g. https://example.com/hooks")
    if parts.scheme.lower() not in ("http", "https"):
        return Refusal("webhook.url_scheme", "the address must start with https:// or http://")
    if not parts.hostname:
        return Refusal("webhook.url_host", "the address must name a host, e.g. https://example.com/hooks")
    if parts.username is not None or parts.password is not None:
        return Refusal(
            "webhook.url_credentials", "put no user name or password in the address; the signature proves who sends"
        )
    if parts.fragment or port == 0:
        return Refusal("webhook.url_unreadable", "this is not a web address, e.g. https://example.com/hooks")
    return None


def new_secret() -> str:
    """A fresh signing secret, shown to the admin and given to the receiver."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``Touchloop-Signature`` header value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def verify_signature(
    secret: str, timestamp: str, body: bytes, header: str, *, now: float, tolerance: int = TIMESTAMP_TOLERANCE
) -> bool:
    """A receiver's check: ``header`` signs ``body`` at ``timestamp`` with ``secret``, and the timestamp is recent."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header.strip())
