"""A customer's data on request: the export holds it all; erasure removes what identifies them, not the statistics."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import (
    Answer,
    AnswerDayCount,
    AnswerMonthSegmentCount,
    CaseEvent,
    Customer,
    FollowUpCase,
    Invitation,
    ResponseSegment,
    Role,
)
from app.models.types import utcnow
from app.services.analytics import CHANNEL, TOUCHPOINT, Filters, Segment, count_responses, count_tables
from app.services.cases import advance_case
from app.services.customer_privacy import (
    ERASED_NAME,
    AlreadyErased,
    UnknownCustomer,
    erase_customer,
    export_customer,
)
from app.services.definitions import current_version
from app.services.invitations import is_expired
from app.services.journey import current_journey
from app.services.responses import ResponseMeta, record_response
from app.services.segments import snapshot_segments
from tests.factories import load_surveys, make_customer, make_invitation
from tests.services.test_cases import DETRACTOR, HAPPY, make_user

COMMENT = "Mr Wang at 12 Lake Road was late again"
GROUPINGS = [(), (TOUCHPOINT,), (Segment("tier"),), (Segment("region"), CHANNEL)]
TYPES = ("nps", "csat", "gap", "rating")


@pytest.fixture
def customer(session):
    """A customer with two responses (one a detractor with a comment and a noted case), an open invitation."""
    load_surveys(session)
    customer = make_customer(session, name="Wang Wei", email="wang.wei@example.com", phone="+86 138 0000 0000")
    _answer(session, customer, HAPPY)
    _answer(session, customer, dict(DETRACTOR, improve=COMMENT))
    case = session.scalars(sa.select(FollowUpCase)).one()
    rep = make_user(session, Role.REPRESENTATIVE)
    advance_case(session, case.id, "contacted", actor=rep, note="Called Mr Wang on his mobile")
    session.commit()
    make_invitation(session, customer)
    _answer(session, make_customer(session, name="Someone Else", tier="A"), HAPPY)  # must stay untouched
    return customer


def _answer(session, customer, answers) -> None:
    """A response of ``customer``, with the segment snapshot and rollups a real submission writes."""
    version = current_version(session, "delivery-installation")
    response = record_response(session, version, answers, ResponseMeta(uuid.uuid4().hex, "en", customer_id=customer.id))
    snapshot_segments(session, response.id, customer, current_journey(session), utcnow())
    count_responses(session, [response.id])
    session.commit()


def _statistics(session) -> dict:
    """Every count table the analytics read, from the rollups and from the answers themselves."""
    tables = {}
    for group_by in GROUPINGS:
        for use_rollups in (True, False):
            tables[(group_by, use_rollups)] = count_tables(session, Filters(), group_by, TYPES, use_rollups=use_rollups)
    rows = [AnswerDayCount, AnswerMonthSegmentCount, ResponseSegment]
    tables["rows"] = {model.__name__: sorted(map(tuple, session.execute(sa.select(model.__table__)))) for model in rows}
    return tables


def test_the_export_holds_profile_invitations_responses_with_answers_and_segments_and_cases(session, customer):
    data = export_customer(session, customer.id)
    assert data["profile"]["name"] == "Wang Wei" and data["profile"]["email"] == "wang.wei@example.com"
    assert len(data["invitations"]) == 1 and data["invitations"][0]["survey"] == "delivery-installation"
    assert len(data["responses"]) == 2
    texts = [answer["text"] for response in data["responses"] for answer in response["answers"] if answer["text"]]
    assert texts == [COMMENT]
    assert data["responses"][0]["segments"]["tier"] == "B"
    [case] = data["cases"]
    assert [event["note"] for event in case["events"]][-1] == "Called Mr Wang on his mobile"


def test_exporting_an_unknown_customer_says_so(session):
    with pytest.raises(UnknownCustomer):
        export_customer(session, 999)


def test_erasure_removes_what_identifies_the_customer(session, customer):
    report = erase_customer(session, customer.id, now=utcnow())
    session.commit()
    erased = session.get(Customer, customer.id)
    assert (erased.name, erased.external_id) == (ERASED_NAME, f"erased-{customer.id}")
    assert erased.email is None and erased.phone is None and erased.customer_since is None
    assert erased.erased_at is not None and erased.opted_out_at is not None
    assert session.scalar(sa.select(sa.func.count()).where(Answer.text == COMMENT)) == 0
    assert session.scalars(sa.select(CaseEvent.note).where(CaseEvent.note.is_not(None))).all() == []
    assert (report.responses_kept, report.text_answers_removed, report.case_notes_removed) == (2, 1, 1)
    dump = str(export_customer(session, customer.id))
    for trace in ("Wang", "wang.wei", "138 0000", "Lake Road"):
        assert trace not in dump


def test_erasure_leaves_every_statistic_as_it_was(session, customer):
    before = _statistics(session)
    erase_customer(session, customer.id, now=utcnow())
    session.commit()
    assert _statistics(session) == before


def test_erasure_keeps_the_segments_frozen_and_closes_open_invitations(session, customer):
    tier, lifecycle = customer.tier, customer.lifecycle
    report = erase_customer(session, customer.id, now=utcnow())
    session.commit()
    erased = session.get(Customer, customer.id)
    assert (erased.tier_given, erased.lifecycle_given) == (tier, lifecycle)
    assert report.invitations_closed == 1
    invitation = session.scalars(sa.select(Invitation)).one()
    assert is_expired(invitation, utcnow() + timedelta(seconds=1))


def test_other_customers_are_untouched(session, customer):
    other = session.scalars(sa.select(Customer).where(Customer.name == "Someone Else")).one()
    erase_customer(session, customer.id, now=utcnow())
    session.commit()
    assert session.get(Customer, other.id).email is not None and session.get(Customer, other.id).erased_at is None


def test_a_customer_is_erased_once(session, customer):
    erase_customer(session, customer.id, now=utcnow())
    session.commit()
    with pytest.raises(AlreadyErased):
        erase_customer(session, customer.id, now=utcnow())


def test_erasing_an_unknown_customer_says_so(session):
    with pytest.raises(UnknownCustomer):
        erase_customer(session, 999, now=utcnow())
