"""Follow-up cases: opened in the response's transaction, assigned, and moved through their states."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import CaseEvent, Department, FollowUpCase, Response, User
from app.services.cases import CaseChangedMeanwhile, CaseNotFound, CaseTransitionRefused, advance_case
from app.services.definitions import current_version
from app.services.responses import ResponseMeta, record_response
from tests.factories import load_surveys, make_customer, make_response
from touchloop.answers import GapAnswer

HAPPY = {
    "recommend": 9,
    "overall_satisfaction": 4,
    "delivery_condition": "intact",
    "punctuality": GapAnswer(6, 5),
    "workmanship": GapAnswer(6, 6),
    "contact_me": "no",
}
DETRACTOR = dict(HAPPY, recommend=3)


def make_user(session, role: str, *, department: str | None = None, **overrides) -> User:
    """A committed user with ``role``, in the department with code ``department`` if given."""
    department_id = (
        session.scalar(sa.select(Department.id).where(Department.code == department)) if department else None
    )
    values = {"email": f"{role}-{uuid.uuid4().hex[:8]}@huachen.example", "name": role.title(), "password_hash": "-"}
    user = User(**{**values, **overrides}, role=role, department_id=department_id)
    session.add(user)
    session.commit()
    return user


def _cases(session) -> list[FollowUpCase]:
    return session.scalars(sa.select(FollowUpCase).order_by(FollowUpCase.id)).all()


def _events(session, case) -> list[tuple]:
    rows = session.execute(
        sa.select(CaseEvent.from_state, CaseEvent.to_state, CaseEvent.actor_id, CaseEvent.note)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.id)
    )
    return [tuple(row) for row in rows]


@pytest.fixture
def loaded(session):
    """The demo surveys and journey, loaded."""
    load_surveys(session)
    return session


def test_detractor_opens_a_case_with_deadline_department_and_first_event(loaded):
    customer = make_customer(loaded)
    response = make_response(loaded, DETRACTOR, customer=customer)
    [case] = _cases(loaded)
    field_service = loaded.scalar(sa.select(Department.id).where(Department.code == "field_service"))
    assert (case.rule_id, case.state, case.response_id, case.customer_id) == (
        "detractor",
        "new",
        response.id,
        customer.id,
    )
    assert (case.touchpoint_id, case.department_id, case.assignee_id) == (response.touchpoint_id, field_service, None)
    assert case.deadline_at - response.submitted_at == timedelta(hours=48)
    assert case.title["en"] == "Detractor: unlikely to recommend" and case.title["zh"] == "推荐意愿低（贬损者）"
    assert _events(loaded, case) == [(None, "new", None, None)]


def test_happy_response_opens_no_case(loaded):
    make_response(loaded, HAPPY)
    assert _cases(loaded) == []


def test_every_matching_rule_opens_its_own_case(loaded):
    make_response(loaded, dict(DETRACTOR, punctuality=GapAnswer(6, 2), delivery_condition="missing", contact_me="yes"))
    rules = [(c.rule_id, c.deadline_at - c.created_at) for c in _cases(loaded)]
    assert rules == [
        ("detractor", timedelta(hours=48)),
        ("late_arrival", timedelta(hours=72)),
        ("delivery_problem", timedelta(hours=24)),
        ("contact_request", timedelta(hours=24)),
    ]


def test_case_goes_to_the_customers_representative_whatever_the_letter_case(loaded):
    rep = make_user(loaded, "representative", email="Li.Na@huachen.example")
    customer = make_customer(loaded, representative="li.na@HUACHEN.example ")
    make_response(loaded, DETRACTOR, customer=customer)
    assert [c.assignee_id for c in _cases(loaded)] == [rep.id]


@pytest.mark.parametrize("who", [{"role": "staff"}, {"role": "representative", "active": False}])
def test_case_stays_in_the_department_queue_when_the_representative_is_not_an_active_one(loaded, who):
    role = who.pop("role")
    make_user(loaded, role, email="wang@huachen.example", **who)
    customer = make_customer(loaded, representative="wang@huachen.example")
    make_response(loaded, DETRACTOR, customer=customer)
    assert [c.assignee_id for c in _cases(loaded)] == [None]


def test_response_rolled_back_leaves_no_case(loaded):
    version = current_version(loaded, "delivery-installation")
    record_response(loaded, version, DETRACTOR, ResponseMeta(uuid.uuid4().hex, "en"))
    assert len(_cases(loaded)) == 1  # opened in the same transaction...
    loaded.rollback()
    assert _cases(loaded) == [] and loaded.scalar(sa.select(sa.func.count(Response.id))) == 0  # ...and gone with it


@pytest.fixture
def case(loaded):
    """A new detractor case in the field service queue, not assigned to anyone."""
    make_response(loaded, DETRACTOR, customer=make_customer(loaded))
    return _cases(loaded)[0]


def test_a_case_walks_to_closure_and_back_with_every_step_recorded(loaded, case):
    rep = make_user(loaded, "representative")
    owner = make_user(loaded, "owner", department="field_service")
    advance_case(loaded, case.id, "acknowledged", actor=owner)
    advance_case(loaded, case.id, "contacted", actor=owner, note="Called, visit booked")
    advance_case(loaded, case.id, "resolved", actor=owner, root_cause="late_arrival", note="Re-fitted, apologised")
    advance_case(loaded, case.id, "closed", actor=rep)
    loaded.commit()
    assert (case.state, case.root_cause, case.version) == ("closed", "late_arrival", 5)
    assert case.closed_at is not None
    advance_case(loaded, case.id, "reopened", actor=rep, note="Customer says it is loose again")
    loaded.commit()
    assert case.state == "reopened" and case.closed_at is None
    assert _events(loaded, case) == [
        (None, "new", None, None),
        ("new", "acknowledged", owner.id, None),
        ("acknowledged", "contacted", owner.id, "Called, visit booked"),
        ("contacted", "resolved", owner.id, "Re-fitted, apologised"),
        ("resolved", "closed", rep.id, None),
        ("closed", "reopened", rep.id, "Customer says it is loose again"),
    ]


@pytest.mark.parametrize(
    "actor_kind, target, given, reason",
    [
        ("staff", "resolved", {"root_cause": "other", "note": "Done"}, "only an owner or a representative can"),
        ("other_owner", "resolved", {"root_cause": "other", "note": "Done"}, "only an owner or a representative can"),
        ("rep", "closed", {}, "a case cannot go from contacted to closed"),
        ("rep", "resolved", {"note": "Done"}, "give a root-cause code"),
        ("rep", "resolved", {"root_cause": "other"}, "say in a note what was done for the customer"),
        ("rep", "resolved", {"root_cause": "bad_luck", "note": "Done"}, "unknown root-cause code 'bad_luck'"),
    ],
)
def test_refused_steps_say_why_and_change_nothing(loaded, case, actor_kind, target, given, reason):
    users = {
        "rep": make_user(loaded, "representative"),
        "staff": make_user(loaded, "staff", department="field_service"),
        "other_owner": make_user(loaded, "owner", department="sales"),
    }
    advance_case(loaded, case.id, "contacted", actor=users["rep"])
    loaded.commit()
    before = (case.state, case.version, case.root_cause, len(_events(loaded, case)))
    with pytest.raises(CaseTransitionRefused) as refused:
        advance_case(loaded, case.id, target, actor=users[actor_kind], **given)
    assert any(r.startswith(reason) for r in refused.value.reasons), refused.value.reasons
    loaded.commit()
    loaded.expire_all()
    assert (case.state, case.version, case.root_cause, len(_events(loaded, case))) == before


def test_the_assignee_may_work_a_case_outside_their_department(loaded):
    rep = make_user(loaded, "representative", email="rep@huachen.example")
    make_response(loaded, DETRACTOR, customer=make_customer(loaded, representative="rep@huachen.example"))
    [case] = _cases(loaded)
    assert advance_case(loaded, case.id, "acknowledged", actor=rep).state == "acknowledged"


def test_an_owner_may_not_close_the_case_they_resolved(loaded, case):
    owner = make_user(loaded, "owner", department="field_service")
    advance_case(loaded, case.id, "contacted", actor=owner)
    advance_case(loaded, case.id, "resolved", actor=owner, root_cause="poor_workmanship", note="Redone")
    with pytest.raises(CaseTransitionRefused, match="only a manager or a representative can close it"):
        advance_case(loaded, case.id, "closed", actor=owner)


def test_unknown_case_is_reported(loaded):
    with pytest.raises(CaseNotFound):
        advance_case(loaded, 999_999, "acknowledged", actor=make_user(loaded, "admin"))


def test_a_step_based_on_an_old_version_is_refused_with_the_new_state(loaded, case):
    rep = make_user(loaded, "representative")
    seen = case.version
    advance_case(loaded, case.id, "acknowledged", actor=rep)
    loaded.commit()
    with pytest.raises(CaseChangedMeanwhile) as changed:
        advance_case(loaded, case.id, "contacted", actor=rep, expected_version=seen)
    assert changed.value.state == "acknowledged"


def test_a_change_committed_by_someone_else_after_loading_is_caught_and_not_lost(loaded, case):
    rep, other_rep = make_user(loaded, "representative"), make_user(loaded, "representative")
    loaded.commit()
    assert case.state == "new"  # loaded here, at version 1
    with Session(db.engine) as other:  # another worker's request
        advance_case(other, case.id, "contacted", actor=other.get(User, other_rep.id), note="Phoned")
        other.commit()
    with pytest.raises(CaseChangedMeanwhile) as changed:
        advance_case(loaded, case.id, "acknowledged", actor=rep)
    assert changed.value.state == "contacted"
    assert [e[:2] for e in _events(loaded, case)] == [(None, "new"), ("new", "contacted")]
