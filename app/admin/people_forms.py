"""The forms of the user and department pages, the names of the roles, and the words for refused changes."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.validators import ValidationError as FieldError

from app.extensions import db
from app.models import Department, Role
from app.services.survey_titles import in_language
from app.services.user_admin import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, ChangeRefused, Refusal
from touchloop.text import printable

ROLE_NAMES = {
    Role.STAFF: _l("Staff"),
    Role.OWNER: _l("Owner"),
    Role.REPRESENTATIVE: _l("Customer representative"),
    Role.MANAGER: _l("Manager"),
    Role.ADMIN: _l("Administrator"),
}


def _optional_id(value):
    """An empty select option as None, else the chosen id."""
    return int(value) if value not in (None, "", "None") else None


def _clean(text):
    """Typed text without control characters and surrounding spaces (None stays None)."""
    return printable(text).strip() if isinstance(text, str) else text


def _role_choices() -> list[tuple[str, object]]:
    """Every role with its name in the page language."""
    return [(role.value, ROLE_NAMES[role]) for role in Role]


def _password_length(form, field) -> None:
    """A password, when one is typed, has PASSWORD_MIN_LENGTH to PASSWORD_MAX_LENGTH characters."""
    if field.data and not PASSWORD_MIN_LENGTH <= len(field.data) <= PASSWORD_MAX_LENGTH:
        raise FieldError(
            _("Between %(low)d and %(high)d characters, please.", low=PASSWORD_MIN_LENGTH, high=PASSWORD_MAX_LENGTH)
        )


class NewUserForm(FlaskForm):
    """A new account: who, which role and department, and a first password (or one made up)."""

    name = StringField(_l("Name"), filters=[_clean], validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), filters=[_clean], validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=_role_choices, default=Role.STAFF.value)
    department = SelectField(_l("Department"), coerce=_optional_id)
    password = PasswordField(_l("First password (leave empty to have one made up)"), validators=[_password_length])


class EditUserForm(FlaskForm):
    """What an admin may change about an account."""

    role = SelectField(_l("Role"), choices=_role_choices)
    department = SelectField(_l("Department"), coerce=_optional_id)
    active = BooleanField(_l("Active (may sign in)"))


class PasswordForm(FlaskForm):
    """A new password for someone, or an empty field to have one made up."""

    password = PasswordField(_l("New password (leave empty to have one made up)"), validators=[_password_length])


class HeadForm(FlaskForm):
    """The head of a department, among its active owners and managers."""

    head = SelectField(_l("Head"), coerce=_optional_id, validators=[Optional()])


class AddMemberForm(FlaskForm):
    """Someone to move into a department."""

    user = SelectField(_l("Add a member"), coerce=_optional_id, validators=[DataRequired()])


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token."""


def department_choices(lang: str) -> list[tuple[int | None, str]]:
    """ "No department" and every department by code, named in ``lang``."""
    rows = db.session.execute(sa.select(Department.id, Department.code, Department.name).order_by(Department.code))
    return [(None, "—")] + [(department_id, in_language(name, lang, code)) for department_id, code, name in rows]


def refusal_message(refused: ChangeRefused, lang: str) -> str:
    """The page's words for a refused change."""
    details = refused.details
    messages = {
        Refusal.EMAIL_TAKEN: lambda: _("%(email)s already has an account.", email=details.get("email", "")),
        Refusal.OWNER_WITHOUT_DEPARTMENT: lambda: _("An owner must belong to a department: choose one."),
        Refusal.NO_SUCH_DEPARTMENT: lambda: _("That department does not exist."),
        Refusal.SELF_DEACTIVATION: lambda: _("You cannot deactivate your own account."),
        Refusal.SELF_DEMOTION: lambda: _(
            "You cannot take the administrator role from yourself; ask another administrator."
        ),
        Refusal.LAST_ADMIN: lambda: _(
            "This is the last active administrator: make someone else an administrator first."
        ),
        Refusal.HEADS_DEPARTMENT: lambda: _(
            "This person heads %(department)s: choose another head for it first.",
            department=in_language(details.get("department"), lang),
        ),
        Refusal.NOT_ELIGIBLE_HEAD: lambda: _("The head must be an active owner or manager of this department."),
        Refusal.PASSWORD_TOO_SHORT: lambda: _(
            "The password must have at least %(count)d characters.", count=PASSWORD_MIN_LENGTH
        ),
    }
    return messages[refused.refusal]()
