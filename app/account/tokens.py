"""API tokens on the user's page: make one (its secret shown once), see them all, revoke one."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.account import bp
from app.admin.sections import add_section
from app.extensions import db
from app.i18n import use_language
from app.models.types import utcnow
from app.services import audit
from app.services.api_tokens import (
    EVERYONE,
    NAME_MAX_LENGTH,
    TokenRefused,
    create_token,
    revoke_token,
    scopes_for,
    tokens_of,
)

add_section("account.tokens", _l("API tokens"), *EVERYONE)

SCOPE_LABELS = {
    "surveys:read": _l("Read survey definitions"),
    "responses:write": _l("Submit responses (kiosks and apps)"),
    "responses:read": _l("Read responses and their answers"),
    "customers:write": _l("Create and update customers"),
    "invitations:write": _l("Create invitations and read their links"),
    "suggestions:read": _l("Read suggestions"),
    "suggestions:write": _l("Move suggestions through their states"),
    "cases:read": _l("Read follow-up cases"),
    "cases:write": _l("Move follow-up cases through their states"),
    "stats:read": _l("Read statistics"),
}


class CheckboxesField(SelectMultipleField):
    """Several choices, shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TokenForm(FlaskForm):
    """A new token: a name to recognise it by, and what it may do."""

    name = StringField(
        _l("Name (e.g. the kiosk or system that will use it)"),
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
        validators=[DataRequired(), Length(max=NAME_MAX_LENGTH)],
    )
    scopes = CheckboxesField(_l("What it may do"), validators=[DataRequired(_l("Choose at least one."))])


class RevokeForm(FlaskForm):
    """Revoking a token: a POST with the CSRF token and nothing else."""


@bp.route("/tokens", methods=["GET", "POST"])
def tokens():
    """The user's tokens and a form for a new one; a new token's secret is shown on this page once."""
    use_language(current_app.config["LANGUAGES"])
    form = TokenForm()
    form.scopes.choices = [(scope, SCOPE_LABELS[scope]) for scope in scopes_for(current_user)]
    if not form.validate_on_submit():
        return _page(form, status=400 if request.method == "POST" else 200)
    try:
        token, secret = create_token(db.session, current_user, form.name.data, form.scopes.data, now=utcnow())
    except TokenRefused as refused:
        db.session.rollback()
        return _page(form, problems=refused.reasons, status=400)
    summary = {"name": token.name, "prefix": token.prefix, "scopes": list(token.scopes)}
    audit.record(db.session, "api_token.created", current_user, token.id, summary=summary)
    db.session.commit()
    return _page(TokenForm(formdata=None), secret=secret, made=token.name, status=201)


@bp.post("/tokens/<int(max=2147483647):token_id>/revoke")
def revoke(token_id: int):
    """Stop one of the user's tokens from working, at once."""
    use_language(current_app.config["LANGUAGES"])
    if not RevokeForm().validate_on_submit():
        abort(400)
    if not revoke_token(db.session, current_user.id, token_id, now=utcnow()):
        abort(404)
    audit.record(db.session, "api_token.revoked", current_user, token_id)
    db.session.commit()
    flash(_("The token was revoked; programs using it are refused from now on."), "success")
    return redirect(url_for("account.tokens"), code=303)


def _page(form: TokenForm, *, secret: str | None = None, made: str | None = None, problems=(), status: int = 200):
    """The tokens page; never cached, as it may show a secret."""
    form.scopes.choices = [(scope, SCOPE_LABELS[scope]) for scope in scopes_for(current_user)]
    body = render_template(
        "account/tokens.html",
        form=form,
        revoke_form=RevokeForm(),
        tokens=tokens_of(db.session, current_user.id),
        labels=SCOPE_LABELS,
        secret=secret,
        made=made,
        problems=problems,
    )
    return body, status, {"Cache-Control": "no-store"}
