"""Error pages: JSON for API clients, friendly HTML for people; never a bare 500."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from app.extensions import db


def wants_json() -> bool:
    """True when the client asked for JSON rather than a page."""
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
    )


def error_response(status: int, title: str, detail: str = ""):
    """One error, as problem-details JSON or as a page."""
    if wants_json():
        return {"type": "about:blank", "title": title, "status": status, "detail": detail}, status
    return render_template("error.html", status=status, title=title, detail=detail), status


def _http_texts() -> dict[int, tuple[str, str]]:
    """Titles and explanations of the HTTP errors people meet, translated."""
    return {
        400: (_("This request could not be understood"), _("Please go back and try again.")),
        403: (_("You do not have access to this page"), _("Ask an administrator if you need it.")),
        404: (_("We could not find that page"), _("The link may be old or mistyped.")),
        405: (_("That action is not allowed here"), _("Please go back and try again.")),
        413: (_("That upload is too large"), _("Please send a smaller file.")),
        429: (_("Too many requests"), _("Please wait a moment and try again.")),
    }


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        """Every HTTP error gets the house page in the visitor's language."""
        title, detail = _http_texts().get(exc.code or 500, (exc.name, exc.description or ""))
        return error_response(exc.code or 500, title, detail)

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        """The database could not be reached: ask the visitor to try again shortly."""
        db.session.rollback()
        app.logger.error("database unavailable: %s", exc.orig)
        return error_response(
            503, _("We are having a moment"), _("Our service is briefly unavailable. Please try again in a minute.")
        )

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        """Anything else: log it and show a calm page, never a stack trace."""
        if isinstance(exc, HTTPException):
            return http_error(exc)
        app.logger.exception("unexpected error")
        db.session.rollback()
        return error_response(500, _("Something went wrong"), _("The problem has been logged. Please try again."))
