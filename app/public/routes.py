"""Survey pages: show a survey, take the answers, thank the customer."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError

from app.extensions import csrf, db
from app.i18n import use_language
from app.public import bp
from app.public.forms import build_form_class, parse_started_at, raw_answers
from app.public.render import channel, company_name, survey_page
from app.services.definitions import LoadedVersion, current_version, loaded_version, parse_id, version_for_submission
from app.services.responses import ResponseMeta, record_response, response_exists
from touchloop.answers import check_answers
from touchloop.checks import SLUG_RE

KEY_RE = re.compile(r"[A-Za-z0-9-]{16,64}")


@bp.url_value_preprocessor
def refuse_malformed_slugs(endpoint, values):
    """A slug that no survey could have is a 404 without asking the database."""
    if values and "slug" in values and not SLUG_RE.fullmatch(values["slug"]):
        abort(404)


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
@csrf.exempt  # checked below instead, so that a failed check re-shows the answers
def submit(slug: str):
    """Check the answers; store them once; thank the customer or show what to fix."""
    version = version_for_submission(db.session, slug, request.form.get("version_id")) or abort(404)
    use_language(version.definition.languages)
    form = build_form_class(version.definition.questions, g.lang)()
    if not KEY_RE.fullmatch(form.submission_key.data or ""):
        form.submission_key.data = uuid.uuid4().hex
    refusal = _csrf_refusal()
    if refusal:
        return survey_page(version, form, notice=refusal, status=400)
    checked = check_answers(version.definition.questions, raw_answers(form, version.definition.questions))
    if not checked.ok:
        return survey_page(version, form, errors=checked.errors, status=422)
    try:
        _store_once(version, checked.answers, _meta(form))
    except OperationalError as exc:
        db.session.rollback()
        current_app.logger.error("could not store a response, database unavailable: %s", exc.orig)
        return survey_page(version, form, notice="unavailable", status=503)
    return redirect(url_for("public.thanks", slug=slug, lang=g.lang, v=version.version_id), code=303)


@bp.get("/s/<slug>/thanks")
def thanks(slug: str):
    """The thank-you page, shown after every acknowledged submission."""
    version_id = parse_id(request.args.get("v"))
    version = loaded_version(db.session, version_id) if version_id else None
    if version is None or version.definition.slug != slug:
        version = current_version(db.session, slug) or abort(404)
    use_language(version.definition.languages)
    return render_template(
        "public/thanks.html",
        survey=version.definition,
        company=company_name(),
        lang=g.lang,
        version_id=version.version_id,
    )


def _csrf_refusal() -> str | None:
    """Why the CSRF check failed ("cookies" or "expired"), or None if it passed."""
    try:
        csrf.protect()
    except CSRFError:
        if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
            return "cookies"
        return "expired"
    return None


def _meta(form) -> ResponseMeta:
    """Where and when this response was given."""
    started = parse_started_at(form.started_at.data)
    return ResponseMeta(
        submission_key=form.submission_key.data,
        language=g.lang,
        channel=channel() or "web",
        started_at=datetime.fromtimestamp(started, timezone.utc) if started else None,
    )


def _store_once(version: LoadedVersion, answers: dict, meta: ResponseMeta) -> None:
    """Insert the response unless its submission key is already stored; commit.

    The commit lives here, not in a service, because exactly-once storage is
    decided by the unique key at commit time: a concurrent twin (double click,
    browser retry) that wins the race turns our insert into a no-op.
    """
    if response_exists(db.session, meta.submission_key):
        return
    try:
        record_response(db.session, version, answers, meta)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if not response_exists(db.session, meta.submission_key):
            raise
