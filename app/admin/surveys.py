"""Surveys, for admins and managers: every survey with its versions, a preview of each, loading a changed file."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired

from app.admin import bp
from app.admin.sections import add_section
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import use_language
from app.models import Role
from app.public.render import company_name, question_view
from app.public.submission import blank_form
from app.services import audit
from app.services.definitions import loaded_version
from app.services.journey import current_journey
from app.services.survey_admin import (
    MAX_UPLOAD_BYTES,
    UploadOutcome,
    UploadRefusal,
    install_survey_file,
    survey_overview,
)
from touchloop.expressions import parse
from touchloop.text import printable

add_section("admin.surveys", _l("Surveys"), "admin", "manager")


class SurveyUploadForm(FlaskForm):
    """A changed (or new) survey definition file."""

    file = FileField(
        _l("Survey file (YAML)"),
        validators=[
            FileRequired(_l("Choose a survey file.")),
            FileAllowed(["yaml", "yml"], _l("Choose a .yaml file.")),
        ],
    )


@bp.get("/surveys")
@require_role(Role.MANAGER)
def surveys():
    """Every survey with its versions; admins also get the form to load a changed file."""
    use_language(current_app.config["LANGUAGES"])
    return _page(SurveyUploadForm(formdata=None))


@bp.post("/surveys/upload")
@require_role(Role.ADMIN)
def survey_upload():
    """Check an uploaded survey file as ``flask surveys validate`` does; if valid, load and keep it."""
    use_language(current_app.config["LANGUAGES"])
    form = SurveyUploadForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    upload = form.file.data
    name = printable(Path((upload.filename or "").replace("\\", "/")).name)[:100] or "survey.yaml"
    content = upload.stream.read(MAX_UPLOAD_BYTES + 1)
    outcome = install_survey_file(db.session, Path(current_app.config["SURVEYS_DIR"]), name, content)
    if outcome.refused:
        db.session.rollback()
        return _page(form, outcome=outcome, status=422)
    summary = {"file": outcome.saved_as, "status": outcome.status, "version": outcome.version}
    audit.record(db.session, "survey.loaded", current_user, outcome.slug, summary=summary)
    db.session.commit()
    current_app.logger.info(
        "user %s loaded %s: %s v%s", current_user.id, outcome.saved_as, outcome.status, outcome.version
    )
    flash(_loaded_message(outcome), "success")
    return redirect(url_for("admin.surveys"), code=303)


@bp.get("/surveys/versions/<int(max=2147483647):version_id>/preview")
@require_role(Role.MANAGER)
def survey_preview(version_id: int):
    """One version as customers get it, in the chosen language, read-only: its form cannot be sent."""
    version = loaded_version(db.session, version_id) or abort(404)
    definition = version.definition
    use_language(definition.languages)
    form = blank_form(version)
    return render_template(
        "admin/survey_preview.html",
        survey=definition,
        version=version,
        company=company_name(),
        form=form,
        questions=[question_view(q, n, form, {}) for n, q in enumerate(definition.questions, start=1)],
        source=None,
        lang=g.lang,
        # The same page customers get; this address takes no POST, and the form is disabled besides.
        action=url_for("admin.survey_preview", version_id=version_id),
        switcher=("admin.survey_preview", {"version_id": version_id}),
        notice=None,
        conditions={q.id: parse(q.show_if).to_json() for q in definition.questions if q.show_if},
    )


def _page(form: SurveyUploadForm, *, outcome: UploadOutcome | None = None, status: int = 200):
    """The surveys page, with what became of an upload when there was one."""
    journey = current_journey(db.session)
    return render_template(
        "admin/surveys.html",
        entries=survey_overview(db.session, g.lang),
        journey_languages=journey.languages if journey else current_app.config["LANGUAGES"],
        form=form,
        can_upload=current_user.has_role(Role.ADMIN),
        outcome=outcome,
        refusal=_refusal_message(outcome) if outcome and outcome.refusal else None,
        max_kb=MAX_UPLOAD_BYTES // 1024,
    ), status


def _refusal_message(outcome: UploadOutcome) -> str:
    """The page's words for a file refused as a whole."""
    details = outcome.details
    messages = {
        UploadRefusal.EMPTY: lambda: _("The file is empty."),
        UploadRefusal.TOO_LARGE: lambda: _(
            "The file is larger than %(limit)s KB; a survey file has a few KB.", limit=details.get("limit", "")
        ),
        UploadRefusal.NOT_WRITABLE: lambda: _(
            "The surveys folder on the server cannot be written to (%(error)s). Nothing was loaded.",
            error=details.get("error", ""),
        ),
        UploadRefusal.NOT_A_SURVEY: lambda: _("This is not a survey file (it declares no survey)."),
        UploadRefusal.SLUG_IN_SEVERAL_FILES: lambda: _(
            "Survey “%(slug)s” is declared by several files in the surveys folder (%(files)s); tidy the folder first.",
            slug=outcome.slug,
            files=details.get("files", ""),
        ),
        UploadRefusal.NAME_TAKEN: lambda: _(
            "%(file)s in the surveys folder holds another survey; give this survey another slug.",
            file=details.get("file", ""),
        ),
        UploadRefusal.LOADED_MEANWHILE: lambda: _(
            "Someone loaded this survey at the same moment; please upload the file again."
        ),
    }
    return messages[outcome.refusal]()


def _loaded_message(outcome: UploadOutcome) -> str:
    """What loading the file did, as ``flask surveys load`` says it."""
    if outcome.status == "created":
        return _("%(slug)s: created (version 1), saved as %(file)s.", slug=outcome.slug, file=outcome.saved_as)
    if outcome.status == "changed":
        return _(
            "%(slug)s: changed, now version %(number)d, saved as %(file)s.",
            slug=outcome.slug,
            number=outcome.version,
            file=outcome.saved_as,
        )
    return _(
        "%(slug)s: unchanged (still version %(number)d); nothing new was loaded.",
        slug=outcome.slug,
        number=outcome.version or 0,
    )
