"""/healthz: is the app up, and can it reach its database?"""

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 with the database status, or 503 with the reason it is down."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        # The details (host, user) go to the log, not to whoever asks.
        current_app.logger.warning("health check: database unreachable: %s", exc)
        reason = f"cannot reach the database ({type(exc).__name__})"
        return {"status": "error", "database": "unreachable", "reason": reason}, 503
    finally:
        db.session.remove()
    return {"status": "ok", "database": "ok"}
