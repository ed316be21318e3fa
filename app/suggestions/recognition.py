"""Recognition: employees and departments ranked by the suggestions implemented and verified in a period."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l

from app.admin.sections import add_section
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import use_language
from app.models.types import utcnow
from app.services.recognition import recognition
from app.suggestions import bp
from app.suggestions.pages import EVERYONE
from app.suggestions.scorecards import period

add_section("suggestions.recognition", _l("Recognition"), *EVERYONE)


@bp.get("/recognition", endpoint="recognition")
@require_role(*EVERYONE)
def recognition_page():
    """The two rankings over the period chosen in the GET form (default: the last 90 days)."""
    lang = use_language(current_app.config["LANGUAGES"])
    start, end = period(request.args.get("start"), request.args.get("end"), utcnow().date())
    ranking = recognition(db.session, start=start, end=end, lang=lang)
    return render_template("suggestions/recognition.html", ranking=ranking, start=start, end=end)
