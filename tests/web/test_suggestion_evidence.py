"""Evidence on suggestions: typed on the submit form and checked, shown as links to what the reader may open."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Department, FollowUpCase, Role, Suggestion, SuggestionEvidence, User
from app.services.suggestions import advance_suggestion
from tests.factories import load_surveys, make_customer, make_response
from tests.services.test_cases import DETRACTOR
from tests.web.forms import hidden_fields
from tests.web.test_suggestion_pages import DUE, client_for, make_person


@pytest.fixture
def world(app):
    """The demo journey, a detractor's response with its case, and people of several roles."""
    with app.app_context():
        load_surveys(db.session)
        customer = make_customer(db.session, name="Wang <b>Wei</b>")
        make_response(db.session, dict(DETRACTOR, improve="<i>Call</i> before you come"), customer=customer)
        case = db.session.scalars(sa.select(FollowUpCase)).one()
        field, sales = (
            db.session.scalar(sa.select(Department.id).where(Department.code == code))
            for code in ("field_service", "sales")
        )
        case_id, response_id, customer_id = case.id, case.response_id, customer.id
    return SimpleNamespace(
        case_id=case_id,
        response_id=response_id,
        customer_id=customer_id,
        staff=make_person(app, Role.STAFF, "Sam Staff"),
        rep=make_person(app, Role.REPRESENTATIVE, "Rita Rep"),
        field_owner=make_person(app, Role.OWNER, "Fiona Field", field),
        sales_owner=make_person(app, Role.OWNER, "Sid Sales", sales),
    )


def submit_with(browser, evidence: str):
    """Post the submit form with ``evidence`` typed in."""
    token = hidden_fields(browser.get("/suggestions/new").get_data(as_text=True))["csrf_token"]
    data = {"csrf_token": token, "title": "Call first", "description": "Call an hour ahead.", "evidence": evidence}
    return browser.post("/suggestions/new", data=data)


def evidence_section(page: str) -> str:
    """The evidence list of a suggestion page."""
    return page[page.index('id="evidence-title"') : page.index('id="timeline-title"')]


def test_typed_references_are_stored_and_shown_as_links_with_the_gap_named(app, world):
    rep = client_for(app, world.rep)
    typed = f"case {world.case_id}, Response #{world.response_id}；gap installation/convenience"
    response = submit_with(rep, typed)
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.execute(sa.select(SuggestionEvidence.kind, SuggestionEvidence.reference)).all()
    assert [tuple(row) for row in stored] == [
        ("case", str(world.case_id)),
        ("response", str(world.response_id)),
        ("gap", "installation/convenience"),
    ]
    section = evidence_section(rep.get(response.headers["Location"]).get_data(as_text=True))
    assert f'<a href="/cases/{world.case_id}">Case #{world.case_id}</a>' in section
    assert f'<a href="/cases/responses/{world.response_id}">Response #{world.response_id}</a>' in section
    assert "Gap at Installation and setup · Convenience" in section and '<a href="/analytics' not in section


def test_each_bad_reference_gets_its_own_message_and_nothing_is_stored(app, world):
    sales_owner = client_for(app, world.sales_owner)
    typed = f"case 999999, response {world.response_id}, case {world.case_id}, ticket 4, gap nowhere/taste"
    response = submit_with(sales_owner, typed)
    page = response.get_data(as_text=True)
    errors = re.findall(r"<li>([^<]*)</li>", page[page.index('id="evidence-error"') :].split("</ul>")[0])
    assert response.status_code == 400
    assert errors == [
        "“ticket 4”: write case, response or gap followed by its number or codes",
        "there is no case #999999",
        f"you may not see response #{world.response_id}",
        f"you may not see case #{world.case_id}",
        "there is no touchpoint “nowhere”",
        "there is no dimension “taste”",
    ]
    assert 'aria-invalid="true"' in page and "ticket 4" in page  # what was typed stays in the field
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Suggestion)) == 0


def test_the_owner_of_the_responses_department_may_cite_it(app, world):
    field_owner = client_for(app, world.field_owner)
    assert submit_with(field_owner, f"response {world.response_id}, case {world.case_id}").status_code == 302


def test_an_owner_who_may_not_open_the_evidence_sees_it_as_text(app, world):
    rep = client_for(app, world.rep)
    location = submit_with(rep, f"case {world.case_id}, response {world.response_id}").headers["Location"]
    suggestion_id = int(location.rsplit("/", 1)[1])
    with app.app_context():  # assigned to Sales, who may not open Field Service's case and response
        representative = db.session.get(User, world.rep.id)
        advance_suggestion(db.session, suggestion_id, "under_review", actor=representative)
        advance_suggestion(
            db.session, suggestion_id, "accepted", actor=representative, owner_id=world.sales_owner.id, due_date=DUE
        )
        db.session.commit()
    section = evidence_section(client_for(app, world.sales_owner).get(location).get_data(as_text=True))
    assert f"Case #{world.case_id}" in section and f"Response #{world.response_id}" in section
    assert "<a href" not in section


def test_the_response_page_shows_the_answers_escaped_to_those_who_may_read_it(app, world):
    path = f"/cases/responses/{world.response_id}"
    page = client_for(app, world.rep).get(path).get_data(as_text=True)
    assert "&lt;i&gt;Call&lt;/i&gt; before you come" in page and "<i>Call" not in page
    assert f'href="/admin/customers/{world.customer_id}">Wang &lt;b&gt;Wei&lt;/b&gt;</a>' in page
    assert f'href="/cases/{world.case_id}"' in page
    owners_page = client_for(app, world.field_owner).get(path).get_data(as_text=True)
    assert "Wang &lt;b&gt;Wei&lt;/b&gt;" in owners_page and "/admin/customers/" not in owners_page
    assert client_for(app, world.sales_owner).get(path).status_code == 403
    assert client_for(app, world.staff).get(path).status_code == 403
    assert client_for(app, world.rep).get("/cases/responses/999999").status_code == 404
