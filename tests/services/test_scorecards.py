"""Department scorecards: every figure for two seeded departments equals the one worked out by hand here.

The period is January 2026 (``[Jan 1 00:00, Feb 1 00:00)`` UTC) and today is 10 February 2026. Field service
and sales get the suggestions and cases; the other four demo departments get nothing and show zeros.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from app.models import (
    CaseEvent,
    Department,
    FollowUpCase,
    Response,
    Suggestion,
    SuggestionEvent,
    SurveyVersion,
    Touchpoint,
    User,
)
from app.services.scorecards import StateTime, department_scorecards
from tests.factories import load_surveys

START, END, TODAY = date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 10)
SUBMITTED, REVIEW, ACCEPTED, IN_PROGRESS = "submitted", "under_review", "accepted", "in_progress"
IMPLEMENTED, VERIFIED, CLOSED, REJECTED = "implemented", "verified", "closed", "rejected"
HAPPY_PATH = (SUBMITTED, REVIEW, ACCEPTED, IN_PROGRESS, IMPLEMENTED, VERIFIED, CLOSED)


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    """A UTC moment; ``month`` 11 and 12 mean 2025."""
    return datetime(year if month < 11 else 2025, month, day, hour, minute, tzinfo=timezone.utc)


def _suggestion(session, submitter, steps, **fields) -> Suggestion:
    """A suggestion whose timeline is ``steps`` (``(to_state, at)``), created at the first step."""
    item = Suggestion(
        title="Idea", description="-", submitter_id=submitter.id, state=steps[-1][0], created_at=steps[0][1], **fields
    )
    session.add(item)
    session.flush()
    previous = None
    for to_state, moment in steps:
        session.add(SuggestionEvent(suggestion_id=item.id, from_state=previous, to_state=to_state, at=moment))
        previous = to_state
    return item


def _case(session, response, rule, touchpoint, deadline, steps) -> None:
    """A case with the timeline ``steps`` (``(to_state, at)``) and the given deadline."""
    case = FollowUpCase(
        response_id=response.id,
        rule_id=rule,
        title={"en": rule},
        touchpoint_id=touchpoint.id,
        department_id=touchpoint.department_id,
        state=steps[-1][0],
        deadline_at=deadline,
        created_at=steps[0][1],
    )
    session.add(case)
    session.flush()
    for to_state, moment in steps:
        session.add(CaseEvent(case_id=case.id, to_state=to_state, at=moment))


def _happy(*moments: datetime) -> list[tuple[str, datetime]]:
    """The happy path's first ``len(moments)`` steps at ``moments``."""
    return list(zip(HAPPY_PATH, moments, strict=False))


def seed(session) -> dict[str, Department]:
    """Load the demo journey, then seed field service and sales as the tests below work out by hand."""
    load_surveys(session)
    departments = {d.code: d for d in session.scalars(sa.select(Department))}
    field, sales = departments["field_service"], departments["sales"]
    tp_field = session.scalars(sa.select(Touchpoint).where(Touchpoint.department_id == field.id)).first()
    tp_sales = session.scalars(sa.select(Touchpoint).where(Touchpoint.department_id == sales.id)).first()
    user = User(email="staff@example.com", name="Staff", role="staff", password_hash="-")
    session.add(user)
    session.flush()
    _seed_field_suggestions(session, user, field, tp_field, tp_sales)
    _seed_sales_suggestions(session, user, sales, tp_sales)
    _suggestion(session, user, [(SUBMITTED, at(1, 3))])  # no touchpoint, no department: on no scorecard
    _seed_cases(session, tp_field, tp_sales)
    session.commit()
    return departments


def _seed_field_suggestions(session, user, field, tp_field, tp_sales) -> None:
    """A1, A2 closed in January; A3 accepted and overdue; A4 submitted; A5 implemented; A6 rejected."""
    closed = {"department_id": field.id, "touchpoint_id": tp_field.id}
    a1 = _happy(at(12, 20), at(12, 22), at(1, 2), at(1, 4), at(1, 10), at(1, 12), at(1, 15))
    _suggestion(session, user, a1, closed_at=at(1, 15), **closed)
    a2 = _happy(at(1, 5), at(1, 6), at(1, 8), at(1, 9), at(1, 19), at(1, 20), at(1, 25))
    _suggestion(session, user, a2, closed_at=at(1, 25), **closed)
    # A3's touchpoint is sales', but its own department (set on acceptance) wins: it counts for field service.
    a3 = _happy(at(1, 10), at(1, 11), at(1, 14))
    _suggestion(session, user, a3, department_id=field.id, touchpoint_id=tp_sales.id, due_date=date(2026, 2, 1))
    _suggestion(session, user, [(SUBMITTED, at(1, 20))], touchpoint_id=tp_field.id)  # A4: department from touchpoint
    a5 = _happy(at(11, 1), at(11, 2), at(11, 3), at(11, 5), at(1, 3))
    _suggestion(session, user, a5, due_date=date(2026, 1, 30), **closed)  # implemented: no longer late
    a6 = [(SUBMITTED, at(1, 3)), (REVIEW, at(1, 4)), (REJECTED, at(1, 6))]
    _suggestion(session, user, a6, touchpoint_id=tp_field.id)


