"""A real HTTP server on 127.0.0.1 that receives webhooks, for tests: down, failing, slow or up, as scripted.

``Receiver()`` reserves a free port but does not listen until ``start()``: until then a POST to ``url`` is
refused, like a receiver that is down. ``failures`` answers that many requests with ``failure_status`` first;
``hold`` keeps the next request waiting until ``release()`` (a receiver that hangs).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.smtp import free_port

HOLD_LIMIT = 60  # seconds a held request waits at most, so a failed test never hangs


@dataclass(frozen=True)
class Received:
    """One POST as it arrived, and the status it was answered with."""

    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def json(self) -> dict:
        """The body, parsed."""
        return json.loads(self.body)

    @property
    def event_id(self) -> str:
        """The Touchloop-Event-Id header."""
        return self.headers["Touchloop-Event-Id"]


class Receiver:
    """A scripted webhook receiver; ``received`` lists every request in arrival order."""

    def __init__(self, *, failures: int = 0, failure_status: int = 500, delay: float = 0.0) -> None:
        self.port = free_port()
        self.failures = failures
        self.failure_status = failure_status
        self.delay = delay
        self.received: list[Received] = []
        self.holding = threading.Event()  # set while a held request waits
        self._hold_next = False
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """Where to send events."""
        return f"http://127.0.0.1:{self.port}/hooks"

    def delivered(self) -> list[Received]:
        """The requests answered 2xx."""
        return [item for item in self.received if 200 <= item.status < 300]

    def hold_next(self) -> None:
        """Keep the next request waiting (no answer) until ``release()``."""
        self._hold_next = True

    def release(self) -> None:
        """Let a held request go."""
        self._released.set()

    def start(self) -> Receiver:
        """Begin listening on the reserved port."""
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening (requests are refused again)."""
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _answer(self, headers: dict[str, str], body: bytes) -> int:
        """The status for this request, by the script; note the request."""
        with self._lock:
            hold, self._hold_next = self._hold_next, False
            status = self.failure_status if self.failures > 0 else 204
            self.failures = max(0, self.failures - 1)
            self.received.append(Received(headers, body, 0 if hold else status))
        if hold:
            self.holding.set()
            self._released.wait(HOLD_LIMIT)
        return status


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to ``receiver``."""

    class Handler(BaseHTTPRequestHandler):
        """Read the POST, let the receiver's script answer it."""

        def do_POST(self) -> None:
            """Answer one webhook request."""
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if receiver.delay:
                threading.Event().wait(receiver.delay)
            status = receiver._answer(dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args) -> None:
            """Keep the test output quiet."""

    return Handler
