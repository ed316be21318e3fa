"""Lists of suggestions: mine, an owner's queue, and the board of all open items with filters."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.admin.sections import add_section
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import use_language
from app.models import Department, Role, Touchpoint
from app.models.types import utcnow
from app.services.definitions import parse_id
from app.services.suggestion_lists import (
    BoardFilter,
    board,
    followed_suggestions,
    my_suggestions,
    named_choices,
    owner_queue,
)
from app.suggestions import bp
from app.suggestions.forms import STATE_NAMES
from app.suggestions.pages import EVERYONE
from touchloop.suggestion_flow import OPEN_STATES, State

add_section("suggestions.mine", _l("My suggestions"), *EVERYONE)
add_section("suggestions.queue", _l("My queue"), Role.OWNER)
add_section("suggestions.board", _l("Suggestion board"), Role.REPRESENTATIVE, Role.MANAGER)


@bp.get("/mine")
@require_role(*EVERYONE)
def mine():
    """The signed-in user's suggestions, and those they follow, and where each stands."""
    lang = use_language(current_app.config["LANGUAGES"])
    today = utcnow().date()
    rows = my_suggestions(db.session, current_user.id, lang, today)
    followed = followed_suggestions(db.session, current_user.id, lang, today)
    return render_template("suggestions/mine.html", rows=rows, followed=followed, states=STATE_NAMES)


@bp.get("/queue")
@require_role(Role.OWNER)
def queue():
    """The open suggestions the signed-in user owns, overdue first, then by due date."""
    lang = use_language(current_app.config["LANGUAGES"])
    rows = owner_queue(db.session, current_user.id, lang, utcnow().date())
    return render_template("suggestions/queue.html", rows=rows, states=STATE_NAMES)


@bp.get("/board", endpoint="board")
@require_role(Role.REPRESENTATIVE, Role.MANAGER)
def board_page():
    """All open suggestions by state and department, overdue first, filtered by the GET form."""
    lang = use_language(current_app.config["LANGUAGES"])
    departments = named_choices(db.session, Department, lang)
    touchpoints = named_choices(db.session, Touchpoint, lang)
    state = request.args.get("state", "")
    wanted = BoardFilter(
        state=state if state in OPEN_STATES else None,
        department_id=_chosen(request.args.get("department"), departments),
        touchpoint_id=_chosen(request.args.get("touchpoint"), touchpoints),
    )
    return render_template(
        "suggestions/board.html",
        groups=board(db.session, wanted, lang, utcnow().date()),
        wanted=wanted,
        open_states=[s for s in State if s in OPEN_STATES],
        departments=departments,
        touchpoints=touchpoints,
        states=STATE_NAMES,
    )


def _chosen(value: str | None, choices: list[tuple[int, str]]) -> int | None:
    """The id chosen in a filter if it is one of ``choices``, else None (all)."""
    chosen = parse_id(value)
    return chosen if chosen in dict(choices) else None
