"""Error pages: JSON for API clients, friendly HTML for people; never a bare 500."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from app.api.problems import http_problem, is_api_request
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
    }


def too_many_requests():
    """The 429 page (sign-in attempts get their own words), with Retry-After in seconds."""
    seconds = g.get("retry_after", 60)
    if request.endpoint == "auth.login":
        title = _("Too many sign-in attempts")
        detail = _(
            "To protect the accounts, signing in from here is paused after several failed attempts. "
            "Please try again in %(seconds)d seconds.",
            seconds=seconds,
        )
    else:
        title = _("Too many requests")
        detail = _("Please wait %(seconds)d seconds and try again.", seconds=seconds)
    body, status = error_response(429, title, detail)
    return body, status, {"Retry-After": str(seconds)}


def csrf_refused(exc: CSRFError):
    """A form sent without this site's valid CSRF token: refused with what to do, and nothing changed."""
    if is_api_request():
        return http_problem(exc)
    title = _("This form could not be accepted")
    detail = _(
        "Its security token was missing, wrong or out of date (did the page stay open a long while, or "
        "come from another site?). Nothing was changed. Please go back, reload the page and send it again."
    )
    return error_response(400, title, detail)


def end_session(exc: BaseException | None = None) -> None:
    """Close the request's database session; a connection the database cut meanwhile is only logged.

    A restarting PostgreSQL ends every connection, also one a request still holds
    after its last query: closing the session then fails on its ROLLBACK, after the
    response was built, and would reach the visitor as a bare 500. Runs before
    Flask-SQLAlchemy's own teardown (registered later, called earlier), which then
    finds nothing left to close.
    """
    try:
        db.session.remove()
    except SQLAlchemyError as error:
        current_app.logger.warning("database connection lost after the response was ready: %s", error)
        db.session.remove()  # the dead connection is invalidated now: this close cannot meet it again


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.teardown_appcontext(end_session)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        """Every HTTP error gets the house page in the visitor's language (problem details under /api/)."""
        if is_api_request():
            return http_problem(exc)
        if exc.code == 429:
            return too_many_requests()
        title, detail = _http_texts().get(exc.code or 500, (exc.name, exc.description or ""))
        return error_response(exc.code or 500, title, detail)

    app.register_error_handler(CSRFError, csrf_refused)

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        """The database could not be reached: ask the visitor to try again shortly."""
        db.session.rollback()
        app.logger.error("database unavailable: %s", exc.orig)
        if is_api_request():
            return http_problem(ServiceUnavailable())
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
        if is_api_request():
            return http_problem(InternalServerError())
        return error_response(500, _("Something went wrong"), _("The problem has been logged. Please try again."))
