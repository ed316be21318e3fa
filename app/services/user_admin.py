"""Accounts on the admin pages: list, create, change and reset passwords, keeping the role rules.

The rules, checked on every change: an owner belongs to a department; nobody deactivates or demotes
themself; the last active admin stays one; e-mails are unique, ignoring case; a department's head stays
an active owner or manager of that department (choose another head first). Like every service, these add
and flush; the view commits.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Department, Role, User
from app.services.survey_titles import in_language
from touchloop.text import printable

PASSWORD_MIN_LENGTH = 10  # as ``flask users create``
PASSWORD_MAX_LENGTH = 200
LIST_LIMIT = 500  # users on one list page; search narrows it
HEAD_ROLES = (Role.OWNER, Role.MANAGER)  # who may head a department (admins hold every role)


class Refusal(enum.StrEnum):
    """Why a change of an account was refused; the pages word each one."""

    EMAIL_TAKEN = "email_taken"
    OWNER_WITHOUT_DEPARTMENT = "owner_without_department"
    NO_SUCH_DEPARTMENT = "no_such_department"
    SELF_DEACTIVATION = "self_deactivation"
    SELF_DEMOTION = "self_demotion"
    LAST_ADMIN = "last_admin"
    HEADS_DEPARTMENT = "heads_department"
    NOT_ELIGIBLE_HEAD = "not_eligible_head"
    PASSWORD_TOO_SHORT = "password_too_short"


class ChangeRefused(Exception):
    """A change breaks a rule; nothing was changed. ``details`` hold what the message names (e-mail, department)."""

    def __init__(self, refusal: Refusal, **details: object):
        super().__init__(refusal.value)
        self.refusal = refusal
        self.details = details


@dataclass(frozen=True)
class UserChange:
    """What the admin pages may change about an account."""

    role: str
    department_id: int | None
    active: bool


@dataclass(frozen=True)
class UserRow:
    """One account as the list shows it."""

    id: int
    name: str
    email: str
    role: str
    department: str | None
    active: bool
    created_at: datetime


def list_users(session: Session, *, search: str = "", role: str | None = None, lang: str = "en") -> list[UserRow]:
    """Accounts whose name or e-mail contains ``search`` (ignoring case), of ``role`` if given, by name."""
    query = (
        sa.select(User.id, User.name, User.email, User.role, Department.name, Department.code, User.active)
        .add_columns(User.created_at)
        .outerjoin(Department, Department.id == User.department_id)
        .order_by(sa.func.lower(User.name), User.id)
        .limit(LIST_LIMIT)
    )
    term = printable(search).strip().lower()
    if term:
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            sa.or_(
                sa.func.lower(User.name).like(pattern, escape="\\"),
                sa.func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    if role:
        query = query.where(User.role == role)
    return [
        UserRow(uid, name, email, user_role, in_language(dname, lang, dcode) if dcode else None, active, created_at)
        for uid, name, email, user_role, dname, dcode, active, created_at in session.execute(query)
    ]


def normalised_email(email: str) -> str:
    """An e-mail as accounts store it: trimmed and lower-case (as ``flask users create``)."""
    return email.strip().lower()


def create_user(
    session: Session, *, name: str, email: str, role: str, department_id: int | None, password: str
) -> User:
    """A new active account with a hashed password; refused if a rule is broken or the e-mail is taken."""
    email = normalised_email(email)
    if session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == email)):
        raise ChangeRefused(Refusal.EMAIL_TAKEN, email=email)
    _check_department(session, role, department_id)
    _check_password(password)
    user = User(email=email, name=name.strip(), role=role, department_id=department_id, active=True)
    user.set_password(password)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # the same e-mail created at the same moment by someone else
        raise ChangeRefused(Refusal.EMAIL_TAKEN, email=email) from exc
    return user


def change_user(session: Session, user: User, change: UserChange, *, actor: User) -> None:
    """Set the role, department and active flag of ``user``, if no rule forbids it."""
    _check_department(session, change.role, change.department_id)
    if user.id == actor.id and not change.active:
        raise ChangeRefused(Refusal.SELF_DEACTIVATION)
    if user.id == actor.id and user.role == Role.ADMIN and change.role != Role.ADMIN:
        raise ChangeRefused(Refusal.SELF_DEMOTION)
    if user.role == Role.ADMIN and user.active and (change.role != Role.ADMIN or not change.active):
        if not _other_active_admins(session, user.id):
            raise ChangeRefused(Refusal.LAST_ADMIN)
    for department in session.scalars(sa.select(Department).where(Department.head_id == user.id)):
        if not (change.active and change.department_id == department.id and _may_head(change.role)):
            raise ChangeRefused(Refusal.HEADS_DEPARTMENT, department=department.name or {"en": department.code})
    user.role, user.department_id, user.active = change.role, change.department_id, change.active
    session.flush()


def reset_password(session: Session, user: User, password: str) -> None:
    """Give ``user`` a new password (stored hashed)."""
    _check_password(password)
    user.set_password(password)
    session.flush()


def generated_password() -> str:
    """A random password of 16 URL-safe characters, to be shown once to the admin who asked for it."""
    return secrets.token_urlsafe(12)


def set_head(session: Session, department: Department, head_id: int | None) -> None:
    """Make ``head_id`` the head of ``department`` (None: no head): an active owner or manager belonging to it."""
    if head_id is not None:
        head = session.get(User, head_id)
        if head is None or not (head.active and head.department_id == department.id and _may_head(head.role)):
            raise ChangeRefused(Refusal.NOT_ELIGIBLE_HEAD)
    department.head_id = head_id
    session.flush()


def move_to_department(session: Session, user: User, department_id: int | None, *, actor: User) -> None:
    """Make ``user`` a member of ``department_id`` (None: of no department), keeping the rules."""
    change_user(session, user, UserChange(user.role, department_id, user.active), actor=actor)


def _may_head(role: str) -> bool:
    """True if a user with ``role`` may head a department."""
    return role in HEAD_ROLES or role == Role.ADMIN


def _check_department(session: Session, role: str, department_id: int | None) -> None:
    """An owner needs a department, and a given department must exist."""
    if department_id is not None and session.get(Department, department_id) is None:
        raise ChangeRefused(Refusal.NO_SUCH_DEPARTMENT)
    if role == Role.OWNER and department_id is None:
        raise ChangeRefused(Refusal.OWNER_WITHOUT_DEPARTMENT)


def _check_password(password: str) -> None:
    """A password must have at least PASSWORD_MIN_LENGTH characters."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ChangeRefused(Refusal.PASSWORD_TOO_SHORT)


def _other_active_admins(session: Session, user_id: int) -> list[int]:
    """The ids of the active admins other than ``user_id``.

    Every active admin row is locked, in id order, so two admins demoting each other at once cannot both
    succeed on PostgreSQL: the second waits, then sees the first change. (SQLite ignores FOR UPDATE.)
    """
    admins = session.scalars(
        sa.select(User.id).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id).with_for_update()
    ).all()
    return [admin_id for admin_id in admins if admin_id != user_id]
