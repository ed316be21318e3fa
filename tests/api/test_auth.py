"""Who may call the API: bearer tokens only (401 otherwise), each view's scope and the user's role (403)."""

from __future__ import annotations

import pytest

from app.models import ApiToken, Role
from app.models.types import utcnow
from app.services.api_tokens import SCOPE_ROLES, TokenRefused, create_token, hash_secret, scopes_for
from tests.api.conftest import CONSULTATION, GOOD_ANSWERS, assert_problem, bearer, make_token
from tests.factories import load_surveys
from tests.web.test_auth import make_user, sign_in

# One operation per scope that exists today: (method, path, scope).
OPERATIONS = [
    ("GET", "/api/v1/surveys", "surveys:read"),
    ("GET", "/api/v1/responses", "responses:read"),
    ("POST", "/api/v1/responses", "responses:write"),
    ("POST", "/api/v1/customers", "customers:write"),
    ("GET", "/api/v1/invitations", "invitations:write"),
    ("GET", "/api/v1/suggestions", "suggestions:read"),
    ("POST", "/api/v1/suggestions/1/transitions", "suggestions:write"),
    ("GET", "/api/v1/cases", "cases:read"),
    ("POST", "/api/v1/cases/1/transitions", "cases:write"),
]


@pytest.mark.parametrize("method,path,scope", OPERATIONS)
def test_a_request_without_a_token_is_refused_with_401(client, method, path, scope):
    response = client.open(path, method=method, json={})
    body = assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert body["type"].endswith(":unauthorized")


@pytest.mark.parametrize(
    "header",
    ["Bearer tl_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "tl_no-scheme", "Bearer " + "x" * 5000],
)
def test_malformed_or_unknown_tokens_are_refused_with_401(client, session, header):
    response = client.get("/api/v1/surveys", headers={"Authorization": header})
    assert_problem(response, 401)


def test_a_revoked_token_is_refused_with_401(client, session):
    secret = make_token(session, scopes=["surveys:read"])
    assert client.get("/api/v1/surveys", headers=bearer(secret)).status_code == 200
    token = session.query(ApiToken).one()
    token.revoked_at = utcnow()
    session.commit()
    assert_problem(client.get("/api/v1/surveys", headers=bearer(secret)), 401)


def test_a_deactivated_users_token_is_refused_with_401(client, session):
    user = make_user(session, email="gone@example.com", role=Role.MANAGER)
    secret = make_token(session, user, ["surveys:read"])
    user.active = False
    session.commit()
    assert_problem(client.get("/api/v1/surveys", headers=bearer(secret)), 401)


@pytest.mark.parametrize("method,path,scope", OPERATIONS)
def test_a_token_without_the_operations_scope_is_refused_with_403(client, session, method, path, scope):
    others = [other for other in SCOPE_ROLES if other != scope]
    secret = make_token(session, scopes=others)
    body = assert_problem(client.open(path, method=method, json={}, headers=bearer(secret)), 403)
    assert body["scope"] == scope and body["type"].endswith(":missing-scope")


def test_a_scope_stops_working_when_the_users_role_no_longer_allows_it(client, session):
    load_surveys(session)
    manager = make_user(session, email="m@example.com", role=Role.MANAGER)
    secret = make_token(session, manager, ["responses:read", "surveys:read"])
    assert client.get("/api/v1/responses", headers=bearer(secret)).status_code == 200
    manager.role = Role.STAFF
    session.commit()
    body = assert_problem(client.get("/api/v1/responses", headers=bearer(secret)), 403)
    assert body["type"].endswith(":role-forbids")
    assert client.get("/api/v1/surveys", headers=bearer(secret)).status_code == 200


@pytest.mark.parametrize(
    "role,allowed,refused",
    [
        (Role.STAFF, {"surveys:read", "suggestions:read", "suggestions:write"}, "cases:read"),
        (Role.OWNER, {"cases:read", "cases:write", "suggestions:write"}, "responses:write"),
        (Role.REPRESENTATIVE, {"responses:read", "cases:write", "stats:read"}, "customers:write"),
        (Role.MANAGER, {"responses:write", "customers:write", "invitations:write"}, None),
    ],
)
def test_a_token_may_hold_only_the_scopes_its_users_role_allows(session, role, allowed, refused):
    user = make_user(session, email=f"{role}@example.com", role=role)
    assert allowed <= set(scopes_for(user))
    if refused:
        with pytest.raises(TokenRefused, match="your role does not allow"):
            create_token(session, user, "too much", [refused], now=utcnow())


def test_an_admin_may_give_a_token_every_scope(session):
    admin = make_user(session)
    assert scopes_for(admin) == list(SCOPE_ROLES)


def test_only_the_hash_of_the_secret_is_stored(session):
    user = make_user(session)
    token, secret = create_token(session, user, "kiosk", ["surveys:read"], now=utcnow())
    session.commit()
    assert token.secret_hash == hash_secret(secret) and secret not in (token.secret_hash, token.prefix)
    assert secret.startswith(token.prefix) and len(secret) > 40


def test_a_signed_in_browser_session_does_not_authenticate_api_calls(client, session):
    make_user(session)
    sign_in(client)
    assert client.get("/admin/").status_code == 200
    assert_problem(client.get("/api/v1/surveys"), 401)
    assert_problem(client.post("/api/v1/responses", json={"survey": "x", "answers": {}}), 401)


def test_api_calls_need_no_csrf_token_and_set_no_session_cookie(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write"])
    body = {"survey": CONSULTATION, "answers": GOOD_ANSWERS}
    response = client.post("/api/v1/responses", json=body, headers=bearer(secret))
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers


def test_the_openapi_document_names_the_scope_and_the_token_of_every_operation(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.") and document["components"]["securitySchemes"]["bearerAuth"]
    operations = [op for path in document["paths"].values() for op in path.values() if isinstance(op, dict)]
    assert len(operations) >= 14
    for operation in operations:
        assert operation["x-scope"] in SCOPE_ROLES and operation["security"] == [{"bearerAuth": []}]
        assert "application/problem+json" in operation["responses"]["401"]["content"]


def test_the_browsable_docs_are_served_next_to_the_document(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and "/api/v1/openapi.json" in response.get_data(as_text=True)
