"""Security headers on every answer; Secure cookies and HSTS over HTTPS only, HTTPS as told by a trusted proxy."""

from __future__ import annotations

import pytest

from app import create_app
from app.models import Role
from tests.factories import load_surveys
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user, sign_in

PAGES = ["/login", "/s/pre-purchase-consultation?lang=en", "/healthz", "/no-such-page", "/api/v1/surveys"]


def _directives(response) -> dict[str, str]:
    """The Content-Security-Policy as directive -> its sources."""
    policy = response.headers["Content-Security-Policy"]
    parts = [part.strip().split(" ", 1) for part in policy.split(";") if part.strip()]
    return {words[0]: words[1] if len(words) > 1 else "" for words in parts}


@pytest.mark.parametrize("path", PAGES)
def test_every_answer_carries_the_security_headers(client, session, path):
    load_surveys(session)
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    directives = _directives(response)
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"


def test_pages_run_no_inline_script_or_style(client):
    directives = _directives(client.get("/login"))
    for directive in ("script-src", "style-src"):
        assert directives[directive] == "'self'", directive
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"


def test_a_chart_opened_on_its_own_may_run_nothing(client, session):
    make_user(session, email="manager@example.com", role=Role.MANAGER)
    sign_in(client, email="manager@example.com")
    response = client.get("/analytics/overview.svg")
    assert response.mimetype == "image/svg+xml"
    directives = _directives(response)
    assert directives["default-src"] == "'none'" and "sandbox" in directives
    assert "script-src" not in directives  # falls back to default-src 'none'


def test_no_hsts_and_no_secure_cookie_over_plain_http(client, session):
    make_user(session)
    response = sign_in(client)
    assert "Strict-Transport-Security" not in response.headers
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_over_https_hsts_is_sent_and_every_cookie_is_secure(client, session):
    make_user(session)
    token = hidden_fields(client.get("/login", base_url="https://localhost").get_data(as_text=True))["csrf_token"]
    form = {"csrf_token": token, "email": "admin@example.com", "password": "correct horse battery", "remember": "y"}
    response = client.post(
        "/login", data=form, base_url="https://localhost", headers={"Referer": "https://localhost/login"}
    )
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = response.headers.getlist("Set-Cookie")
    assert {cookie.split("=", 1)[0] for cookie in cookies} >= {"session", "remember_token"}
    for cookie in cookies:
        assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def _app_behind(database_url, monkeypatch, proxies: str):
    """An app made with TRUST_PROXY set in the environment, as a deployment would."""
    monkeypatch.setenv("TRUST_PROXY", proxies)
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"})


def test_behind_a_trusted_proxy_its_https_counts(database_url, monkeypatch):
    app = _app_behind(database_url, monkeypatch, "1")
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "; Secure" in response.headers["Set-Cookie"]


def test_without_trust_a_forwarded_proto_header_is_ignored(database_url, monkeypatch):
    app = _app_behind(database_url, monkeypatch, "0")
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_a_trust_proxy_setting_that_is_not_a_number_stops_the_start_with_a_message(database_url, monkeypatch):
    with pytest.raises(ValueError, match="TRUST_PROXY must be the number of proxies"):
        _app_behind(database_url, monkeypatch, "yes")


def test_preferred_scheme_https_marks_cookies_secure_even_on_plain_requests(database_url, monkeypatch):
    monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"})
    assert "; Secure" in app.test_client().get("/login").headers["Set-Cookie"]
