"""Accounts, for admins: the list, a new account, changing role, department and active, new passwords."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.admin import bp
from app.admin.people_forms import (
    ROLE_NAMES,
    EditUserForm,
    NewUserForm,
    PasswordForm,
    department_choices,
    refusal_message,
)
from app.admin.sections import add_section
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import current_language, use_language
from app.models import Department, Role, User
from app.services import audit
from app.services.survey_titles import in_language
from app.services.user_admin import (
    LIST_LIMIT,
    PASSWORD_MIN_LENGTH,
    ChangeRefused,
    Refusal,
    UserChange,
    change_user,
    create_user,
    generated_password,
    list_users,
    reset_password,
)

add_section("admin.users", _l("Users"), "admin")
SEARCH_MAX_LENGTH = 100
FIELD_OF = {  # the field of the new-account form a refusal is shown beside
    Refusal.EMAIL_TAKEN: "email",
    Refusal.OWNER_WITHOUT_DEPARTMENT: "department",
    Refusal.NO_SUCH_DEPARTMENT: "department",
    Refusal.PASSWORD_TOO_SHORT: "password",
}


@bp.get("/users")
@require_role(Role.ADMIN)
def users():
    """Accounts matching the search and role filter, by name."""
    lang = use_language(current_app.config["LANGUAGES"])
    search = request.args.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    role = request.args.get("role", "")
    role = role if role in ROLE_NAMES else ""
    rows = list_users(db.session, search=search, role=role or None, lang=lang)
    return render_template("admin/users.html", rows=rows, search=search, role=role, roles=ROLE_NAMES, limit=LIST_LIMIT)


@bp.route("/users/new", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def new_user():
    """Create an account; the password, when made up here, is shown once on the next page."""
    lang = use_language(current_app.config["LANGUAGES"])
    form = NewUserForm()
    form.department.choices = department_choices(lang)
    if not form.validate_on_submit():
        return _new_page(form, 400 if request.method == "POST" else 200)
    password = form.password.data or generated_password()
    try:
        user = create_user(
            db.session,
            name=form.name.data,
            email=form.email.data,
            role=form.role.data,
            department_id=form.department.data,
            password=password,
        )
    except ChangeRefused as refused:
        db.session.rollback()
        form[FIELD_OF.get(refused.refusal, "name")].errors.append(refusal_message(refused, lang))
        return _new_page(form, 422)
    summary = {"email": user.email, "name": user.name, "role": user.role, "department_id": user.department_id}
    audit.record(db.session, "user.created", current_user, user.id, summary=summary)
    db.session.commit()
    current_app.logger.info("user %s created %s account %s", current_user.id, user.role, user.id)
    return _password_page(user, password if not form.password.data else None, created=True)


@bp.route("/users/<int(max=2147483647):user_id>", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def user(user_id: int):
    """One account: change its role, department and whether it may sign in."""
    lang = use_language(current_app.config["LANGUAGES"])
    found = db.session.get(User, user_id) or abort(404)
    form = EditUserForm(data={"role": found.role, "department": found.department_id, "active": found.active})
    form.department.choices = department_choices(lang)
    if request.method == "GET":
        return _user_page(found, form)
    if not form.validate_on_submit():
        return _user_page(found, form, status=400)
    change = UserChange(form.role.data, form.department.data, form.active.data)
    before = {"role": found.role, "department_id": found.department_id, "active": found.active}
    try:
        change_user(db.session, found, change, actor=current_user)
    except ChangeRefused as refused:
        db.session.rollback()
        return _user_page(db.session.get(User, user_id), form, problems=[refusal_message(refused, lang)], status=422)
    after = {"role": found.role, "department_id": found.department_id, "active": found.active}
    summary = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    audit.record(db.session, "user.changed", current_user, user_id, summary=summary)
    db.session.commit()
    current_app.logger.info("user %s changed account %s: %s", current_user.id, user_id, change)
    flash(_("Saved the changes to %(name)s.", name=found.name), "success")
    return redirect(url_for("admin.user", user_id=user_id), code=303)


@bp.post("/users/<int(max=2147483647):user_id>/password")
@require_role(Role.ADMIN)
def user_password(user_id: int):
    """Give an account a new password; one made up here is shown once."""
    lang = use_language(current_app.config["LANGUAGES"])
    found = db.session.get(User, user_id) or abort(404)
    form = PasswordForm()
    if not form.validate_on_submit():
        edit = EditUserForm(data={"role": found.role, "department": found.department_id, "active": found.active})
        edit.department.choices = department_choices(lang)
        return _user_page(found, edit, password_form=form, status=400)
    password = form.password.data or generated_password()
    reset_password(db.session, found, password)
    summary = {"made_up_here": not form.password.data}  # that a password was set, never the password
    audit.record(db.session, "user.password_set", current_user, user_id, summary=summary)
    db.session.commit()
    current_app.logger.info("user %s set a new password for account %s", current_user.id, user_id)
    return _password_page(found, password if not form.password.data else None, created=False)


def _new_page(form: NewUserForm, status: int):
    """The new-account form, with its errors."""
    return render_template("admin/user_new.html", form=form, min_length=PASSWORD_MIN_LENGTH), status


def _user_page(
    found: User,
    form: EditUserForm,
    *,
    password_form: PasswordForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
):
    """The account's page: its details, the change form (with why a change was refused) and the password form."""
    department = db.session.get(Department, found.department_id) if found.department_id else None
    return render_template(
        "admin/user.html",
        user=found,
        form=form,
        password_form=password_form or PasswordForm(formdata=None),
        roles=ROLE_NAMES,
        department=in_language(department.name, current_language(), department.code) if department else None,
        itself=found.id == current_user.id,
        problems=problems or [],
    ), status


def _password_page(found: User, password: str | None, *, created: bool):
    """The page after creating an account or setting a password: a made-up password is shown here only."""
    page = render_template("admin/user_saved.html", user=found, password=password, created=created, roles=ROLE_NAMES)
    # The password is in this page alone: never kept by a browser cache or a proxy.
    return page, 201 if created else 200, {"Cache-Control": "no-store"}
