"""A customer's representative: the active representative account who looks after the customer.

``Customer.representative`` holds the representative's e-mail (as the customer import does), so follow-up
cases of the customer are assigned to that account (``cases.representative_id``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Customer, Role, User


class NotARepresentative(ValueError):
    """The e-mail chosen is not that of an active representative; nothing was changed."""


@dataclass(frozen=True)
class RepresentativeChange:
    """What changed: the customer's representative e-mail before and after."""

    customer_id: int
    before: str | None
    after: str | None


def representative_choices(session: Session) -> list[tuple[str, str]]:
    """Active representatives as (e-mail, "name <e-mail>"), by name."""
    rows = session.execute(
        sa.select(User.email, User.name)
        .where(User.role == Role.REPRESENTATIVE, User.active.is_(True))
        .order_by(User.name, User.id)
    )
    return [(email, f"{name} <{email}>") for email, name in rows]


def representative_account(session: Session, email: str | None) -> User | None:
    """The account with this e-mail (ignoring case), whatever its role, or None."""
    if not email or not email.strip():
        return None
    return session.scalar(
        sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()).order_by(User.id).limit(1)
    )


def set_representative(session: Session, customer: Customer, email: str | None) -> RepresentativeChange:
    """Make the active representative with ``email`` the customer's representative (None: nobody)."""
    before = customer.representative
    if email:
        account = representative_account(session, email)
        if account is None or account.role != Role.REPRESENTATIVE or not account.active:
            raise NotARepresentative(email)
        email = account.email
    customer.representative = email or None
    session.flush()
    return RepresentativeChange(customer.id, before, customer.representative)
