"""Submitting a suggestion, and one suggestion's page with its timeline and the steps this user may take."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.admin.sections import add_section
from app.analytics.impact_pages import impact_words
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import use_language
from app.models import Dimension, Role, Suggestion, Touchpoint
from app.models.types import utcnow
from app.refusals import say_refusals
from app.services.evidence import check_references, read_references
from app.services.impact import suggestion_impact
from app.services.suggestion_details import actions_for, can_view, evidence_of, timeline_entries
from app.services.suggestion_lists import named_choices, owner_choices
from app.services.suggestions import (
    ChangedMeanwhile,
    Evidence,
    TransitionRefused,
    advance_suggestion,
    submit_suggestion,
)
from app.suggestions import bp
from app.suggestions.forms import STATE_NAMES, ActionForm, SuggestionForm, state_name
from touchloop.suggestion_flow import is_overdue

EVERYONE = (Role.STAFF, Role.OWNER, Role.REPRESENTATIVE, Role.MANAGER)
add_section("suggestions.new", _l("Suggest an improvement"), *EVERYONE)


@bp.route("/new", methods=["GET", "POST"])
@require_role(*EVERYONE)
def new():
    """A short form for a new suggestion; on success, the suggestion's page."""
    lang = use_language(current_app.config["LANGUAGES"])
    form = SuggestionForm()
    nothing = [(None, "—")]
    form.touchpoint.choices = nothing + named_choices(db.session, Touchpoint, lang)
    form.dimension.choices = nothing + named_choices(db.session, Dimension, lang)
    evidence = _checked_evidence(form) if form.validate_on_submit() else None
    if evidence is None:
        status = 400 if request.method == "POST" else 200
        return render_template("suggestions/new.html", form=form), status
    suggestion = submit_suggestion(
        db.session,
        submitter=current_user,
        title=form.title.data,
        description=form.description.data,
        touchpoint_id=form.touchpoint.data,
        dimension_id=form.dimension.data,
        expected_benefit=form.expected_benefit.data or None,
        evidence=evidence,
    )
    db.session.commit()
    flash(_("Thank you. Your suggestion #%(id)d was submitted.", id=suggestion.id), "success")
    return redirect(url_for("suggestions.detail", suggestion_id=suggestion.id))


def _checked_evidence(form: SuggestionForm) -> list[Evidence] | None:
    """The evidence typed on the form if every reference exists and is visible; else None, with a message each."""
    evidence, refused = read_references(form.evidence.data)
    refused += check_references(db.session, current_user, evidence)
    if refused:
        form.evidence.errors = say_refusals(refused, state_name)
        return None
    return evidence


@bp.route("/<int(max=2147483647):suggestion_id>", methods=["GET", "POST"])
@require_role(*EVERYONE)
def detail(suggestion_id: int):
    """A suggestion's details, evidence and timeline; a POST takes one step."""
    suggestion = db.session.get(Suggestion, suggestion_id) or abort(404)
    if not can_view(current_user, suggestion):
        abort(403)
    if request.method == "GET":
        return _detail_page(suggestion)
    form = ActionForm()
    form.owner_id.choices = [(None, "—")] + owner_choices(db.session)
    if not form.validate_on_submit():
        return _detail_page(suggestion, problems=_form_problems(form), status=400)
    try:
        advance_suggestion(
            db.session,
            suggestion_id,
            form.target.data,
            actor=current_user,
            note=form.note.data or None,
            owner_id=form.owner_id.data,
            due_date=form.due_date.data,
            merge_into_id=form.merge_into_id.data,
            expected_version=form.expected_version.data,
        )
    except TransitionRefused as refused:
        db.session.rollback()
        problems = say_refusals(refused.reasons, state_name)
        return _detail_page(db.session.get(Suggestion, suggestion_id), problems=problems, status=422)
    except ChangedMeanwhile:
        db.session.rollback()
        changed = [_("Changed by someone else meanwhile; here is the new state.")]
        return _detail_page(db.session.get(Suggestion, suggestion_id), problems=changed, status=409)
    db.session.commit()
    flash(_("Saved: the suggestion is now “%(state)s”.", state=state_name(suggestion.state)), "success")
    return redirect(url_for("suggestions.detail", suggestion_id=suggestion_id))


def _form_problems(form: ActionForm) -> list[str]:
    """The form's field errors (and a missing CSRF token) as plain messages."""
    return [f"{getattr(form[name].label, 'text', name)}: {errors[0]}" for name, errors in form.errors.items()]


def _detail_page(suggestion: Suggestion, *, problems: list[str] = (), status: int = 200):
    """Render a suggestion's page with ``problems`` shown above the actions."""
    return render_template(
        "suggestions/detail.html",
        impact=suggestion_impact(db.session, suggestion.id, today=utcnow().date()),
        sees_figures=current_user.has_role(Role.REPRESENTATIVE, Role.MANAGER),
        **impact_words(),
        suggestion=suggestion,
        overdue=is_overdue(suggestion.state, suggestion.due_date, utcnow().date()),
        evidence=evidence_of(db.session, suggestion.id, current_user, use_language(current_app.config["LANGUAGES"])),
        entries=timeline_entries(db.session, suggestion.id),
        actions=actions_for(current_user, suggestion),
        owners=owner_choices(db.session),
        problems=problems,
        states=STATE_NAMES,
    ), status
