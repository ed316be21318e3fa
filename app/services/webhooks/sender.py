"""One signed POST to a receiver, with the standard library's urllib.

Deliberately urllib rather than a client library: a webhook is one small POST per attempt, with no session,
pooling or HTTP/2 to gain, and urllib lets us refuse redirects outright (a redirected POST may turn into a
GET or carry the signed body to another host) and read no more of the answer than the log keeps. Proxies
from the environment (HTTPS_PROXY, NO_PROXY) are honoured, as for any urllib request.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

ERROR_LIMIT = 500  # characters of an error (or of a refusing answer's body) kept in the log
BODY_PEEK = 300  # bytes of a non-2xx answer read for the log


@dataclass(frozen=True)
class Outcome:
    """How one POST went: the HTTP status (None without an answer), the error, and how long it took."""

    status: int | None
    error: str | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        """The receiver answered 2xx: the event is delivered."""
        return self.status is not None and 200 <= self.status < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Treat a redirect as the receiver's answer (a failure to fix in the subscription), never follow it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        """Follow nothing: urllib then raises HTTPError with the 3xx status."""
        return None


_opener = urllib.request.build_opener(_NoRedirects())


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    """POST ``body`` to ``url`` with ``headers``; a 2xx answer is success, anything else an outcome to log."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=timeout) as answer:
            answer.read(BODY_PEEK)
            return Outcome(answer.status, None, _since(started))
    except urllib.error.HTTPError as refused:
        return Outcome(refused.code, _refusal_text(refused), _since(started))
    except urllib.error.URLError as failed:
        return Outcome(None, _reason(failed.reason, timeout), _since(started))
    except (http.client.HTTPException, ssl.SSLError, OSError, ValueError) as failed:
        return Outcome(None, _reason(failed, timeout), _since(started))


def _refusal_text(refused: urllib.error.HTTPError) -> str:
    """A non-2xx answer for the log: its status line and the start of its body."""
    try:
        peek = refused.read(BODY_PEEK).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        peek = ""
    finally:
        refused.close()
    text = f"HTTP {refused.code} {refused.reason}"
    if refused.code in (301, 302, 303, 307, 308):
        text += f" to {refused.headers.get('Location', '?')} (redirects are not followed: give the final address)"
    elif peek.strip():
        text += ": " + " ".join(peek.split())
    return text[:ERROR_LIMIT]


def _reason(reason: object, timeout: float) -> str:
    """A connection failure in words, e.g. 'connection refused'."""
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"timed out: no answer within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return f"host not found ({reason.strerror or reason})"[:ERROR_LIMIT]
    text = f"{type(reason).__name__}: {reason}" if isinstance(reason, BaseException) else str(reason)
    return text[:ERROR_LIMIT]


def _since(started: float) -> int:
    """Milliseconds since ``started`` (a monotonic clock reading)."""
    return round((time.monotonic() - started) * 1000)
