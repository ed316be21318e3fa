"""``flask users create``: accounts for the people who use Touchloop."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.extensions import db
from app.models import Department, Role, User
from app.services import audit

users_group = AppGroup("users", help="Manage user accounts.")


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.STAFF.value, show_default=True)
@click.option("--department", help="Department code (for owners).")
@click.password_option(help="Prompted for when not given.")
def create_user(email: str, name: str, role: str, department: str | None, password: str) -> None:
    """Create an account; refuses an e-mail that already has one."""
    email = email.strip().lower()
    if db.session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == email)):
        raise click.ClickException(f"{email} already has an account.")
    if len(password) < 10:
        raise click.ClickException("the password must have at least 10 characters.")
    department_row = None
    if department:
        department_row = db.session.scalar(sa.select(Department).filter_by(code=department))
        if department_row is None:
            raise click.ClickException(f"no department '{department}' (load the surveys first).")
    user = User(email=email, name=name.strip(), role=role, department=department_row)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    summary = {"email": email, "name": user.name, "role": role, "department_id": user.department_id}
    audit.record(db.session, "user.created", None, user.id, summary=summary)
    db.session.commit()
    click.echo(f"created {role} {email}")
