"""Survey pages: show a survey, take the answers, thank the customer."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for

from app.extensions import csrf, db
from app.i18n import use_language
from app.public import bp
from app.public.render import company_name, survey_page
from app.public.submission import blank_form, form_meta, receive_answers
from app.services.definitions import current_version, loaded_version, parse_id, version_for_submission
from touchloop.checks import SLUG_RE


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
    return survey_page(version, blank_form(version), blank=True)


@bp.post("/s/<slug>")
@csrf.exempt  # checked in receive_answers instead, so that a failed check re-shows the answers
def submit(slug: str):
    """Check the answers; store them once; thank the customer or show what to fix."""
    version = version_for_submission(db.session, slug, request.form.get("version_id")) or abort(404)
    use_language(version.definition.languages)
    received = receive_answers(version, form_meta)
    if received.page is not None:
        return received.page
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