def _seed_sales_suggestions(session, user, sales, tp_sales) -> None:
    """B1 accepted in December and closed in January; B2 accepted on 1 February, overdue; B3 all in January."""
    own = {"department_id": sales.id, "touchpoint_id": tp_sales.id}
    b1 = _happy(at(12, 1), at(12, 2), at(12, 5), at(12, 6), at(1, 5), at(1, 8), at(1, 10, 12))
    _suggestion(session, user, b1, closed_at=at(1, 10, 12), **own)
    b2 = _happy(at(1, 30), at(1, 31), at(2, 1), at(2, 3))
    _suggestion(session, user, b2, due_date=date(2026, 2, 5), **own)
    b3 = _happy(at(1, 2), at(1, 3), at(1, 4), at(1, 5), at(1, 15), at(1, 16), at(1, 31, 12))
    _suggestion(session, user, b3, closed_at=at(1, 31, 12), **own)


def _seed_cases(session, tp_field, tp_sales) -> None:
    """Field service: C1-C5; sales: C6, C7 (all on one response, one rule id each)."""
    version = session.scalars(sa.select(SurveyVersion)).first()
    response = Response(
        submission_key=uuid.uuid4().hex,
        survey_id=version.survey_id,
        survey_version_id=version.id,
        touchpoint_id=tp_field.id,
        channel="web",
        language="en",
        submitted_at=at(12, 1),
    )
    session.add(response)
    session.flush()
    new, contacted, resolved, reopened = "new", "contacted", "resolved", "reopened"
    _case(session, response, "c1", tp_field, at(1, 12), [(new, at(1, 8)), (resolved, at(1, 10))])
    _case(session, response, "c2", tp_field, at(1, 15, 10), [(new, at(1, 14)), (resolved, at(1, 15, 10))])
    late = [(new, at(1, 16)), (resolved, at(1, 20)), (reopened, at(1, 21)), (resolved, at(1, 22))]
    _case(session, response, "c3", tp_field, at(1, 18), late)
    earlier = [(new, at(12, 26)), (resolved, at(12, 28)), (reopened, at(1, 2)), (resolved, at(1, 5))]
    _case(session, response, "c4", tp_field, at(1, 30), earlier)
    _case(session, response, "c5", tp_field, at(1, 2), [(new, at(1, 1)), (contacted, at(1, 3))])
    _case(session, response, "c6", tp_sales, at(2, 2), [(new, at(1, 30)), (resolved, at(1, 31, 23, 59))])
    _case(session, response, "c7", tp_sales, at(2, 2), [(new, at(1, 30)), (resolved, at(2, 1))])


@pytest.fixture
def cards(session):
    """The scorecards for January 2026, by department code."""
    seed(session)
    found = department_scorecards(session, start=START, end=END, today=TODAY)
    return {card.code: card for card in found}


def test_every_department_has_a_card_in_code_order(cards, session):
    codes = session.scalars(sa.select(Department.code).order_by(Department.code)).all()
    assert list(cards) == codes and len(codes) == 6


def test_open_and_overdue_now(cards):
    # Field service: A3 (accepted), A4 (submitted), A5 (implemented) are open; A1, A2 closed, A6 rejected.
    # Overdue: only A3 (accepted, due 1 Feb < 10 Feb); A5 is implemented, A4 has no due date.
    assert (cards["field_service"].open, cards["field_service"].overdue) == (3, 1)
    # Sales: B2 (in progress, due 5 Feb < 10 Feb) is open and overdue; B1 and B3 are closed.
    assert (cards["sales"].open, cards["sales"].overdue) == (1, 1)


