"""Rate limits: one Flask-Limiter per app, shared by the API (per token) and the sign-in form (per address and account).

Counts live in RATELIMIT_STORAGE_URI (memory:// by default; redis://… when several processes serve, so
they share one count). A breach notes how long until the window resets, for the 429's Retry-After.
"""

from __future__ import annotations

import hashlib
import math
import os
import time

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter

EXTENSION_KEY = "touchloop_limiter"
LOGIN_ENDPOINT = "auth.login"


def settings() -> dict:
    """Where the counts are kept, from the environment."""
    return {
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_KEY_PREFIX": "touchloop",
    }


def init_app(app: Flask) -> None:
    """Limit failed sign-ins (the sign-in view must be registered already)."""
    limiter = limiter_of(app)
    login = app.view_functions[LOGIN_ENDPOINT]
    for key_func, scope in ((address_key, "login-address"), (account_key, "login-account")):
        login = limiter.limit(
            login_limit, key_func=key_func, scope=scope, methods=["POST"], deduct_when=failed_sign_in
        )(login)
    app.view_functions[LOGIN_ENDPOINT] = login


def limiter_of(app: Flask) -> Limiter:
    """This app's limiter, made on first use (an app serving only the API has one too)."""
    if EXTENSION_KEY not in app.extensions:
        for key, value in settings().items():
            app.config.setdefault(key, value)
        limiter = Limiter(key_func=address_key, on_breach=note_retry_after)
        limiter.init_app(app)
        app.extensions[EXTENSION_KEY] = limiter
    return app.extensions[EXTENSION_KEY]


def login_limit() -> str:
    """Failed sign-ins allowed per address and per account name, e.g. '10 per minute' (config LOGIN_RATE_LIMIT)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def address_key() -> str:
    """The caller's address (the client's, behind a trusted proxy: see TRUST_PROXY)."""
    return "address:" + (request.remote_addr or "unknown")


def account_key() -> str:
    """The account name typed on the sign-in form, hashed so no e-mail address is kept in the counts."""
    typed = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(typed.encode("utf-8", "replace")).hexdigest()[:32]


def failed_sign_in(response: Response) -> bool:
    """Only refused attempts count: a successful sign-in (a redirect) spends nothing."""
    return response.status_code >= 400


def note_retry_after(limit) -> None:
    """Note how long until the exhausted window resets, for the 429's Retry-After."""
    g.retry_after = max(1, math.ceil(limit.reset_at - time.time()))
