"""Sign in and sign out."""

from __future__ import annotations

import secrets
from functools import cache
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from app.auth import bp
from app.extensions import db
from app.models import Role, User, people


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form; sign in and go where the user was heading."""
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == form.email.data.strip().lower()))
        if user is None:
            # As slow as a wrong password, so the answer's timing does not tell which e-mails have accounts.
            check_password_hash(_unknown_account_hash(), form.password.data)
        elif user.check_password(form.password.data) and user.active:  # a deactivated account costs the same
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("That e-mail and password do not match an active account."), "error")
    elif current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("auth.home"))
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else 400


@bp.get("/home")
def home():
    """Each person's starting page: the admin overview, an owner's queue, or one's own suggestions."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.has_role(Role.MANAGER, Role.REPRESENTATIVE):
        return redirect(url_for("admin.home"))
    if current_user.has_role(Role.OWNER) and "suggestions.queue" in current_app.view_functions:
        return redirect(url_for("suggestions.queue"))
    if "suggestions.mine" in current_app.view_functions:
        return redirect(url_for("suggestions.mine"))
    return redirect(url_for("admin.home"))


@bp.post("/logout")
def logout():
    """Sign out (a POST with the CSRF token, so no link can sign anyone out)."""
    logout_user()
    return redirect(url_for("auth.login"))


@cache
def _unknown_account_hash() -> str:
    """A hash of a random password, made once per process, to check passwords of unknown e-mails against.

    Made the way users' passwords are (``people.PASSWORD_HASH_METHOD``), so checking it costs the same.
    """
    return generate_password_hash(secrets.token_hex(16), method=people.PASSWORD_HASH_METHOD)


def _safe_next(target: str | None) -> str:
    """Only local paths, so the sign-in page cannot be used to send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("auth.home")
