"""Account rules on the admin pages: owners have departments, admins cannot lock themselves or everyone out."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Department, Role, User
from app.services.user_admin import (
    ChangeRefused,
    Refusal,
    UserChange,
    change_user,
    create_user,
    generated_password,
    list_users,
    move_to_department,
    reset_password,
    set_head,
)
from tests.factories import load_surveys
from tests.web.test_auth import make_user


@pytest.fixture
def departments(session) -> dict[str, Department]:
    """The demo journey's departments by code."""
    load_surveys(session)
    return {d.code: d for d in session.scalars(sa.select(Department))}


def refusal_of(call) -> Refusal:
    """The refusal ``call`` raises (failing the test if it raises none)."""
    with pytest.raises(ChangeRefused) as caught:
        call()
    return caught.value.refusal


def test_a_new_account_stores_a_hash_of_its_password_and_a_lower_case_email(session):
    user = create_user(
        session,
        name=" Wu Fang ",
        email=" Wu.Fang@Example.com ",
        role=Role.STAFF,
        department_id=None,
        password="s3cret-enough",
    )
    session.commit()
    assert (user.email, user.name, user.active) == ("wu.fang@example.com", "Wu Fang", True)
    assert "s3cret-enough" not in user.password_hash and user.check_password("s3cret-enough")


def test_an_email_that_has_an_account_is_refused_ignoring_case(session):
    make_user(session, email="taken@example.com")
    refusal = refusal_of(
        lambda: create_user(
            session, name="X", email="TAKEN@example.com", role=Role.STAFF, department_id=None, password="long enough!"
        )
    )
    assert refusal is Refusal.EMAIL_TAKEN
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_an_owner_needs_a_department(session, departments):
    refusal = refusal_of(
        lambda: create_user(
            session, name="O", email="o@example.com", role=Role.OWNER, department_id=None, password="x" * 10
        )
    )
    assert refusal is Refusal.OWNER_WITHOUT_DEPARTMENT
    owner = create_user(
        session,
        name="O",
        email="o@example.com",
        role=Role.OWNER,
        department_id=departments["customer_service"].id,
        password="x" * 10,
    )
    assert owner.department_id == departments["customer_service"].id


def test_a_password_shorter_than_ten_characters_is_refused(session):
    user = make_user(session, email="s@example.com", role=Role.STAFF)
    assert refusal_of(lambda: reset_password(session, user, "short")) is Refusal.PASSWORD_TOO_SHORT
    reset_password(session, user, "a much longer one")
    assert user.check_password("a much longer one")


def test_made_up_passwords_are_long_and_different():
    first, second = generated_password(), generated_password()
    assert len(first) >= 16 and first != second


def test_an_admin_cannot_deactivate_or_demote_themself(session):
    admin = make_user(session)
    make_user(session, email="other-admin@example.com")
    assert refusal_of(lambda: change_user(session, admin, UserChange(Role.ADMIN, None, False), actor=admin)) is (
        Refusal.SELF_DEACTIVATION
    )
    assert refusal_of(lambda: change_user(session, admin, UserChange(Role.MANAGER, None, True), actor=admin)) is (
        Refusal.SELF_DEMOTION
    )
    assert (admin.role, admin.active) == (Role.ADMIN, True)


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(session):
    last = make_user(session, email="last@example.com")
    make_user(session, email="retired@example.com", active=False)
    actor = make_user(session, email="manager@example.com", role=Role.MANAGER)
    for change in (UserChange(Role.STAFF, None, True), UserChange(Role.ADMIN, None, False)):
        assert refusal_of(lambda change=change: change_user(session, last, change, actor=actor)) is Refusal.LAST_ADMIN


def test_one_admin_may_demote_another_while_an_admin_remains(session):
    actor = make_user(session, email="a@example.com")
    other = make_user(session, email="b@example.com")
    change_user(session, other, UserChange(Role.REPRESENTATIVE, None, True), actor=actor)
    session.commit()
    assert session.get(User, other.id).role == Role.REPRESENTATIVE


