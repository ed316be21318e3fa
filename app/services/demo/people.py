"""Demo accounts: one per role, and an owner heading each department."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Department, Role, User

DEMO_PASSWORD = "touchloop-demo"  # printed by flask demo; only ever used for demo data
DEMO_ACCOUNTS = [
    ("admin@huachen.example", "系统管理员 Admin", Role.ADMIN, None),
    ("manager@huachen.example", "陈经理 Manager Chen", Role.MANAGER, None),
    ("rep.li@huachen.example", "李代表 Rep Li", Role.REPRESENTATIVE, None),
    ("rep.zhao@huachen.example", "赵代表 Rep Zhao", Role.REPRESENTATIVE, None),
    ("staff.wu@huachen.example", "吴员工 Staff Wu", Role.STAFF, None),
]


def make_demo_people(session: Session) -> list[User]:
    """Create the demo accounts (skipping e-mails that exist) and one owner per department."""
    accounts = list(DEMO_ACCOUNTS)
    for department in session.scalars(sa.select(Department).order_by(Department.id)):
        accounts.append(
            (
                f"owner.{department.code}@huachen.example",
                f"{department.name.get('zh', '')}负责人",
                Role.OWNER,
                department,
            )
        )
    existing = set(session.scalars(sa.select(User.email)))
    created = []
    for email, name, role, department in accounts:
        if email in existing:
            continue
        user = User(email=email, name=name, role=role, department=department)
        if created:  # the documented shared demo password: hashed once (scrypt is slow by design), salt shared
            user.password_hash = created[0].password_hash
        else:
            user.set_password(DEMO_PASSWORD)
        session.add(user)
        created.append(user)
    session.flush()
    return created
