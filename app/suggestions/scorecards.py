"""Department scorecards: open, overdue, closure rate, days to close, cases within deadline, time in each state."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l

from app.admin.sections import add_section
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import use_language
from app.models import Role
from app.models.types import utcnow
from app.services.scorecards import department_scorecards
from app.suggestions import bp
from app.suggestions.forms import STATE_NAMES

DEFAULT_DAYS = 90  # the period shown when none is chosen: the last 90 days, today included

add_section("suggestions.scorecards", _l("Department scorecards"), Role.REPRESENTATIVE, Role.MANAGER)


@bp.get("/scorecards")
@require_role(Role.REPRESENTATIVE, Role.MANAGER)
def scorecards():
    """Every department's scorecard over the period chosen in the GET form (default: the last 90 days)."""
    lang = use_language(current_app.config["LANGUAGES"])
    today = utcnow().date()
    start, end = period(request.args.get("start"), request.args.get("end"), today)
    cards = department_scorecards(db.session, start=start, end=end, today=today, lang=lang)
    return render_template("suggestions/scorecards.html", cards=cards, start=start, end=end, states=STATE_NAMES)


def period(start: str | None, end: str | None, today: date) -> tuple[date, date]:
    """The chosen ``(start, end)``; a missing or unreadable end is today, a start the 90 days before it."""
    last = _date(end) or today
    first = _date(start) or last - timedelta(days=DEFAULT_DAYS - 1)
    return (first, last) if first <= last else (last, first)


def _date(value: str | None) -> date | None:
    """``value`` as an ISO date, or None."""
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None
