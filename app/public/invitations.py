"""Personal invitation links (/i/<token>) and opting out of survey e-mails (/o/<token>)."""

from __future__ import annotations

from functools import partial

from flask import abort, current_app, g, make_response, redirect, render_template, request, url_for
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from app.extensions import csrf, db
from app.i18n import use_language
from app.models import Customer, Invitation
from app.models.types import utcnow
from app.public import bp
from app.public.render import channel, company_name, survey_page
from app.public.submission import Stored, blank_form, form_class, form_meta, receive_answers
from app.services.definitions import LoadedVersion, loaded_version, parse_id, version_for_submission
from app.services.invitations import find_invitation, is_answered, is_expired, mark_opened, opt_out
from app.services.links import customer_id_from_opt_out_token, public_id_from_token


@bp.get("/i/<token>")
def invitation(token: str):
    """Show the invited customer the survey (newest version), noting the first time the link is opened."""
    found, version = _open(token)
    mark_opened(db.session, found.id, utcnow())
    db.session.commit()
    return survey_page(version, blank_form(version), blank=True, **_links(token))


@bp.post("/i/<token>")
@csrf.exempt  # checked in receive_answers instead, so that a failed check re-shows the answers
def invitation_submit(token: str):
    """Store the invited customer's answers once, with their segments; thank them."""
    try:
        found, version = _open(token, request.form.get("version_id"))
    except OperationalError as exc:
        return _unavailable(token, exc)
    meta_for = partial(form_meta, default_channel="email", customer_id=found.customer_id, invitation_id=found.id)
    received = receive_answers(version, meta_for, **_links(token))
    if received.page is not None:
        return received.page
    if received.stored is Stored.ANSWERED_BEFORE:  # another browser or request was first
        return _page("public/invitation_answered.html", 200, version)
    return redirect(url_for("public.thanks", slug=version.definition.slug, lang=g.lang, v=version.version_id), code=303)


@bp.get("/o/<token>")
def opt_out_page(token: str):
    """Ask the customer to confirm they want no more survey e-mails (a GET changes nothing)."""
    customer = _customer(token)
    return render_template(
        "public/invitation_opt_out.html",
        done=customer.opted_out_at is not None,
        token=token,
        company=company_name(),
        lang=g.lang,
    )


@bp.post("/o/<token>")
def opt_out_confirm(token: str):
    """Stop survey e-mails to the customer."""
    customer = _customer(token)
    opt_out(db.session, customer.id, utcnow())
    db.session.commit()
    return redirect(url_for("public.opt_out_page", token=token, lang=g.lang), code=303)


def _open(token: str, version_id: str | None = None) -> tuple[Invitation, LoadedVersion]:
    """The invitation and survey version a link leads to; otherwise aborts with the page that says why."""
    found = find_invitation(db.session, public_id_from_token(token))
    version = version_for_submission(db.session, found.survey.slug, version_id) if found else None
    if found is None or version is None:
        use_language(current_app.config["LANGUAGES"])
        abort(_page("public/invitation_invalid.html", 404))
    use_language(version.definition.languages)
    if is_answered(db.session, found.id):
        abort(_page("public/invitation_answered.html", 200, version))
    if is_expired(found, utcnow()):
        abort(_page("public/invitation_expired.html", 410, version))
    return found, version


def _unavailable(token: str, outage: OperationalError):
    """The database is down: show the posted answers again, to be submitted in a moment."""
    db.session.rollback()
    version_id = parse_id(request.form.get("version_id"))
    try:
        version = loaded_version(db.session, version_id) if version_id and public_id_from_token(token) else None
    except SQLAlchemyError:
        db.session.rollback()
        version = None
    if version is None:
        raise outage  # nothing to show the answers with: the general "try again in a minute" page
    use_language(version.definition.languages)
    form = form_class(version, g.lang)()
    return survey_page(version, form, notice="unavailable", status=503, **_links(token))


def _customer(token: str) -> Customer:
    """The customer an opt-out link names; otherwise aborts with the "not valid" page."""
    use_language(current_app.config["LANGUAGES"])
    customer_id = customer_id_from_opt_out_token(token)
    customer = db.session.get(Customer, customer_id) if customer_id else None
    if customer is None:
        abort(_page("public/invitation_invalid.html", 404))
    return customer


def _links(token: str) -> dict:
    """Where the invitation's survey form posts, and where its language links go."""
    source = channel()
    return {
        "action": url_for("public.invitation_submit", token=token, lang=g.lang, src=source),
        "switcher": ("public.invitation", {"token": token, "src": source}),
    }


def _page(template: str, status: int, version: LoadedVersion | None = None):
    """A message page about an invitation, as a response."""
    body = render_template(
        template, survey=version.definition if version else None, company=company_name(), lang=g.lang
    )
    return make_response(body, status)
