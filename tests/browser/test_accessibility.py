"""axe-core finds no serious or critical accessibility problem on the pages customers and staff use most.

Each page is checked in the states that add markup: the survey with a show_if question shown and with the
error summary, the sign-in form with its error, the board and a suggestion with data, the dashboards with
answers in them.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.models import Touchpoint, User
from app.services.suggestions import advance_suggestion, submit_suggestion
from tests.browser.pages import assert_accessible, serious_violations, sign_in

LOCALES = {"zh": "zh-CN", "en": "en-US"}


@pytest.mark.parametrize("language", sorted(LOCALES))
def test_survey_and_thank_you_pages_have_no_serious_accessibility_problems(open_context, demo, axe_script, language):
    page = open_context(phone=True, locale=LOCALES[language]).new_page()
    page.goto("/s/purchase")
    page.locator("#q-channel input[value=store]").tap()
    page.locator("#q-store_staff").wait_for(state="visible")
    assert_accessible(page, axe_script)

    page.locator("#submit-button").tap()  # nothing answered: the page comes back with the error summary
    page.locator("#error-summary").wait_for()
    assert_accessible(page, axe_script)

    page.goto("/s/purchase/thanks")
    assert_accessible(page, axe_script)


def test_sign_in_page_has_no_serious_accessibility_problems(open_context, people, axe_script):
    page = open_context().new_page()
    page.goto("/login")
    assert_accessible(page, axe_script)

    page.locator("#email").fill(people.staff.email)
    page.locator("#password").fill("not the password")
    page.locator("form button[type=submit]").click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page, axe_script)


def open_suggestions(session, people) -> int:
    """Suggestions waiting, in review, accepted (one overdue) and in progress; returns the accepted one's id."""
    staff, rep, owner = (session.get(User, person.id) for person in (people.staff, people.rep, people.owner))
    touchpoint_id = session.scalar(sa.select(Touchpoint.id).where(Touchpoint.code == "purchase"))
    steps = {
        "Explain delivery fees upfront": [],
        "Call before arriving": ["under_review"],
        "Show delivery slots online": ["under_review", "accepted"],
        "Train store staff on the app": ["under_review", "accepted", "in_progress"],
    }
    ids = []
    for title, states in steps.items():
        suggestion = submit_suggestion(
            session, submitter=staff, title=title, description="Customers asked for it.", touchpoint_id=touchpoint_id
        )
        session.flush()
        for state in states:
            actor = owner if state == "in_progress" else rep
            details = {"owner_id": owner.id, "due_date": date(2026, 1, 31)} if state == "accepted" else {}
            advance_suggestion(session, suggestion.id, state, actor=actor, **details)
        ids.append(suggestion.id)
    session.commit()
    return ids[2]


def test_suggestion_board_and_page_have_no_serious_accessibility_problems(open_context, demo, people, axe_script):
    accepted = open_suggestions(demo, people)
    page = open_context().new_page()
    sign_in(page, people.rep)
    page.goto("/suggestions/board")
    assert_accessible(page, axe_script)

    phone = open_context(phone=True).new_page()  # the timeline is wider than a phone: it scrolls in its box
    sign_in(phone, people.rep)
    phone.goto(f"/suggestions/{accepted}")
    assert_accessible(phone, axe_script)


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_analytics_pages_have_no_serious_accessibility_problems(open_context, answered, people, axe_script, screen):
    page = open_context(phone=screen == "phone").new_page()
    sign_in(page, people.manager)
    page.goto("/analytics/")
    page.locator("#overview-table").wait_for()
    assert_accessible(page, axe_script)

    page.goto("/analytics/touchpoints/purchase?compare=region")
    assert_accessible(page, axe_script)


def test_the_check_reports_each_serious_problem_with_its_rule_help_and_element(open_context, axe_script, live_server):
    page = open_context().new_page()
    page.goto("/login")
    page.evaluate("""() => {
        document.querySelector('label[for=email]').remove();
        document.querySelector('main').insertAdjacentHTML('beforeend', '<img id="unnamed" src="/static/none.png">');
    }""")
    found = "\n".join(serious_violations(page, axe_script))
    assert "label (critical): Form elements must have labels at #email" in found
    assert "image-alt (critical): Images must have alternative text at #unnamed" in found