def test_closure_rate(cards):
    # Field service: closed in January A1 (15 Jan), A2 (25 Jan) = 2; accepted in January A1 (2 Jan),
    # A2 (8 Jan), A3 (14 Jan) = 3 (A5 was accepted in November). 2 / 3.
    field = cards["field_service"]
    assert (field.closed, field.assigned) == (2, 3)
    assert field.closure_rate == pytest.approx(2 / 3)
    # Sales: closed B1 (10 Jan), B3 (31 Jan 12:00) = 2; accepted only B3 (4 Jan): B1 in December, B2 on
    # 1 February 00:00, just after the period. 2 / 1 = 2.0: older work being closed.
    sales = cards["sales"]
    assert (sales.closed, sales.assigned, sales.closure_rate) == (2, 1, 2.0)


def test_median_days_to_close(cards):
    # Field service: A1 20 Dec -> 15 Jan = 11 + 15 = 26 days; A2 5 Jan -> 25 Jan = 20 days. Median 23.
    assert (cards["field_service"].median_days_to_close, cards["field_service"].closed_n) == (23.0, 2)
    # Sales: B1 1 Dec -> 10 Jan 12:00 = 31 + 9.5 = 40.5; B3 2 Jan -> 31 Jan 12:00 = 29.5. Median 35.
    assert (cards["sales"].median_days_to_close, cards["sales"].closed_n) == (35.0, 2)


def test_cases_within_deadline(cards):
    # Field service: first resolved in January C1 (10 Jan <= 12 Jan: within), C2 (15 Jan 10:00, exactly its
    # deadline: within), C3 (20 Jan > 18 Jan: late; its second resolution does not count). C4 was first
    # resolved in December, C5 never. 2 of 3.
    field = cards["field_service"]
    assert (field.cases_resolved, field.cases_within_deadline) == (3, 2)
    assert field.cases_within_share == pytest.approx(2 / 3)
    # Sales: C6 (31 Jan 23:59 <= 2 Feb) within; C7 was resolved on 1 February, after the period. 1 of 1.
    sales = cards["sales"]
    assert (sales.cases_resolved, sales.cases_within_deadline, sales.cases_within_share) == (1, 1, 1.0)


def test_time_in_each_state(cards):
    # Stays ending in January, field service (days):
    #   submitted:    A2 5->6 Jan 1, A3 10->11 Jan 1, A6 3->4 Jan 1              -> 3 / 3 = 1.0
    #   under_review: A1 22 Dec->2 Jan 11, A2 2, A3 11->14 Jan 3, A6 4->6 Jan 2   -> 18 / 4 = 4.5
    #   accepted:     A1 2->4 Jan 2, A2 8->9 Jan 1                               -> 3 / 2 = 1.5
    #   in_progress:  A1 4->10 Jan 6, A2 9->19 Jan 10, A5 5 Nov->3 Jan 59        -> 75 / 3 = 25.0
    #   implemented:  A1 10->12 Jan 2, A2 19->20 Jan 1                           -> 3 / 2 = 1.5
    #   verified:     A1 12->15 Jan 3, A2 20->25 Jan 5                           -> 8 / 2 = 4.0
    # (A1's submitted stay ended in December; A3, A4 and A6 are still in their last state.)
    assert cards["field_service"].time_in_state == (
        StateTime(SUBMITTED, 1.0, 3),
        StateTime(REVIEW, 4.5, 4),
        StateTime(ACCEPTED, 1.5, 2),
        StateTime(IN_PROGRESS, 25.0, 3),
        StateTime(IMPLEMENTED, 1.5, 2),
        StateTime(VERIFIED, 4.0, 2),
    )
    # Sales: B1 in_progress 6 Dec->5 Jan 30, implemented 5->8 Jan 3, verified 8 Jan->10 Jan 12:00 2.5;
    # B2 submitted 30->31 Jan 1 (its review stay ends on 1 Feb, outside); B3 submitted 1, under_review 1,
    # accepted 1, in_progress 5->15 Jan 10, implemented 1, verified 16 Jan->31 Jan 12:00 15.5.
    assert cards["sales"].time_in_state == (
        StateTime(SUBMITTED, 1.0, 2),
        StateTime(REVIEW, 1.0, 1),
        StateTime(ACCEPTED, 1.0, 1),
        StateTime(IN_PROGRESS, 20.0, 2),
        StateTime(IMPLEMENTED, 2.0, 2),
        StateTime(VERIFIED, 9.0, 2),
    )


def test_departments_without_activity_show_zeros(cards):
    product = cards["product"]
    assert (product.open, product.overdue, product.closed, product.assigned, product.cases_resolved) == (0,) * 5
    assert product.closure_rate is None and product.median_days_to_close is None
    assert product.cases_within_share is None and product.time_in_state == ()
