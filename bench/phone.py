"""A customer's phone for load tests: opens a survey page and posts answers, with a cookie and the CSRF token.

Plain http.client (no dependencies), one keep-alive connection per phone when
the server allows it, a fresh cookie jar per visitor. Shared by
bench/submissions.py and faults/submit_through_restart.py.
"""

from __future__ import annotations

import http.client
import random
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

HIDDEN_RE = re.compile(r'<input[^>]*\bname="(csrf_token|submission_key|version_id|started_at)"[^>]*\bvalue="([^"]*)"')
COOKIE_RE = re.compile(r"^([^=;\s]+)=([^;]*)")


@dataclass
class Reply:
    """What the server answered: status, Location header, body and the seconds it took."""

    status: int
    location: str = ""
    body: bytes = b""
    seconds: float = 0.0


@dataclass
class Phone:
    """One visitor's browser: a connection to ``host:port`` and the cookies it was given."""

    host: str
    port: int
    timeout: float = 30.0
    cookies: dict[str, str] = field(default_factory=dict)
    _connection: http.client.HTTPConnection | None = None

    def forget(self) -> None:
        """A new visitor on the same device: no cookies."""
        self.cookies.clear()

    def request(self, method: str, path: str, body: dict | None = None) -> Reply:
        """Send one request (retrying once on a connection the server had closed) and read the reply."""
        data = urlencode(body, doseq=True).encode() if body is not None else None
        headers = {"Accept-Language": "en", "User-Agent": "touchloop-bench"}
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        for attempt in (1, 2):
            connection = self._connect()
            try:
                connection.request(method, path, body=data, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        if response.will_close:
            self.close()
        return Reply(response.status, response.headers.get("Location", ""), payload, time.perf_counter() - started)

    def close(self) -> None:
        """Drop the connection."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> http.client.HTTPConnection:
        """The open connection, or a new one."""
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._connection

    def _keep_cookies(self, headers: list[str]) -> None:
        """Remember (or forget, when expired) the cookies the server set."""
        for header in headers:
            match = COOKIE_RE.match(header)
            if not match:
                continue
            name, value = match.groups()
            if value and "Max-Age=0" not in header:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)


def hidden_fields(html: bytes) -> dict[str, str]:
    """The survey form's hidden fields (CSRF token, submission key, version, start time)."""
    return dict(HIDDEN_RE.findall(html.decode("utf-8", "replace")))


def purchase_answers(rng: random.Random) -> dict[str, str]:
    """Valid answers to the demo 'purchase' survey, spread like real customers' (about 4 in 10 open a case)."""
    store = rng.random() < 0.6
    recommend = min(10, max(0, round(rng.gauss(8.3, 1.8))))
    answers = {
        "q_channel": "store" if store else "online",
        "q_recommend": str(recommend),
        "q_overall_satisfaction": str(min(5, max(1, round(rng.gauss(4.1, 0.8))))),
        "q_main_reason": rng.choice(["product", "price", "brand", "installation", "advice", "referral"]),
        "q_contact_me": "yes" if rng.random() < 0.2 else "no",
    }
    answers |= _gap(rng, "q_price_transparency")
    if store:
        answers |= _gap(rng, "q_store_staff")
    else:
        answers["q_online_checkout"] = str(rng.randint(4, 7))
    if recommend <= 6:
        answers["q_improve"] = "送货前没有人告诉我价格里不含安装费。Nobody told me installation was extra."
    return answers


def _gap(rng: random.Random, field: str) -> dict[str, str]:
    """Expected and actual on a 1-7 scale, actual mostly within one point of expected."""
    expected = rng.randint(4, 7)
    actual = min(7, max(1, expected + rng.choices([-2, -1, 0, 1, 2], weights=[8, 20, 45, 20, 7])[0]))
    return {f"{field}__expected": str(expected), f"{field}__actual": str(actual)}


def survey_path(slug: str, lang: str = "en") -> str:
    """The public address of a survey."""
    return f"/s/{slug}?{urlencode({'lang': lang})}"
