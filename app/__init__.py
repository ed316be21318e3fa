"""Touchloop: the Flask application package."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from app import account, api, cli, errors, i18n, rate_limits, security
from app.admin import bp as admin_bp
from app.admin import sections
from app.analytics import bp as analytics_bp
from app.auth import bp as auth_bp
from app.auth import roles
from app.cases import bp as cases_bp
from app.config import from_environment, instance_secret
from app.extensions import csrf, db, migrate
from app.health import bp as health_bp
from app.notifications import bp as notifications_bp
from app.public import bp as public_bp
from app.suggestions import bp as suggestions_bp


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; tests pass settings in ``test_config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(app.instance_path)
    register_extensions(app)
    register_blueprints(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions of app.extensions to this app."""
    from app import models  # noqa: F401  (registers the models with SQLAlchemy)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", _migrations_dir())))
    csrf.init_app(app)
    i18n.init_app(app)
    security.init_app(app)  # before Flask-Login (roles), so its after_request sees the remember-me cookie
    roles.init_app(app)
    sections.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Attach one blueprint per audience."""
    app.register_blueprint(health_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(analytics_bp)
    app.register_blueprint(suggestions_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(account.bp)
    rate_limits.init_app(app)
    api.init_app(app)


def _migrations_dir() -> str:
    """The migrations folder at the project root, wherever the app is started from."""
    from app.config import PROJECT_ROOT

    return str(PROJECT_ROOT / "migrations")
