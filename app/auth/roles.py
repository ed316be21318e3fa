"""Role checks: 401/403 JSON for API clients, the sign-in page or a 403 page for people."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

from app.extensions import db, login_manager
from app.models import User


def init_app(app: Flask) -> None:
    """Set up Flask-Login: how users are loaded and where anonymous people go."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """The signed-in user, if still active."""
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.active else None

    @login_manager.unauthorized_handler
    def unauthorized():
        """Anonymous: JSON 401 for API clients, else the sign-in page."""
        if request.path.startswith("/api/"):
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path))


def require_role(*roles: str) -> Callable:
    """Decorate a view so only signed-in users with one of ``roles`` (or admins) reach it."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def guard_blueprint(blueprint, *roles: str) -> None:
    """Every view of ``blueprint`` requires one of ``roles``."""

    @blueprint.before_request
    def check_role():
        """Refuse anyone without the blueprint's role before the view runs."""
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.has_role(*roles):
            abort(403)
        return None
