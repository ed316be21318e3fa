"""Answering a survey opens follow-up cases in the same transaction as the response, and only then."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.models import Department, FollowUpCase, Response
from app.public import submission
from app.services.links import invitation_token
from tests.factories import load_surveys, make_customer, make_invitation
from tests.services.test_cases import make_user
from tests.web.forms import hidden_fields, open_survey, post_survey
from tests.web.test_survey_pages import GOOD, INSTALL

DETRACTOR = dict(GOOD, q_recommend="3")


def _cases(session) -> list[FollowUpCase]:
    session.expire_all()
    return session.scalars(sa.select(FollowUpCase).order_by(FollowUpCase.id)).all()


def _answer_publicly(client, answers):
    form = open_survey(client, INSTALL)
    response = post_survey(client, INSTALL, form, answers)
    assert response.status_code == 303, response.status_code
    return form


def test_detractor_on_the_public_page_opens_a_48_hour_case_for_the_installation_department(client, session):
    load_surveys(session)
    _answer_publicly(client, DETRACTOR)
    [case] = _cases(session)
    response = session.scalars(sa.select(Response)).one()
    field_service = session.scalar(sa.select(Department.id).where(Department.code == "field_service"))
    assert (case.rule_id, case.state, case.response_id) == ("detractor", "new", response.id)
    assert (case.department_id, case.assignee_id, case.customer_id) == (field_service, None, None)
    assert case.deadline_at - response.submitted_at == timedelta(hours=48)


def test_happy_answer_opens_no_case(client, session):
    load_surveys(session)
    _answer_publicly(client, GOOD)
    assert _cases(session) == []


def test_asking_to_be_contacted_opens_the_contact_case(client, session):
    load_surveys(session)
    _answer_publicly(client, dict(GOOD, q_contact_me="yes"))
    assert [(c.rule_id, c.title["en"]) for c in _cases(session)] == [
        ("contact_request", "Customer asked to be contacted")
    ]


def test_invited_customers_case_is_assigned_to_their_representative(app, client, session):
    load_surveys(session)
    rep = make_user(session, "representative", email="zhou.min@huachen.example")
    customer = make_customer(session, representative="Zhou.Min@huachen.example")
    invitation = make_invitation(session, customer)
    with app.test_request_context():
        link = f"/i/{invitation_token(invitation.public_id)}?lang=en"
    form = hidden_fields(client.get(link).get_data(as_text=True))
    assert client.post(link, data={**form, **DETRACTOR}).status_code == 303
    assert [(c.rule_id, c.assignee_id, c.customer_id) for c in _cases(session)] == [("detractor", rep.id, customer.id)]


def test_same_submission_posted_twice_opens_one_case(client, session):
    load_surveys(session)
    form = open_survey(client, INSTALL)
    assert post_survey(client, INSTALL, form, DETRACTOR).status_code == 303
    assert post_survey(client, INSTALL, form, DETRACTOR).status_code == 303
    assert [c.rule_id for c in _cases(session)] == ["detractor"]


def test_a_detractor_that_loses_the_race_to_its_twin_opens_no_case(app, client, session):
    """A concurrent twin commits first; our insert (and the cases it would open) is rolled back."""
    load_surveys(session)
    form = open_survey(client, INSTALL)
    post_survey(client, INSTALL, dict(form, submission_key="a" * 32), GOOD)  # a happy template row to copy
    twin = session.execute(sa.select(Response.__table__)).mappings().one()
    fired = []

    def twin_commits_first(db_session, flush_context, instances):
        if fired or not any(isinstance(obj, Response) for obj in db_session.new):
            return
        fired.append(True)
        with db.engine.begin() as other_connection:  # a second connection, as another worker would have
            row = {k: v for k, v in twin.items() if k != "id"}
            other_connection.execute(sa.insert(Response.__table__), dict(row, submission_key=form["submission_key"]))

    with app.app_context():
        event.listen(db.session, "before_flush", twin_commits_first)
        try:
            response = post_survey(client, INSTALL, form, DETRACTOR)
        finally:
            event.remove(db.session, "before_flush", twin_commits_first)
    assert fired and response.status_code == 303
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 2
    assert _cases(session) == []


def test_database_failing_after_the_cases_were_added_leaves_neither_response_nor_case(
    app, client, session, monkeypatch
):
    load_surveys(session)
    customer = make_customer(session)
    invitation = make_invitation(session, customer)
    opened = []

    def fail_after_cases(response_id, customer_id, at):
        opened.extend(db.session.scalars(sa.select(FollowUpCase.rule_id)))  # flushed, not yet committed
        raise OperationalError("INSERT INTO response_segment", {}, Exception("server closed the connection"))

    monkeypatch.setattr(submission, "_snapshot", fail_after_cases)
    with app.test_request_context():
        link = f"/i/{invitation_token(invitation.public_id)}?lang=en"
    form = hidden_fields(client.get(link).get_data(as_text=True))
    assert client.post(link, data={**form, **DETRACTOR}).status_code == 503
    assert opened == ["detractor"]
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0 and _cases(session) == []
