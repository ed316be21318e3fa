"""The API tokens page (/account/tokens): make a token (secret shown once), list, revoke; CSRF and roles apply."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import ApiToken, Role
from tests.api.conftest import bearer
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user, sign_in

SECRET_RE = re.compile(r'id="secret" type="text" readonly value="(tl_[A-Za-z0-9_-]+)"')


def _signed_in(client, session, role=Role.STAFF, email="staff@example.com"):
    """Sign in a new user with ``role``; return the user."""
    user = make_user(session, email=email, role=role, name="Sam <b>Staff</b>")
    assert sign_in(client, email=email).status_code == 302
    return user


def _make(client, name="My CRM", scopes=("suggestions:read",)):
    """Fill in the new-token form as a browser would."""
    token = hidden_fields(client.get("/account/tokens").get_data(as_text=True))["csrf_token"]
    return client.post("/account/tokens", data={"csrf_token": token, "name": name, "scopes": list(scopes)})


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_form_offers_only_the_scopes_the_users_role_allows(client, session):
    _signed_in(client, session)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert 'value="suggestions:write"' in page and 'value="surveys:read"' in page
    assert 'value="responses:write"' not in page and 'value="cases:read"' not in page


def test_a_new_tokens_secret_is_shown_once_and_works_for_its_scopes(client, session):
    _signed_in(client, session)
    response = _make(client, scopes=["suggestions:read"])
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    secret = SECRET_RE.search(response.get_data(as_text=True)).group(1)
    later = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in later and secret[:12] in later and "My CRM" in later
    api = client.application.test_client()
    assert api.get("/api/v1/suggestions", headers=bearer(secret)).status_code == 200
    assert api.get("/api/v1/surveys", headers=bearer(secret)).status_code == 403
    stored = session.scalar(sa.select(ApiToken))
    assert stored.scopes == ["suggestions:read"] and secret not in (stored.secret_hash, stored.prefix)


def test_a_scope_beyond_the_role_cannot_be_slipped_into_the_form(client, session):
    _signed_in(client, session)
    response = _make(client, scopes=["suggestions:read", "customers:write"])
    assert response.status_code == 400
    assert session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_the_forms_need_their_csrf_token(client, session):
    user = _signed_in(client, session)
    response = client.post("/account/tokens", data={"name": "x", "scopes": ["suggestions:read"]})
    assert response.status_code == 400
    assert session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
    _make(client)
    token = session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 400
    session.refresh(token)
    assert token.revoked_at is None


def test_a_revoked_token_stops_working_at_once(client, session):
    _signed_in(client, session)
    secret = SECRET_RE.search(_make(client).get_data(as_text=True)).group(1)
    token = session.scalar(sa.select(ApiToken))
    csrf = hidden_fields(client.get("/account/tokens").get_data(as_text=True))["csrf_token"]
    response = client.post(f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert "Revoked" in client.get("/account/tokens").get_data(as_text=True)
    assert client.application.test_client().get("/api/v1/suggestions", headers=bearer(secret)).status_code == 401


def test_nobody_can_revoke_another_users_token(app):
    with app.app_context():
        make_user(db.session, email="owner@example.com", role=Role.MANAGER)
        make_user(db.session, email="other@example.com", role=Role.STAFF)
    first, second = app.test_client(), app.test_client()
    assert sign_in(first, email="owner@example.com").status_code == 302
    assert _make(first).status_code == 201
    assert sign_in(second, email="other@example.com").status_code == 302
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    csrf = hidden_fields(second.get("/account/tokens").get_data(as_text=True))["csrf_token"]
    assert second.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf}).status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None


def test_token_names_are_escaped_on_the_page(client, session):
    _signed_in(client, session)
    _make(client, name="<script>alert(1)</script>")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
