"""The closed loop in real browsers: a staff member suggests on a phone; a representative, the owner and the
representative again take the suggestion to closure, each in their own browser context."""

from __future__ import annotations

import re

from tests.browser.pages import keep_screenshot, page_width, sign_in

TITLE = "Show delivery slots when ordering online"
PHONE_WIDTH = 375


def submit_on_phone(open_context, staff):
    """``staff`` signs in on a phone and submits TITLE; returns the page and the new suggestion's id."""
    page = open_context(phone=True).new_page()
    sign_in(page, staff)
    page.goto("/suggestions/new")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("What should change, and why?").fill("Customers call us to ask when we can deliver.")
    page.get_by_label("Touchpoint (optional)").select_option(label="Buying in store or online")
    keep_screenshot(page, "suggestion-form-phone")
    assert page_width(page) <= PHONE_WIDTH, "the suggestion form scrolls sideways on a phone"
    page.get_by_role("button", name="Submit suggestion").tap()
    page.wait_for_url(re.compile(r"/suggestions/\d+$"))
    suggestion_id = int(page.url.rsplit("/", 1)[1])
    assert f"Your suggestion #{suggestion_id} was submitted" in page.get_by_role("status").inner_text()
    return page, suggestion_id


def my_suggestion_row(page):
    """The row of TITLE under "My suggestions", reached through the page's navigation."""
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="My suggestions").tap()
    page.wait_for_url("**/suggestions/mine")
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE))


def take_step(page, state: str, *, owner: str | None = None, due: str | None = None) -> None:
    """Move the open suggestion to ``state`` with the page's form for it, and wait for the saved notice."""
    form = page.get_by_role("form", name=state)
    if owner:
        form.get_by_label("Owner").select_option(label=owner)
        form.get_by_label("Due date").fill(due)
    form.get_by_role("button").click()
    page.get_by_role("status").filter(has_text=f"now “{state}”").wait_for()
    assert page.locator("#state").inner_text() == state


def timeline(page) -> list[tuple[str, str]]:
    """(who, to which state) for each row of the suggestion's timeline."""
    rows = page.locator("#timeline tbody tr")
    return [(row.locator("td").nth(1).inner_text(), row.locator("td").nth(3).inner_text()) for row in rows.all()]


def test_staff_member_submits_a_suggestion_on_a_phone_and_sees_it_under_my_suggestions(open_context, people):
    page, suggestion_id = submit_on_phone(open_context, people.staff)

    row = my_suggestion_row(page)
    assert row.count() == 1
    assert row.get_by_role("cell").first.inner_text() == str(suggestion_id)
    assert "Submitted" in row.inner_text()
    assert page_width(page) <= PHONE_WIDTH


def test_representative_owner_and_verifier_take_a_suggestion_to_closure(open_context, people):
    staff_page, suggestion_id = submit_on_phone(open_context, people.staff)

    rep = open_context().new_page()
    sign_in(rep, people.rep)
    rep.goto("/suggestions/board")
    rep.get_by_role("link", name=TITLE).click()
    take_step(rep, "Under review")
    take_step(rep, "Accepted", owner=people.owner.name, due="2030-03-31")

    owner = open_context().new_page()
    sign_in(owner, people.owner)  # an owner starts in their queue
    owner.get_by_role("link", name=TITLE).click()
    take_step(owner, "In progress")
    take_step(owner, "Implemented")
    assert owner.get_by_role("form", name="Verified").count() == 0, "owners must not verify their own work"

    rep.reload()
    take_step(rep, "Verified")
    take_step(rep, "Closed")
    keep_screenshot(rep, "suggestion-closed")
    assert timeline(rep) == [
        (people.staff.name, "Submitted"),
        (people.rep.name, "Under review"),
        (people.rep.name, "Accepted"),
        (people.owner.name, "In progress"),
        (people.owner.name, "Implemented"),
        (people.rep.name, "Verified"),
        (people.rep.name, "Closed"),
    ]
    assert "due 2030-03-31" in rep.locator("#timeline tbody tr").nth(2).inner_text()
    assert "Closed" in my_suggestion_row(staff_page).inner_text()
