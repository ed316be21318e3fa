"""Webhooks' Flask-free rules: which URLs may receive events, the signature, and the retry schedule."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta
from pathlib import Path

import pytest

from touchloop.webhooks import RetryPolicy, new_secret, signature, url_problem, verify_signature

BODY = b'{"id":"e1","type":"response.created"}'


@pytest.mark.parametrize(
    "url",
    [
        "https://crm.example.com/hooks",
        "http://127.0.0.1:8080/in?source=touchloop",
        "HTTPS://EXAMPLE.COM",
        "http://[::1]:9/",
    ],
)
def test_http_and_https_addresses_with_a_host_are_accepted(url):
    assert url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("", "webhook.url_empty"),
        ("ftp://example.com/in", "webhook.url_scheme"),
        ("file:///etc/passwd", "webhook.url_scheme"),
        ("example.com/hooks", "webhook.url_scheme"),
        ("https:///path-only", "webhook.url_host"),
        ("https://user:secret@example.com/", "webhook.url_credentials"),
        ("https://example.com/a b", "webhook.url_spaces"),
        ("https://example.com/\nInjected: header", "webhook.url_spaces"),
        ("https://example.com:99999/", "webhook.url_unreadable"),
        ("https://[::1/", "webhook.url_unreadable"),
        ("https://example.com/#part", "webhook.url_unreadable"),
        ("https://example.com/" + "a" * 2000, "webhook.url_too_long"),
    ],
)
def test_addresses_that_cannot_receive_events_are_refused_with_a_reason(url, code):
    problem = url_problem(url)
    assert problem is not None and problem.code == code and str(problem)


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body_in_hex():
    expected = hmac.new(b"whsec_k", b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert signature("whsec_k", 1700000000, BODY) == "sha256=" + expected


def test_a_receiver_accepts_a_fresh_genuine_signature_and_nothing_else():
    header = signature("whsec_k", 1700000000, BODY)
    assert verify_signature("whsec_k", "1700000000", BODY, header, now=1700000100)
    assert not verify_signature("whsec_other", "1700000000", BODY, header, now=1700000100)
    assert not verify_signature("whsec_k", "1700000000", BODY + b" ", header, now=1700000100)
    assert not verify_signature("whsec_k", "1700000001", BODY, header, now=1700000100)
    assert not verify_signature("whsec_k", "1700000000", BODY, header, now=1700000000 + 301)  # replayed late
    assert not verify_signature("whsec_k", "-5", BODY, header, now=1700000100)


def test_secrets_are_long_random_and_recognisable():
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50 and all(secret.startswith("whsec_") and len(secret) >= 46 for secret in secrets)


def test_retries_wait_twice_as_long_each_time_up_to_the_cap_then_stop():
    policy = RetryPolicy(max_attempts=10, base_seconds=30, cap_seconds=3600)
    waits = [policy.delay_after(attempts) for attempts in range(1, 11)]
    assert waits[:8] == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480, 960, 1920, 3600)]
    assert waits[8] == timedelta(seconds=3600) and waits[9] is None


def test_the_default_schedule_keeps_trying_for_hours_before_giving_up():
    policy = RetryPolicy()
    total = sum((policy.delay_after(n) for n in range(1, policy.max_attempts)), timedelta())
    assert policy.delay_after(policy.max_attempts) is None
    assert timedelta(hours=5) < total < timedelta(hours=7)


def test_the_readme_verification_snippet_accepts_our_signature_and_refuses_a_changed_body():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("Verifying a delivery, in Python")[1].split("```python\n")[1].split("```")[0]
    namespace: dict = {}
    exec(snippet, namespace)  # noqa: S102  (our own README)
    stamp = str(int(time.time()))
    headers = {"Touchloop-Timestamp": stamp, "Touchloop-Signature": signature("whsec_k", stamp, BODY)}
    assert namespace["genuine"]("whsec_k", headers, BODY)
    assert not namespace["genuine"]("whsec_k", headers, BODY.replace(b"e1", b"e2"))
