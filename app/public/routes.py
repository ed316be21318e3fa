"""Survey pages: show a survey, take the answers, thank the customer."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

from flask import abort, current_app, g, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError, OperationalError

from app.extensions import csrf, db
from app.i18n import use_language
from app.public import bp
from app.public.forms import build_form_class, parse_started_at, raw_answers
from app.public.render import survey_page
from app.services.definitions import current_version, loaded_version, version_for_submission
from app.services.responses import ResponseMeta, record_response, response_exists
from touchloop.answers import check_answers

KEY_RE = re.compile(r"^[A-Za-z0-9-]{16,64}$")
SOURCE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@bp.get("/s/<slug>")
def survey(slug: str):
    """Show the newest version of a survey, in the customer's language."""
    version = current_version(db.session, slug) or abort(404)
    use_language(version.definition.languages)
    form = build_form_class(version.definition.questions, g.lang)(formdata=None)
    form.submission_key.data = uuid.uuid4().hex
    form.version_id.data = str(version.version_id)
    form.started_at.data = str(int(datetime.now(timezone.utc).timestamp()))
    return survey_page(version, form)


@bp.post("/s/<slug>")
@csrf.exempt  # checked by the form itself, so a failed check re-shows the answers
def submit(slug: str):
    """Check the answers; store them once; thank the customer or show what to fix."""
    version = version_for_submission(db.session, slug, request.form.get("version_id")) or abort(404)
    use_language(version.definition.languages)
    form = build_form_class(version.definition.questions, g.lang)()
    key = form.submission_key.data or ""
    if not KEY_RE.match(key):
        form.submission_key.data = uuid.uuid4().hex
    form.validate()  # parses every field; only the CSRF check can fail here
    if form.csrf_token.errors:
        return survey_page(version, form, notice="expired", status=400)
    checked = check_answers(version.definition.questions, raw_answers(form, version.definition.questions))
    if not checked.ok:
        return survey_page(version, form, errors=checked.errors, status=422)
    started = parse_started_at(form.started_at.data)
    meta = ResponseMeta(submission_key=form.submission_key.data, language=g.lang, channel=_channel(),
                        started_at=datetime.fromtimestamp(started, timezone.utc) if started else None)
    try:
        _store_once(version, checked.answers, meta)
    except OperationalError as exc:
        db.session.rollback()
        current_app.logger.error("could not store a response, database unavailable: %s", exc.orig)
        return survey_page(version, form, notice="unavailable", status=503)
    return redirect(url_for("public.thanks", slug=slug, lang=g.lang, v=version.version_id), code=303)


@bp.get("/s/<slug>/thanks")
def thanks(slug: str):
    """The thank-you page, shown after every acknowledged submission."""
    version_id = request.args.get("v", "")
    version = loaded_version(db.session, int(version_id)) if version_id.isdigit() else None
    if version is None or version.definition.slug != slug:
        version = current_version(db.session, slug) or abort(404)
    use_language(version.definition.languages)
    return render_template("public/thanks.html", survey=version.definition, company=version.company, lang=g.lang)


def _store_once(version, answers, meta: ResponseMeta) -> None:
    """Insert the response unless its submission key is already stored; commit."""
    if response_exists(db.session, meta.submission_key):
        return
    try:
        record_response(db.session, version, answers, meta)
        db.session.commit()
    except IntegrityError:
        # A concurrent twin (double click, retry) won the race on the unique key.
        db.session.rollback()
        if not response_exists(db.session, meta.submission_key):
            raise


def _channel() -> str:
    """Where the response came from: the ``src`` tag of the link, or ``web``."""
    source = request.args.get("src", "")
    return source if SOURCE_RE.match(source) else "web"
