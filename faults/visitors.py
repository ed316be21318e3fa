"""Customers who keep trying: each opens the survey, answers, and presses Submit again until it is acknowledged.

What every phone saw goes into one ``Tally``: the forms sent, the
acknowledgements (303 to the thank-you page) with their submission keys, every
503 ("try again"), and anything that breaks the promise (a 500, another status,
a dropped connection, a "try again" page that changed the submission key).
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.phone import Phone, Reply, hidden_fields, purchase_answers, survey_path

SLUG = "purchase"
RETRY_PAUSE = 0.25  # seconds between presses of Submit while the service says "try again"


@dataclass
class Tally:
    """Everything the phones saw, counted under one lock."""

    sent: int = 0  # distinct forms posted
    posts: int = 0  # POST requests, retries and double submissions included
    acknowledged: dict[str, int] = field(default_factory=dict)  # submission key -> answer rows it should have
    retried: int = 0  # forms acknowledged only after at least one "try again"
    resubmitted: int = 0  # acknowledged forms posted once more (double click), acknowledged again
    unavailable: list[tuple[float, str]] = field(default_factory=list)  # (when, "page"/"post"/"thanks") per 503
    violations: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        """Add to counters."""
        with self.lock:
            for name, amount in counts.items():
                setattr(self, name, getattr(self, name) + amount)

    def saw_503(self, what: str) -> None:
        """A "try again" answer, with when it came."""
        with self.lock:
            self.unavailable.append((time.time(), what))

    def violation(self, text: str) -> None:
        """Something the promise does not allow."""
        with self.lock:
            self.violations.append(text)


@dataclass
class Customer:
    """One phone answering the survey again and again (a new visitor each time) until ``stop_at``."""

    port: int
    tally: Tally
    seed: int
    stop_at: float
    give_up_at: float
    resubmit_share: float = 0.1

    def run(self) -> None:
        """Visit after visit; a visit in progress when time is up is still finished."""
        phone, rng = Phone("127.0.0.1", self.port, timeout=60), random.Random(self.seed)
        while time.time() < self.stop_at:
            phone.forget()
            form = self._open(phone)
            if form is None:
                time.sleep(RETRY_PAUSE)
                continue
            answers = purchase_answers(rng)
            if self._submit(phone, form, answers) and rng.random() < self.resubmit_share:
                self._resubmit(phone, form, answers)
        phone.close()

    def _open(self, phone: Phone) -> dict[str, str] | None:
        """The survey page's hidden fields, asking again while the service says "try again"."""
        while time.time() < self.give_up_at:
            reply = self._request(phone, "GET", survey_path(SLUG))
            if reply is None:
                return None
            if reply.status == 200:
                return hidden_fields(reply.body)
            if reply.status != 503:
                self.tally.violation(f"survey page answered {reply.status}: {_snippet(reply)}")
                return None
            self.tally.saw_503("page")
            time.sleep(RETRY_PAUSE)
        return None

    def _submit(self, phone: Phone, form: dict[str, str], answers: dict[str, str]) -> bool:
        """Post the answers, and again after each "try again", until acknowledged; True if it was."""
        key, attempts = form["submission_key"], 0
        self.tally.add(sent=1)
        while time.time() < self.give_up_at:
            attempts += 1
            self.tally.add(posts=1)
            reply = self._request(phone, "POST", survey_path(SLUG), {**form, **answers})
            if reply is None:
                return False
            if reply.status == 303:
                self._acknowledged(key, answers, retried=attempts > 1)
                self._thanks(phone, reply.location)
                return True
            if reply.status != 503:
                self.tally.violation(f"form {key}: POST answered {reply.status}: {_snippet(reply)}")
                return False
            self.tally.saw_503("post")
            form = self._form_shown_again(form, reply)
            time.sleep(RETRY_PAUSE)
        self.tally.violation(f"form {key}: still not acknowledged when the test gave up")
        return False

    def _resubmit(self, phone: Phone, form: dict[str, str], answers: dict[str, str]) -> None:
        """A double click after the acknowledgement: acknowledged again, stored once (checked later)."""
        self.tally.add(posts=1)
        reply = self._request(phone, "POST", survey_path(SLUG), {**form, **answers})
        if reply is not None and reply.status in (303, 503):
            self.tally.add(resubmitted=int(reply.status == 303))
            if reply.status == 503:
                self.tally.saw_503("post")
        elif reply is not None:
            self.tally.violation(f"form {form['submission_key']}: second POST answered {reply.status}")

    def _acknowledged(self, key: str, answers: dict[str, str], *, retried: bool) -> None:
        """Note the key and how many answer rows it must have (a gap question's two halves are one row)."""
        rows = len({name.split("__")[0] for name in answers})
        with self.tally.lock:
            if key in self.tally.acknowledged:
                self.tally.violations.append(f"form {key} was acknowledged twice as a new form")
            self.tally.acknowledged[key] = rows
            self.tally.retried += int(retried)

    def _form_shown_again(self, form: dict[str, str], reply: Reply) -> dict[str, str]:
        """The form as the 503 page shows it again (a browser posts that); it must keep the submission key."""
        again = hidden_fields(reply.body)
        if not again:
            return form  # a bare "try again" page: the browser re-sends what it sent
        if again.get("submission_key") != form["submission_key"]:
            self.tally.violation(f"form {form['submission_key']}: the 503 page changed the submission key")
        return again

    def _thanks(self, phone: Phone, location: str) -> None:
        """Follow the redirect, as a phone does: the thank-you page, or "try again", never a 500."""
        address = urlsplit(location)
        reply = self._request(phone, "GET", f"{address.path}?{address.query}")
        if reply is not None and reply.status == 503:
            self.tally.saw_503("thanks")
        elif reply is not None and reply.status != 200:
            self.tally.violation(f"thank-you page answered {reply.status}: {_snippet(reply)}")

    def _request(self, phone: Phone, method: str, path: str, body: dict | None = None) -> Reply | None:
        """One request; a connection the server broke is a violation (None)."""
        try:
            return phone.request(method, path, body)
        except OSError as exc:
            phone.close()
            self.tally.violation(f"{method} {path}: connection failed: {exc!r}")
            return None


def _snippet(reply: Reply) -> str:
    """The start of a reply's page, for the report."""
    return reply.body[:300].decode("utf-8", "replace").replace("\n", " ")
