"""Departments, for admins: each with its head, owners and open work; set the head and the members."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.admin import bp
from app.admin.people_forms import ROLE_NAMES, AddMemberForm, ConfirmForm, HeadForm, refusal_message
from app.admin.sections import add_section
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import current_language, use_language
from app.models import Department, Role, User
from app.models.types import utcnow
from app.services import audit
from app.services.department_admin import department_rows, head_candidates, members_of, others
from app.services.survey_titles import in_language
from app.services.user_admin import ChangeRefused, move_to_department, set_head

add_section("admin.departments", _l("Departments"), "admin")


@bp.get("/departments")
@require_role(Role.ADMIN)
def departments():
    """Every department with its head, owners, members, and open suggestions and cases."""
    lang = use_language(current_app.config["LANGUAGES"])
    rows = department_rows(db.session, lang=lang, today=utcnow().date())
    return render_template("admin/departments.html", rows=rows)


@bp.get("/departments/<int(max=2147483647):department_id>")
@require_role(Role.ADMIN)
def department(department_id: int):
    """One department: its head and members, with the forms that change them."""
    use_language(current_app.config["LANGUAGES"])
    return _page(db.session.get(Department, department_id) or abort(404))


@bp.post("/departments/<int(max=2147483647):department_id>/head")
@require_role(Role.ADMIN)
def department_head(department_id: int):
    """Set (or clear) the department's head."""
    lang = use_language(current_app.config["LANGUAGES"])
    found = db.session.get(Department, department_id) or abort(404)
    form = _head_form(found)
    if not form.validate_on_submit():
        return _page(found, head_form=form, status=400)
    before = found.head_id
    try:
        set_head(db.session, found, form.head.data)
    except ChangeRefused as refused:
        db.session.rollback()
        return _page(found, problems=[refusal_message(refused, lang)], status=422)
    summary = {"head_id": [before, found.head_id]}
    audit.record(db.session, "department.head_set", current_user, found.id, summary=summary)
    db.session.commit()
    current_app.logger.info("user %s set the head of department %s to %s", current_user.id, found.id, found.head_id)
    flash(_("Saved the head of %(department)s.", department=in_language(found.name, lang, found.code)), "success")
    return redirect(url_for("admin.department", department_id=department_id), code=303)


@bp.post("/departments/<int(max=2147483647):department_id>/members")
@require_role(Role.ADMIN)
def department_add_member(department_id: int):
    """Move someone into the department (out of the one they were in)."""
    lang = use_language(current_app.config["LANGUAGES"])
    found = db.session.get(Department, department_id) or abort(404)
    form = _member_form(found, lang)
    if not form.validate_on_submit():
        return _page(found, member_form=form, status=400)
    return _move(found, db.session.get(User, form.user.data) or abort(404), found.id, lang)


@bp.post("/departments/<int(max=2147483647):department_id>/members/<int(max=2147483647):user_id>/remove")
@require_role(Role.ADMIN)
def department_remove_member(department_id: int, user_id: int):
    """Take someone out of the department (owners and the head cannot be: they need a department)."""
    lang = use_language(current_app.config["LANGUAGES"])
    found = db.session.get(Department, department_id) or abort(404)
    member = db.session.get(User, user_id)
    if member is None or member.department_id != found.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return _page(found, problems=[_("The form was out of date; please send it again.")], status=400)
    return _move(found, member, None, lang)


def _move(found: Department, member: User, department_id: int | None, lang: str):
    """Move ``member`` to ``department_id``; back to the department's page, saying what happened."""
    before = member.department_id
    try:
        move_to_department(db.session, member, department_id, actor=current_user)
    except ChangeRefused as refused:
        db.session.rollback()
        return _page(found, problems=[refusal_message(refused, lang)], status=422)
    summary = {"user_id": member.id, "department_id": [before, department_id]}
    audit.record(db.session, "department.member_moved", current_user, found.id, summary=summary)
    db.session.commit()
    current_app.logger.info("user %s moved user %s to department %s", current_user.id, member.id, department_id)
    name = in_language(found.name, lang, found.code)
    if department_id is None:
        flash(_("%(name)s is no longer in %(department)s.", name=member.name, department=name), "success")
    else:
        flash(_("%(name)s is now in %(department)s.", name=member.name, department=name), "success")
    return redirect(url_for("admin.department", department_id=found.id), code=303)


def _head_form(found: Department, *, posted: bool = True) -> HeadForm:
    """The head select: nobody, or one of the department's active owners and managers."""
    form = HeadForm(**({} if posted else {"formdata": None}), data={"head": found.head_id})
    form.head.choices = [(None, "—")] + [
        (user.id, f"{user.name} ({ROLE_NAMES[user.role]})") for user in head_candidates(db.session, found.id)
    ]
    return form


def _member_form(found: Department, lang: str, *, posted: bool = True) -> AddMemberForm:
    """The select of active users outside the department."""
    form = AddMemberForm(**({} if posted else {"formdata": None}))
    form.user.choices = [(None, "—")] + others(db.session, found.id, lang=lang)
    return form


def _page(
    found: Department,
    *,
    head_form: HeadForm | None = None,
    member_form: AddMemberForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
):
    """The department's page, with the forms as posted and why a change was refused, if it was."""
    lang = current_language()
    return render_template(
        "admin/department.html",
        department=found,
        name=in_language(found.name, lang, found.code),
        head=db.session.get(User, found.head_id) if found.head_id else None,
        members=members_of(db.session, found.id),
        head_form=head_form or _head_form(found, posted=False),
        member_form=member_form or _member_form(found, lang, posted=False),
        remove_form=ConfirmForm(formdata=None),
        roles=ROLE_NAMES,
        problems=problems or [],
    ), status
