"""Failed sign-ins are limited per address and per account name; the next attempt gets 429 with Retry-After."""

from __future__ import annotations

import os
import uuid

import pytest

from app import create_app
from app.extensions import db
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user, sign_in

LIMIT = 10  # the default
SMALL = 3


@pytest.fixture
def small_limit(app):
    """A limit of SMALL failed sign-ins a minute, so tests need few slow password checks."""
    app.config["LOGIN_RATE_LIMIT"] = f"{SMALL} per minute"


def _attempt(client, email="admin@example.com", password="wrong password!", address="10.0.0.1"):
    """One sign-in through the real form, from ``address``."""
    environ = {"REMOTE_ADDR": address}
    token = hidden_fields(client.get("/login", environ_base=environ).get_data(as_text=True))["csrf_token"]
    data = {"csrf_token": token, "email": email, "password": password}
    return client.post("/login", data=data, environ_base=environ)


def test_the_eleventh_failed_attempt_gets_a_clear_429_with_retry_after(client, session):
    make_user(session)
    statuses = [_attempt(client).status_code for _ in range(LIMIT)]
    assert statuses == [400] * LIMIT
    refused = _attempt(client)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61  # the window's rest, rounded up, plus one second
    text = refused.get_data(as_text=True)
    assert "Too many sign-in attempts" in text and "try again in" in text


def test_even_the_right_password_waits_once_the_limit_is_reached(client, session, small_limit):
    make_user(session)
    for _ in range(SMALL):
        _attempt(client)
    assert _attempt(client, password="correct horse battery").status_code == 429
    assert client.get("/admin/").status_code == 302  # not signed in


def test_one_account_is_limited_whatever_the_address(client, session, small_limit):
    make_user(session)
    for number in range(SMALL):
        _attempt(client, address=f"10.0.1.{number}")
    assert _attempt(client, address="10.0.2.1").status_code == 429
    assert _attempt(client, email="someone.else@example.com", address="10.0.2.2").status_code == 400


def test_one_address_is_limited_whatever_the_account(client, session, small_limit):
    for number in range(SMALL):
        _attempt(client, email=f"guess{number}@example.com")
    assert _attempt(client, email="another.guess@example.com").status_code == 429
    assert _attempt(client, email="another.guess@example.com", address="10.0.0.2").status_code == 400


def test_successful_sign_ins_spend_nothing(app, small_limit):
    with app.app_context():  # and no longer: the app context's g would keep the signed-in user across browsers
        make_user(db.session)
    for _ in range(SMALL + 2):  # each in a browser of its own, all from one address
        assert _attempt(app.test_client(), password="correct horse battery").status_code == 302
    assert _attempt(app.test_client()).status_code == 400


def test_showing_the_sign_in_page_is_not_limited(client, session, small_limit):
    for _ in range(SMALL + 2):
        assert client.get("/login").status_code == 200
    assert sign_in(client, password="wrong password!").status_code == 400


def test_the_limit_is_configurable(app, client, session):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    make_user(session)
    assert [_attempt(client).status_code for _ in range(3)] == [400, 400, 429]


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="set TEST_REDIS_URL to test the Redis storage")
def test_failed_sign_ins_are_counted_in_redis_across_app_processes(database_url, session):
    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret"}
    settings |= {"RATELIMIT_STORAGE_URI": os.environ["TEST_REDIS_URL"], "LOGIN_RATE_LIMIT": "2 per minute"}
    settings["RATELIMIT_KEY_PREFIX"] = f"touchloop-test-{uuid.uuid4().hex}"  # counts of earlier runs do not count
    first, second = create_app(settings), create_app(settings)
    try:
        statuses = [_attempt(app.test_client()).status_code for app in (first, second, first)]
    finally:
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()
    assert statuses == [400, 400, 429]
