"""Targets (quantified goals) and reference levels (industry, ideal): list, add, remove."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, FloatField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.admin import bp
from app.admin.sections import add_section
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import use_language
from app.models import Dimension, Role, Touchpoint
from app.models.targets import Metric, ReferenceKind
from app.services import audit
from app.services.journey import current_journey
from app.services.suggestion_lists import named_choices
from app.services.target_progress import target_progress
from app.services.targets import (
    InvalidEntry,
    ReferenceEntry,
    TargetEntry,
    add_target,
    reference_levels,
    remove_reference_level,
    remove_target,
    set_reference_level,
    targets_in_force,
)
from touchloop.stats import TargetStatus
from touchloop.text import printable

add_section("admin.targets", _l("Targets"), "admin", "manager", "representative")

METRIC_NAMES = {
    Metric.NPS: _l("NPS"),
    Metric.CSAT: _l("CSAT (percent satisfied)"),
    Metric.MEAN: _l("Mean score"),
    Metric.GAP: _l("Mean gap"),
}
STATUS_NAMES = {
    TargetStatus.MET: _l("Met"),
    TargetStatus.NOT_MET: _l("Not met"),
    TargetStatus.NOT_YET_CLEAR: _l("Not yet clear"),
}
KIND_NAMES = {ReferenceKind.INDUSTRY: _l("Industry level"), ReferenceKind.IDEAL: _l("Customers' ideal")}


def _optional_id(value):
    """An empty select option as None, else the chosen id."""
    return int(value) if value not in (None, "", "None") else None


class PlaceForm(FlaskForm):
    """What every entry names: the metric, its value, and where (touchpoint, dimension)."""

    metric = SelectField(
        _l("Metric"),
        choices=[SelectChoice(code, name) for code, name in METRIC_NAMES.items()],
        validators=[InputRequired()],
    )
    value = FloatField(_l("Value"), validators=[InputRequired()])
    touchpoint_id = SelectField(_l("Touchpoint"), coerce=_optional_id, validate_choice=True)
    dimension_id = SelectField(_l("Dimension (mean and gap only)"), coerce=_optional_id, validate_choice=True)


class TargetForm(PlaceForm):
    """A new target."""

    segment = SelectField(_l("Segment"), validate_choice=True)
    period_start = DateField(_l("Start date"), validators=[DataRequired()])
    period_end = DateField(_l("End date (inclusive)"), validators=[DataRequired()])
    note = StringField(
        _l("Note"),
        filters=[lambda text: printable(text).strip() if text else text],
        validators=[Optional(), Length(max=500)],
    )


class ReferenceForm(PlaceForm):
    """A new or replaced industry or ideal level."""

    kind = SelectField(
        _l("Level"),
        choices=[SelectChoice(code, name) for code, name in KIND_NAMES.items()],
        validators=[InputRequired()],
    )
    source = StringField(
        _l("Source (e.g. a study)"),
        filters=[lambda text: printable(text).strip() if text else text],
        validators=[Optional(), Length(max=200)],
    )


@bp.get("/targets")
def targets():
    """Every target and reference level, with the forms to add more."""
    lang = use_language(current_app.config["LANGUAGES"])
    return _page(lang, _prepared(TargetForm(formdata=None), lang), _prepared(ReferenceForm(formdata=None), lang))


@bp.post("/targets")
@require_role(Role.MANAGER)
def add_target_view():
    """Add a target; show every problem next to its field otherwise."""
    lang = use_language(current_app.config["LANGUAGES"])
    form = _prepared(TargetForm(), lang)
    if form.validate_on_submit():
        attribute, _sep, value = (form.segment.data or "").partition("=")
        entry = TargetEntry(
            metric=form.metric.data,
            value=form.value.data,
            period_start=form.period_start.data,
            period_end=form.period_end.data,
            touchpoint_id=form.touchpoint_id.data,
            dimension_id=form.dimension_id.data,
            segment_attribute=attribute or None,
            segment_value=value or None,
            note=form.note.data,
        )
        if _stored(form, lambda: _audited_target(entry)):
            flash(_("Target added."), "success")
            return redirect(url_for("admin.targets"))
    return _page(lang, form, _prepared(ReferenceForm(formdata=None), lang), status=400)


@bp.post("/targets/levels")
@require_role(Role.MANAGER)
def set_level_view():
    """Store an industry or ideal level (replacing the one for the same place)."""
    lang = use_language(current_app.config["LANGUAGES"])
    form = _prepared(ReferenceForm(), lang)
    if form.validate_on_submit():
        entry = ReferenceEntry(
            kind=form.kind.data,
            metric=form.metric.data,
            value=form.value.data,
            touchpoint_id=form.touchpoint_id.data,
            dimension_id=form.dimension_id.data,
            source=form.source.data,
        )
        if _stored(form, lambda: _audited_level(entry)):
            flash(_("Reference level saved."), "success")
            return redirect(url_for("admin.targets"))
    return _page(lang, _prepared(TargetForm(formdata=None), lang), form, status=400)


@bp.post("/targets/<int(max=2147483647):target_id>/remove")
@require_role(Role.MANAGER)
def remove_target_view(target_id: int):
    """Remove a target."""
    _check_csrf()
    if not remove_target(db.session, target_id):
        abort(404)
    audit.record(db.session, "target.removed", current_user, target_id)
    db.session.commit()
    flash(_("Target removed."), "success")
    return redirect(url_for("admin.targets"))


@bp.post("/targets/levels/<int(max=2147483647):level_id>/remove")
@require_role(Role.MANAGER)
def remove_level_view(level_id: int):
    """Remove a reference level."""
    _check_csrf()
    if not remove_reference_level(db.session, level_id):
        abort(404)
    audit.record(db.session, "reference_level.removed", current_user, level_id)
    db.session.commit()
    flash(_("Reference level removed."), "success")
    return redirect(url_for("admin.targets"))


def _audited_target(entry: TargetEntry) -> None:
    """Add the target and its audit entry."""
    target = add_target(db.session, entry, creator=current_user)
    summary = {
        "metric": entry.metric,
        "value": entry.value,
        "from": str(entry.period_start),
        "to": str(entry.period_end),
    }
    summary |= {"touchpoint_id": entry.touchpoint_id, "dimension_id": entry.dimension_id}
    summary |= {"segment": f"{entry.segment_attribute}={entry.segment_value}" if entry.segment_attribute else None}
    audit.record(db.session, "target.added", current_user, target.id, summary=summary)


def _audited_level(entry: ReferenceEntry) -> None:
    """Store the reference level and its audit entry."""
    level = set_reference_level(db.session, entry)
    summary = {"kind": entry.kind, "metric": entry.metric, "value": entry.value}
    summary |= {"touchpoint_id": entry.touchpoint_id, "dimension_id": entry.dimension_id}
    audit.record(db.session, "reference_level.set", current_user, level.id, summary=summary)


def _stored(form: PlaceForm, store) -> bool:
    """Run ``store`` and commit; on InvalidEntry roll back and put each problem on its field."""
    try:
        store()
    except InvalidEntry as invalid:
        db.session.rollback()
        for field, message in invalid.problems:
            form[field if field in form else "metric"].errors = [message]
        return False
    db.session.commit()
    return True


def _check_csrf() -> None:
    """Refuse a removal posted without a valid CSRF token."""
    if not FlaskForm().validate_on_submit():
        abort(400)


def _prepared(form: PlaceForm, lang: str) -> PlaceForm:
    """Fill the select choices that come from the journey."""
    form.touchpoint_id.choices = _with_none(_("Whole journey"), named_choices(db.session, Touchpoint, lang))
    form.dimension_id.choices = _with_none(_("All dimensions"), named_choices(db.session, Dimension, lang))
    if isinstance(form, TargetForm):
        form.segment.choices = [SelectChoice("", _("Every customer"))] + [
            SelectChoice(value, label) for value, label in _segment_choices(lang)
        ]
    return form


def _with_none(label: str, choices: list[tuple[int, str]]) -> list[SelectChoice]:
    """``choices`` as SelectChoices after an empty choice called ``label``."""
    return [SelectChoice(None, label)] + [SelectChoice(value, name) for value, name in choices]


def _segment_choices(lang: str) -> list[tuple[str, str]]:
    """One choice per declared segment value, as ``attribute=value``."""
    journey = current_journey(db.session)
    choices = []
    for segment in journey.segments if journey else ():
        attribute = segment.name.get(lang) or segment.code
        for item in (*segment.values, *segment.bands):
            choices.append((f"{segment.code}={item.code}", f"{attribute}: {item.name.get(lang) or item.code}"))
    return choices


def _page(lang: str, target_form: TargetForm, reference_form: ReferenceForm, status: int = 200):
    """The targets page."""
    segments = dict(_segment_choices(lang))
    targets = targets_in_force(db.session)
    page = render_template(
        "admin/targets.html",
        targets=targets,
        status_names=STATUS_NAMES,
        levels=reference_levels(db.session),
        target_form=target_form,
        reference_form=reference_form,
        metric_names=METRIC_NAMES,
        kind_names=KIND_NAMES,
        segments=segments,
        lang=lang,
        can_edit=current_user.has_role(Role.MANAGER),
        progress=target_progress(db.session, targets),
    )
    return page, status
