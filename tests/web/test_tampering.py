"""Altered or foreign sessions, links and tokens are refused: the session cookie, remember-me, links, API tokens."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
import sqlalchemy as sa
from flask.sessions import SecureCookieSessionInterface

from app import create_app
from app.extensions import db
from app.models import Role, User
from app.services.links import invitation_token, opt_out_token
from tests.api.conftest import bearer, make_token
from tests.factories import load_surveys, make_customer, make_invitation
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user, sign_in


def _flip(text: str, position: int) -> str:
    """``text`` with one character changed at ``position``."""
    character = "A" if text[position] != "A" else "B"
    return text[:position] + character + text[position + 1 :]


def _signed_in(client) -> bool:
    """Whether the client reaches an admin page rather than the sign-in page."""
    return client.get("/admin/").status_code == 200


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def _payload(cookie: str) -> dict:
    """The session data inside a Flask session cookie (without checking its signature)."""
    compressed = cookie.startswith(".")
    data = cookie.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return json.loads(zlib.decompress(raw) if compressed else raw)


@pytest.fixture
def admin(app, client):
    """A browser signed in as an admin; the app context is left before any request (its g would keep the user)."""
    with app.app_context():
        make_user(db.session, email="admin@example.com", role=Role.ADMIN)
        make_user(db.session, email="staff@example.com", role=Role.STAFF, name="Sid Staff")
    assert sign_in(client).status_code == 302 and _signed_in(client)
    return client


def _user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


@pytest.mark.parametrize("where", ["signature", "payload"])
def test_a_session_cookie_changed_anywhere_is_not_a_session(app, admin, where):
    cookie = _session_cookie(admin)
    position = len(cookie) - 3 if where == "signature" else len(cookie) // 3
    fresh = app.test_client()
    fresh.set_cookie("session", _flip(cookie, position))
    assert not _signed_in(fresh)
    fresh.set_cookie("session", cookie)  # the untouched cookie still works: the change was what was refused
    assert _signed_in(fresh)


def test_a_session_naming_another_user_cannot_be_forged_without_the_key(app, admin):
    staff_id = str(_user_id(app, "staff@example.com"))
    data = _payload(_session_cookie(admin))
    assert data["_user_id"] != staff_id
    forger = create_app(
        {"TESTING": True, "SECRET_KEY": "a key the attacker chose", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    forged = SecureCookieSessionInterface().get_signing_serializer(forger).dumps({**data, "_user_id": staff_id})
    fresh = app.test_client()
    fresh.set_cookie("session", forged)
    assert fresh.get("/suggestions/mine").status_code == 302  # sent to sign in: no one is signed in


def test_a_session_made_by_a_server_with_another_secret_key_is_refused(app, admin, database_url):
    other = create_app({"TESTING": True, "SECRET_KEY": "another deployment", "SQLALCHEMY_DATABASE_URI": database_url})
    elsewhere = other.test_client()
    assert sign_in(elsewhere).status_code == 302
    with other.app_context():
        db.engine.dispose()
    fresh = app.test_client()
    fresh.set_cookie("session", _session_cookie(elsewhere))
    assert not _signed_in(fresh)


def test_a_session_carried_to_another_browser_is_dropped(app, admin):
    """Flask-Login's strong session protection: the cookie is bound to the browser and address that signed in."""
    thief = app.test_client()
    thief.set_cookie("session", _session_cookie(admin))
    assert thief.get("/admin/", headers={"User-Agent": "curl/8.0"}).status_code == 302


def test_a_tampered_remember_me_cookie_does_not_sign_in(app, client):
    with app.app_context():
        make_user(db.session)
    token = hidden_fields(client.get("/login").get_data(as_text=True))["csrf_token"]
    form = {"csrf_token": token, "email": "admin@example.com", "password": "correct horse battery", "remember": "y"}
    assert client.post("/login", data=form).status_code == 302
    remembered = client.get_cookie("remember_token").value
    for cookie in (remembered, _flip(remembered, 0)):
        fresh = app.test_client()
        fresh.set_cookie("remember_token", cookie)
        assert _signed_in(fresh) == (cookie == remembered)


def test_a_deactivated_users_open_session_stops_working(app, admin):
    with app.app_context():
        db.session.get(User, _user_id(app, "admin@example.com")).active = False
        db.session.commit()
    assert not _signed_in(admin)


def test_links_signed_with_another_key_or_for_another_purpose_are_not_valid(app, client, session):
    load_surveys(session)
    customer = make_customer(session)
    public_id, customer_id = make_invitation(session, customer).public_id, customer.id
    other = create_app({"TESTING": True, "SECRET_KEY": "another deployment", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with other.test_request_context():
        foreign_invitation, foreign_opt_out = invitation_token(public_id), opt_out_token(customer_id)
    with app.test_request_context():
        own_opt_out = opt_out_token(customer_id)
    for path in (f"/i/{foreign_invitation}", f"/o/{foreign_opt_out}", f"/i/{own_opt_out}"):
        response = client.get(f"{path}?lang=en")
        assert response.status_code == 404 and "This link is not valid" in response.get_data(as_text=True), path


def test_an_api_token_with_one_character_changed_is_refused(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["surveys:read"])
    assert client.get("/api/v1/surveys", headers=bearer(secret)).status_code == 200
    for position in (len("tl_"), len(secret) // 2, len(secret) - 1):
        assert client.get("/api/v1/surveys", headers=bearer(_flip(secret, position))).status_code == 401
    assert client.get("/api/v1/surveys", headers=bearer(secret + "x")).status_code == 401
