"""The recognition page: every signed-in role sees who got suggestions implemented and verified."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import User
from app.services.suggestions import advance_suggestion
from tests.web.test_suggestion_pages import DUE, client_for, people, submit  # noqa: F401  (people is a fixture)


def rows(page: str, table: str) -> list[tuple[str, ...]]:
    """The body rows of the ranking table ``table`` as (rank, name, verified, implemented, submitted)."""
    body = page[page.index(f'id="{table}"') :].split("</tbody>")[0]
    cells = re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", body.split("<tbody>")[1])
    return [tuple(cells[index : index + 5]) for index in range(0, len(cells), 5)]


def verify(app, people, suggestion_id: int) -> None:  # noqa: F811
    """Take a submitted suggestion to verified through the services, owned by Otto Owner."""
    with app.app_context():
        rep, owner, verifier = (db.session.get(User, who.id) for who in (people.rep, people.owner, people.other_rep))
        advance_suggestion(db.session, suggestion_id, "under_review", actor=rep)
        advance_suggestion(db.session, suggestion_id, "accepted", actor=rep, owner_id=owner.id, due_date=DUE)
        advance_suggestion(db.session, suggestion_id, "in_progress", actor=owner)
        advance_suggestion(db.session, suggestion_id, "implemented", actor=owner)
        advance_suggestion(db.session, suggestion_id, "verified", actor=verifier)
        db.session.commit()


def test_staff_see_the_rankings_of_employees_and_departments_in_the_menu(app, people):  # noqa: F811
    verify(app, people, submit(app, people.staff, title="Call first"))
    submit(app, people.other_staff, title="Shorter forms")
    page = client_for(app, people.other_staff).get("/suggestions/recognition")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<a href="/suggestions/recognition" aria-current="page">Recognition</a>' in html
    mine = client_for(app, people.staff).get("/suggestions/mine").get_data(as_text=True)
    assert '<a href="/suggestions/recognition" >Recognition</a>' in mine
    assert rows(html, "employee-ranking") == [("1", "Sam Staff", "1", "1", "1"), ("2", "Olga Other", "0", "0", "1")]
    assert rows(html, "department-ranking") == [("1", "Operations", "1", "1", "2")]


def test_an_empty_or_unreadable_period_is_shown_without_error(app, people):  # noqa: F811
    browser = client_for(app, people.owner)
    page = browser.get("/suggestions/recognition?start=2001-01-01&end=2001-01-31").get_data(as_text=True)
    assert "No suggestions in this period." in page and 'value="2001-01-01"' in page
    assert browser.get("/suggestions/recognition?start=yesterday&end=%3Cb%3E").status_code == 200


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/suggestions/recognition")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