def test_a_department_head_keeps_the_department_until_another_head_is_chosen(session, departments):
    admin = make_user(session)
    service = departments["customer_service"]
    head = make_user(session, email="head@example.com", role=Role.OWNER, department_id=service.id)
    set_head(session, service, head.id)
    session.commit()
    for change in (
        UserChange(Role.OWNER, service.id, False),  # deactivated
        UserChange(Role.OWNER, departments["sales"].id, True),  # moved away
        UserChange(Role.STAFF, service.id, True),  # no longer an owner or manager
    ):
        assert refusal_of(lambda change=change: change_user(session, head, change, actor=admin)) is (
            Refusal.HEADS_DEPARTMENT
        )
    change_user(session, head, UserChange(Role.MANAGER, service.id, True), actor=admin)  # a manager may head it
    set_head(session, service, None)
    change_user(session, head, UserChange(Role.STAFF, service.id, False), actor=admin)
    assert (head.role, head.active) == (Role.STAFF, False)


def test_only_an_active_owner_or_manager_of_the_department_can_head_it(session, departments):
    service, sales = departments["customer_service"], departments["sales"]
    elsewhere = make_user(session, email="sales-owner@example.com", role=Role.OWNER, department_id=sales.id)
    staff = make_user(session, email="staff@example.com", role=Role.STAFF, department_id=service.id)
    gone = make_user(session, email="gone@example.com", role=Role.OWNER, department_id=service.id, active=False)
    for user_id in (elsewhere.id, staff.id, gone.id, 999999):
        assert refusal_of(lambda user_id=user_id: set_head(session, service, user_id)) is Refusal.NOT_ELIGIBLE_HEAD
    assert service.head_id is None


def test_removing_an_owner_from_their_department_is_refused_but_moving_them_is_not(session, departments):
    admin = make_user(session)
    owner = make_user(session, email="o@example.com", role=Role.OWNER, department_id=departments["customer_service"].id)
    refusal = refusal_of(lambda: move_to_department(session, owner, None, actor=admin))
    assert refusal is Refusal.OWNER_WITHOUT_DEPARTMENT
    move_to_department(session, owner, departments["sales"].id, actor=admin)
    assert owner.department_id == departments["sales"].id


def test_the_list_finds_name_or_email_parts_ignoring_case_and_filters_by_role(session, departments):
    make_user(session, email="zhang.wei@example.com", name="Zhang Wei", role=Role.STAFF)
    make_user(
        session, email="li@example.com", name="李娜", role=Role.OWNER, department_id=departments["customer_service"].id
    )
    make_user(session, email="wang@shop.example", name="Wang Fang", role=Role.REPRESENTATIVE)
    assert [row.name for row in list_users(session, search="WEI")] == ["Zhang Wei"]
    assert [row.name for row in list_users(session, search="shop.ex")] == ["Wang Fang"]
    assert [row.name for row in list_users(session, search="李")] == ["李娜"]
    assert [row.name for row in list_users(session, search="%")] == []
    assert [row.name for row in list_users(session, role=Role.OWNER)] == ["李娜"]
    assert list_users(session, role=Role.OWNER)[0].department is not None


def test_two_admins_demoting_each_other_at_once_leave_one_admin_on_postgresql(app, session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time; the race needs PostgreSQL's row locks")
    first, second = make_user(session, email="a@example.com"), make_user(session, email="b@example.com")
    ids = first.id, second.id
    session.close()
    engine = session.get_bind()
    outcome: dict[str, object] = {}

    def demote(actor_id: int, target_id: int, key: str, started: threading.Event | None = None) -> None:
        """Demote ``target_id`` as ``actor_id`` in a session of its own; note the result under ``key``."""
        with Session(engine) as own:
            try:
                change_user(
                    own, own.get(User, target_id), UserChange(Role.STAFF, None, True), actor=own.get(User, actor_id)
                )
                if started is not None:
                    started.set()
                    time.sleep(0.5)  # hold the locks while the other demotion starts
                own.commit()
                outcome[key] = "demoted"
            except ChangeRefused as refused:
                own.rollback()
                outcome[key] = refused.refusal

    started = threading.Event()
    holder = threading.Thread(target=demote, args=(ids[0], ids[1], "first", started))
    holder.start()
    assert started.wait(10)
    demote(ids[1], ids[0], "second")  # blocks on the admin rows until the first commits
    holder.join(10)
    assert outcome == {"first": "demoted", "second": Refusal.LAST_ADMIN}
    with Session(engine) as fresh:
        assert fresh.scalars(sa.select(User.role).order_by(User.id)).all() == [Role.ADMIN, Role.STAFF]
