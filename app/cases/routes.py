"""The case queue and the case page: parse, call a service, render or redirect."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.admin.sections import add_section
from app.cases import bp
from app.cases.states import state_name
from app.extensions import db
from app.i18n import use_language
from app.models import FollowUpCase, Response
from app.models.types import utcnow
from app.refusals import say_refusals
from app.services.case_views import case_queues, case_view, may_see, suggest_from_case
from app.services.cases import CaseChangedMeanwhile, CaseTransitionRefused, advance_case
from app.services.definitions import parse_id
from app.services.evidence import response_view, visible_responses
from app.services.survey_titles import in_language

add_section("cases.queue", _l("Cases"), "representative", "owner", "manager")


@bp.get("/")
def queue():
    """My open cases, then my wider queue; overdue first."""
    lang = use_language(current_app.config["LANGUAGES"])
    mine, wider = case_queues(db.session, current_user, lang, utcnow())
    return render_template("cases/queue.html", mine=mine, wider=wider)


@bp.get("/<int(max=2147483647):case_id>")
def case(case_id: int):
    """One case: the customer's answers, the timeline, and the steps this user may take."""
    return _render_case(_visible_case(case_id))


@bp.post("/<int(max=2147483647):case_id>")
def advance(case_id: int):
    """Move the case one step; a refusal or a lost race changes nothing and says why."""
    found = _visible_case(case_id)
    form = request.form
    try:
        advance_case(
            db.session,
            found.id,
            form.get("target", ""),
            actor=current_user,
            note=form.get("note"),
            root_cause=form.get("root_cause"),
            expected_version=parse_id(form.get("expected_version")),
        )
    except CaseTransitionRefused as refused:
        db.session.rollback()
        return _render_case(found, status=422, problems=say_refusals(refused.reasons, state_name))
    except CaseChangedMeanwhile as changed:
        db.session.rollback()
        now = state_name(changed.state)
        message = _("This case was changed by someone else meanwhile; it is now %(state)s.", state=now)
        return _render_case(db.session.get(FollowUpCase, case_id), status=409, problems=[message])
    db.session.commit()
    flash(_("The case is now %(state)s.", state=state_name(found.state)), "success")
    return redirect(url_for("cases.case", case_id=found.id))


@bp.post("/<int(max=2147483647):case_id>/suggestion")
def suggest(case_id: int):
    """Turn the case into an improvement suggestion, linked both ways, and go to it."""
    found = _visible_case(case_id)
    lang = use_language(current_app.config["LANGUAGES"])
    title = in_language(found.title, lang, found.rule_id)
    description = _("Grew out of follow-up case #%(id)d (%(title)s).", id=found.id, title=title)
    suggestion = suggest_from_case(db.session, found, actor=current_user, title=title, description=description)
    db.session.commit()
    return redirect(f"/suggestions/{suggestion.id}")


@bp.get("/responses/<int(max=2147483647):response_id>")
def response(response_id: int):
    """One response, read-only, with the cases it opened: where the evidence links of suggestions lead."""
    found = db.session.get(Response, response_id) or abort(404)
    if not visible_responses(db.session, current_user, [found.id]):
        abort(403)
    lang = use_language(current_app.config["LANGUAGES"])
    view = response_view(db.session, found, current_user, lang)
    return render_template("cases/response.html", view=view)


def _visible_case(case_id: int) -> FollowUpCase:
    """The case, or 404 if there is none and 403 if this user has no role for it."""
    found = db.session.get(FollowUpCase, case_id) or abort(404)
    if not may_see(current_user, found):
        abort(403)
    return found


def _render_case(found: FollowUpCase, *, status: int = 200, problems: list[str] | None = None):
    """The case page, with ``problems`` above the form."""
    lang = use_language(current_app.config["LANGUAGES"])
    view = case_view(db.session, found, current_user, lang, utcnow())
    return render_template("cases/case.html", view=view, problems=problems or [], form=request.form), status
