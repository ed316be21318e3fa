"""Who is calling the API: a bearer token, checked before every view; scopes checked per view.

Only the ``Authorization: Bearer <token>`` header authenticates: a session cookie is never looked at, so a
page in a signed-in browser cannot make API calls on its user's behalf (and the API needs no CSRF token).
"""

from __future__ import annotations

import json

from flask import current_app, g, request
from flask_babel import gettext as _

from app.api.problems import Problem, use_api_language
from app.extensions import db
from app.models import ApiToken, User
from app.models.types import utcnow
from app.services.api_tokens import authenticate, hash_secret, may_use, note_use

BODY_METHODS = ("POST", "PUT", "PATCH")
JSON_BODY_LIMIT = 5 * 1024 * 1024  # an API request body; the web's CSV uploads have their own, larger limit


def bearer_secret() -> str | None:
    """The token in the Authorization header, if it has the form ``Bearer <token>``."""
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip() or None


def before_api_request() -> None:
    """Before every API view: the language, the caller's token (or 401), then a JSON body check."""
    use_api_language()
    secret = bearer_secret()
    token = authenticate(db.session, secret) if secret else None
    if token is None:
        detail = _("Send a valid API token as 'Authorization: Bearer <token>'.")
        if secret:
            detail = _("This API token is not valid: it is unknown, revoked, or its user is deactivated.")
        raise Problem(401, "unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="touchloop"'})
    note_use(db.session, token, utcnow())
    db.session.commit()
    g.api_token_id, g.api_user_id = token.id, token.user_id
    _check_json_body()


def current_token() -> ApiToken:
    """The token this request was authenticated with."""
    return db.session.get(ApiToken, g.api_token_id)


def current_api_user() -> User:
    """The user this request acts for."""
    return db.session.get(User, g.api_user_id)


def check_scope(scope: str) -> None:
    """Refuse (403) unless the token holds ``scope`` and its user's role still allows it."""
    if scope not in current_token().scopes:
        detail = _("This token does not have the scope %(scope)s; make a token with it.", scope=scope)
        raise Problem(403, "missing-scope", detail, scope=scope)
    if not may_use(current_api_user(), scope):
        detail = _("Your role no longer allows the scope %(scope)s.", scope=scope)
        raise Problem(403, "role-forbids", detail, scope=scope)


def rate_limit_key() -> str:
    """Whose budget a request spends: its token's (by hash, without a database lookup), else its address's."""
    secret = bearer_secret()
    if secret:
        return "token:" + hash_secret(secret)[:32]
    return "address:" + (request.remote_addr or "unknown")


def _check_json_body() -> None:
    """A request with a body must send JSON that parses (415 or 400 otherwise); large bodies get 413."""
    if request.method not in BODY_METHODS:
        return
    request.max_content_length = current_app.config.get("API_MAX_CONTENT_LENGTH", JSON_BODY_LIMIT)
    if not request.is_json:
        raise Problem(415, detail=_("Send the request body as JSON (Content-Type: application/json)."))
    try:
        json.loads(request.get_data(cache=True))
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, "invalid-json", _("The body is not valid JSON: %(error)s", error=str(exc))) from None
